package dev.pfhir;

/**
 * The Bundle failed local validation before a create or update, so nothing was sent
 * ({@link ErrorCode#VALIDATION}). {@link #outcomeJson()} has the findings as an
 * OperationOutcome.
 */
public class ValidationException extends PfhirException {
    private static final long serialVersionUID = 1L;

    ValidationException(ErrorInfo info) {
        super(info);
    }
}
