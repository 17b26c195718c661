package dev.pfhir;

/**
 * The platform answered with a success status but a body pfhir cannot use: not the
 * expected resource, or no ids ({@link ErrorCode#INVALID_RESPONSE}). See {@link #body()}.
 */
public class InvalidResponseException extends PfhirException {
    private static final long serialVersionUID = 1L;

    InvalidResponseException(ErrorInfo info) {
        super(info);
    }
}
