package dev.pfhir;

/**
 * 429: too many requests ({@link ErrorCode#RATE_LIMITED}, kind
 * {@link ServerException.Kind#RATE_LIMITED}); transient.
 */
public class RateLimitedException extends ServerException {
    private static final long serialVersionUID = 1L;

    RateLimitedException(ErrorInfo info) {
        super(info);
    }
}
