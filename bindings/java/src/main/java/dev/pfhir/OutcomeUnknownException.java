package dev.pfhir;

/**
 * The connection failed after the request was sent: the platform may or may not have
 * processed it ({@link ErrorCode#OUTCOME_UNKNOWN}). Re-send it with the same
 * {@link #requestId()}: the platform answers a repeated request id with the first answer.
 */
public class OutcomeUnknownException extends PfhirException {
    private static final long serialVersionUID = 1L;

    OutcomeUnknownException(ErrorInfo info) {
        super(info);
    }
}
