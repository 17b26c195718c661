package dev.pfhir;

import dev.pfhir.internal.Abi;

/** A validation profile ({@code PFHIR_PROFILE_*}). */
public enum Profile {
    /** FHIR STU3 only. */
    BASE(Abi.PROFILE_BASE),
    /** STU3 plus the partner profile rules (the default). */
    PARTNER(Abi.PROFILE_PARTNER);

    private final int number;

    Profile(int number) {
        this.number = number;
    }

    /**
     * The number in {@code pfhir.h}.
     *
     * @return the number
     */
    public int number() {
        return number;
    }
}
