package dev.pfhir;

/**
 * 502, 503 or 504 without a FHIR answer: a gateway or the service is unavailable
 * ({@link ErrorCode#UNAVAILABLE}, kind {@link ServerException.Kind#UNAVAILABLE}); transient.
 */
public class UnavailableException extends ServerException {
    private static final long serialVersionUID = 1L;

    UnavailableException(ErrorInfo info) {
        super(info);
    }
}
