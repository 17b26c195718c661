package dev.pfhir;

/**
 * The connection failed after the request was sent: the platform may or may not have
 * processed it ({@link ErrorCode#OUTCOME_UNKNOWN}; {@link #mayHaveBeenProcessed()} is true).
 * For a create the patient may exist: do not simply create it again. On API v1 read
 * {@code Patient/{business id}} ({@link Client#read(String)}) to find out; on v2 a re-send
 * with the same {@link #requestId()} is safe only against a server that de-duplicates by
 * {@code x-origin-request-id}, which the partner guide does not promise.
 */
public class OutcomeUnknownException extends PfhirException {
    private static final long serialVersionUID = 1L;

    OutcomeUnknownException(ErrorInfo info) {
        super(info);
    }
}
