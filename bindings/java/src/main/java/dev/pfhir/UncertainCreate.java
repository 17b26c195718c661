package dev.pfhir;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link Client#resolveUncertainCreate(String, String)} found.
 *
 * @param state created, created with an unknown id, or not created
 * @param patientId the patient's id when {@link CreateState#CREATED} (v2: the logical id;
 *     v1: the business id), else empty
 */
public record UncertainCreate(CreateState state, Optional<String> patientId) {
    /**
     * A result.
     *
     * @param state the state
     * @param patientId the id, present only for {@link CreateState#CREATED}
     */
    public UncertainCreate {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(patientId, "patientId");
        if (patientId.isPresent() != (state == CreateState.CREATED)) {
            throw new IllegalArgumentException("a patient id goes with CREATED only");
        }
    }
}
