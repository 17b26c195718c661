package dev.pfhir;

/**
 * The Bundle failed local validation before a create or update, so nothing was sent
 * ({@link ErrorCode#VALIDATION}). {@link #outcomeJson()} has the findings as an
 * OperationOutcome.
 */
public class ValidationException extends PfhirException {
    private static final long serialVersionUID = 1L;

    /** The findings, typed (null when the library gave none). Not serialized. */
    private transient Outcome validationOutcome;

    ValidationException(ErrorInfo info) {
        super(info);
    }

    void setValidationOutcome(Outcome outcome) {
        this.validationOutcome = outcome;
    }

    /**
     * The local validation's findings as an {@link Outcome} (typed issues with line and column,
     * as {@link Validator#validate} returns them; {@code pfhir_error_outcome}).
     *
     * @return the outcome (empty once the exception was deserialized)
     */
    public java.util.Optional<Outcome> validationOutcome() {
        return java.util.Optional.ofNullable(validationOutcome);
    }
}
