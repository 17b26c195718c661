package dev.pfhir;

/**
 * The exception class each {@link ErrorCode} is thrown as: the idiomatic, hand-written half of
 * the codes ({@code ErrorCode} itself is generated from {@code pfhir.h}). The switch has no
 * default: a code added to the header does not compile until it is given its class here.
 */
final class ExceptionClasses {
    private ExceptionClasses() {}

    static Class<? extends PfhirException> of(ErrorCode code) {
        return switch (code) {
            case OK, UNKNOWN -> PfhirException.class;
            case NULL_ARGUMENT, INVALID_UTF8, INVALID_ARGUMENT -> ArgumentException.class;
            case PANIC, INTERNAL -> InternalException.class;
            case CONFIG -> ConfigException.class;
            case WRONG_PASSWORD -> WrongPasswordException.class;
            case INPUT, JSON -> InputException.class;
            case VALIDATION -> ValidationException.class;
            case UPDATE_TARGET_MISMATCH -> UpdateTargetMismatchException.class;
            case TLS -> TlsException.class;
            case CONNECT -> ConnectException.class;
            case TIMEOUT -> TimeoutException.class;
            case OUTCOME_UNKNOWN -> OutcomeUnknownException.class;
            case SERVER_REQUIRED, SERVER_STRUCTURE, SERVER_INVALID, SERVER_TOO_LONG,
                    SERVER_TIMEOUT, SERVER_EXCEPTION, NOT_SUPPORTED, HTTP_STATUS ->
                    ServerException.class;
            case FORBIDDEN -> ForbiddenException.class;
            case NOT_FOUND -> NotFoundException.class;
            case RATE_LIMITED -> RateLimitedException.class;
            case UNAVAILABLE -> UnavailableException.class;
            case INVALID_RESPONSE -> InvalidResponseException.class;
        };
    }
}
