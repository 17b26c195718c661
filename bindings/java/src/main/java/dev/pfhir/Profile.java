package dev.pfhir;

/** A validation profile ({@code PFHIR_PROFILE_*}). */
public enum Profile {
    /** FHIR STU3 only. */
    BASE(0),
    /** STU3 plus the partner profile rules (the default). */
    PARTNER(1);

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
