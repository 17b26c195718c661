package dev.pfhir;

/**
 * An update whose Bundle is not for the patient its id names, so nothing was sent
 * ({@link ErrorCode#UPDATE_TARGET_MISMATCH}). On API v2 the Bundle's Patient.id must equal the
 * id updated: build the update with the PatientInput member
 * {@code "ids": {"patient": "<patientId from create>"}}. On API v1 the value of one of the
 * Patient's identifiers of an accepted assigning authority must equal it (the business id).
 * Like {@link ValidationException} it is a mistake of the caller found before sending: no
 * {@link #requestId()}, {@link #httpStatus()} 0. The message never repeats an id.
 */
public class UpdateTargetMismatchException extends PfhirException {
    private static final long serialVersionUID = 1L;

    UpdateTargetMismatchException(ErrorInfo info) {
        super(info);
    }
}
