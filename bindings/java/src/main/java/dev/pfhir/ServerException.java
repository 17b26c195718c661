package dev.pfhir;

/**
 * The platform (or a gateway in front of it) answered with an error status.
 * {@link #httpStatus()} is the status, {@link #outcomeJson()} the platform's OperationOutcome
 * when it sent one, {@link #requestId()} the request's {@code x-origin-request-id} and
 * {@link #kind()} what kind of refusal it is. Subclasses exist for the kinds callers usually
 * handle apart: {@link ForbiddenException}, {@link NotFoundException},
 * {@link RateLimitedException} and {@link UnavailableException}.
 */
public class ServerException extends PfhirException {
    private static final long serialVersionUID = 1L;

    /** The kind of refusal: the platform's issue code, or the HTTP-level reason. */
    public enum Kind {
        /** {@code required}: a required element is missing ({@link ErrorCode#SERVER_REQUIRED}). */
        REQUIRED,
        /** {@code structure} ({@link ErrorCode#SERVER_STRUCTURE}). */
        STRUCTURE,
        /** {@code invalid}: e.g. a duplicate identifier or e-mail ({@link ErrorCode#SERVER_INVALID}). */
        INVALID,
        /** {@code too-long} ({@link ErrorCode#SERVER_TOO_LONG}). */
        TOO_LONG,
        /** {@code timeout}: an internal timeout, transient ({@link ErrorCode#SERVER_TIMEOUT}). */
        TIMEOUT,
        /** {@code exception}: an unexpected internal error, transient ({@link ErrorCode#SERVER_EXCEPTION}). */
        EXCEPTION,
        /** 403 ({@link ErrorCode#FORBIDDEN}). */
        FORBIDDEN,
        /** 404 ({@link ErrorCode#NOT_FOUND}). */
        NOT_FOUND,
        /** {@code not-supported} ({@link ErrorCode#NOT_SUPPORTED}). */
        NOT_SUPPORTED,
        /** 429 ({@link ErrorCode#RATE_LIMITED}). */
        RATE_LIMITED,
        /** 502, 503 or 504 without a FHIR answer ({@link ErrorCode#UNAVAILABLE}). */
        UNAVAILABLE,
        /** Another HTTP error status ({@link ErrorCode#HTTP_STATUS}). */
        OTHER
    }

    /** The kind of refusal, from the code. */
    private final Kind kind;

    ServerException(ErrorInfo info) {
        super(info);
        this.kind = kindOf(code());
    }

    /**
     * What kind of refusal this is.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    private static Kind kindOf(ErrorCode code) {
        switch (code) {
            case SERVER_REQUIRED:
                return Kind.REQUIRED;
            case SERVER_STRUCTURE:
                return Kind.STRUCTURE;
            case SERVER_INVALID:
                return Kind.INVALID;
            case SERVER_TOO_LONG:
                return Kind.TOO_LONG;
            case SERVER_TIMEOUT:
                return Kind.TIMEOUT;
            case SERVER_EXCEPTION:
                return Kind.EXCEPTION;
            case FORBIDDEN:
                return Kind.FORBIDDEN;
            case NOT_FOUND:
                return Kind.NOT_FOUND;
            case NOT_SUPPORTED:
                return Kind.NOT_SUPPORTED;
            case RATE_LIMITED:
                return Kind.RATE_LIMITED;
            case UNAVAILABLE:
                return Kind.UNAVAILABLE;
            default:
                return Kind.OTHER;
        }
    }
}
