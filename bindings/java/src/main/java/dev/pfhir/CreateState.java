package dev.pfhir;

import dev.pfhir.internal.Abi;

/** What {@link Client#resolveUncertainCreate(String, String)} found ({@code PFHIR_CREATE_*}). */
public enum CreateState {
    /** The patient exists; {@link UncertainCreate#patientId()} is its id. */
    CREATED(Abi.CREATE_CREATED),
    /**
     * The patient was created but its logical id is unknown: a person must find it. Never
     * create it again.
     */
    CREATED_ID_UNKNOWN(Abi.CREATE_CREATED_ID_UNKNOWN),
    /** The create was not processed: it may be sent again as a new create. */
    NOT_CREATED(Abi.CREATE_NOT_CREATED);

    private final int number;

    CreateState(int number) {
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

    /** The state of a number, or null for a number this binding does not know. */
    static CreateState fromNumber(int n) {
        for (CreateState s : values()) {
            if (s.number == n) {
                return s;
            }
        }
        return null;
    }
}
