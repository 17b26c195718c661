package dev.pfhir;

/**
 * 404: no such patient ({@link ErrorCode#NOT_FOUND}, kind
 * {@link ServerException.Kind#NOT_FOUND}).
 */
public class NotFoundException extends ServerException {
    private static final long serialVersionUID = 1L;

    NotFoundException(ErrorInfo info) {
        super(info);
    }
}
