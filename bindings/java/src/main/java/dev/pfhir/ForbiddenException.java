package dev.pfhir;

/**
 * 403: the organization id or the client credentials were refused
 * ({@link ErrorCode#FORBIDDEN}, kind {@link ServerException.Kind#FORBIDDEN}).
 */
public class ForbiddenException extends ServerException {
    private static final long serialVersionUID = 1L;

    ForbiddenException(ErrorInfo info) {
        super(info);
    }
}
