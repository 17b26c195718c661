package dev.pfhir;

import java.util.List;
import java.util.Optional;

/**
 * The base of every exception pfhir throws for a failed call. It is <b>unchecked</b>: pfhir's
 * failures (bad input, a refused request, a network error) are reported by subclasses that
 * callers catch where they can act on them, and code that cannot act lets them propagate.
 * A validation finding is not an exception: {@link Validator#validate(byte[])} returns an
 * {@link Outcome} for any input.
 *
 * <p>Each {@link ErrorCode} is thrown as one subclass ({@link ErrorCode#exceptionClass()}):
 * <ul>
 *   <li>{@link ArgumentException}: a bad argument (invalid option value, unknown rule...);</li>
 *   <li>{@link InputException}: wrong PatientInput fields, see {@link #fields()};</li>
 *   <li>{@link ValidationException}: the Bundle failed local validation, nothing was sent;</li>
 *   <li>{@link UpdateTargetMismatchException}: an update whose Bundle is for another patient
 *       than its id names, nothing was sent;</li>
 *   <li>{@link ConfigException}: the client configuration is incomplete or wrong;</li>
 *   <li>{@link TlsException}, {@link ConnectException}, {@link TimeoutException},
 *       {@link OutcomeUnknownException}: the network;</li>
 *   <li>{@link ServerException} (with a {@link ServerException.Kind}) and its subclasses
 *       {@link ForbiddenException}, {@link NotFoundException}, {@link RateLimitedException},
 *       {@link UnavailableException}: the platform answered with an error status;</li>
 *   <li>{@link InvalidResponseException}: a success status with an unusable body;</li>
 *   <li>{@link InternalException}: a pfhir bug.</li>
 * </ul>
 * Arguments that Java can check ({@code null}, negative numbers) throw
 * {@link NullPointerException} or {@link IllegalArgumentException} before reaching the native
 * library, and using a closed {@link Validator} or {@link Client} throws
 * {@link IllegalStateException}.
 *
 * <p>Messages never contain a secret or a patient value.
 */
public class PfhirException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What the native error carried. */
    private final ErrorInfo info;
    /** The code of {@code info.rawCode()}. */
    private final ErrorCode code;

    PfhirException(ErrorInfo info) {
        super(info.message());
        this.info = info;
        this.code = ErrorCode.fromNumber(info.rawCode());
    }

    /**
     * The error code.
     *
     * @return the code ({@link ErrorCode#UNKNOWN} for a number this binding does not know)
     */
    public ErrorCode code() {
        return code;
    }

    /**
     * The code's number as the library returned it (useful when {@link #code()} is
     * {@link ErrorCode#UNKNOWN}).
     *
     * @return the number
     */
    public int rawCode() {
        return info.rawCode();
    }

    /**
     * The HTTP status the platform answered with.
     *
     * @return the status, or 0 when no answer was received
     */
    public int httpStatus() {
        return info.httpStatus();
    }

    /**
     * The OperationOutcome as JSON: the platform's answer, or the local validation's findings
     * ({@link ValidationException}).
     *
     * @return the JSON, or empty when there is none
     */
    public Optional<String> outcomeJson() {
        return Optional.ofNullable(info.outcomeJson());
    }

    /**
     * The {@code x-origin-request-id} of the failed request (see {@link #mayHaveBeenProcessed()}
     * before re-sending a create with it).
     *
     * @return the id, or empty when no request was made
     */
    public Optional<String> requestId() {
        return Optional.ofNullable(info.requestId());
    }

    /**
     * The raw response body of an HTTP error (HTML from a gateway, say).
     *
     * @return the body, or empty
     */
    public Optional<String> body() {
        return Optional.ofNullable(info.body());
    }

    /**
     * True when sending the same request again cannot do harm and may succeed.
     *
     * @return whether a retry is safe
     */
    public boolean isRetrySafe() {
        return info.retrySafe();
    }

    /**
     * True when the platform may have processed the failed request: the connection broke or
     * timed out after it was sent ({@link OutcomeUnknownException}, a {@link TimeoutException}
     * after sending), or the platform answered an internal {@code timeout} or
     * {@code exception}. For a create the patient may exist: do not simply create it again
     * (v1: read {@code Patient/{business id}}; v2: a re-send with the same
     * {@link #requestId()} is safe only against a server that de-duplicates by
     * {@code x-origin-request-id}, which the partner guide does not promise). False when
     * nothing was sent or the platform refused the request (a 409, a 400).
     *
     * @return whether the platform may have processed the request
     */
    public boolean mayHaveBeenProcessed() {
        return info.mayHaveBeenProcessed();
    }

    /**
     * Why the TLS handshake failed, for a {@link TlsException} ({@code pfhir_error_tls_cause}).
     *
     * @return the cause ({@link TlsCause#NONE} for other errors)
     */
    public TlsCause tlsCause() {
        return TlsCause.fromNumber(info.tlsCause());
    }

    /**
     * How long the platform asked to wait (HTTP {@code Retry-After}, for a 429 or 503), when it
     * said so ({@code pfhir_error_retry_after_ms}).
     *
     * @return the delay, or empty
     */
    public java.util.Optional<java.time.Duration> retryAfter() {
        return info.retryAfterMs() == 0
                ? java.util.Optional.empty()
                : java.util.Optional.of(java.time.Duration.ofMillis(info.retryAfterMs()));
    }

    /**
     * The wrong PatientInput fields ({@link InputException}); empty for other errors.
     *
     * @return an immutable list, in input order
     */
    public List<FieldError> fields() {
        return info.fields();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(getClass().getName()).append(" [").append(code.snakeName());
        if (code == ErrorCode.UNKNOWN) {
            s.append(' ').append(info.rawCode());
        }
        if (info.httpStatus() != 0) {
            s.append(", HTTP ").append(info.httpStatus());
        }
        if (info.requestId() != null) {
            s.append(", request ").append(info.requestId());
        }
        return s.append("]: ").append(getMessage()).toString();
    }

    /** The exception for an error: the class of its code. */
    static PfhirException of(ErrorInfo info) {
        ErrorCode c = ErrorCode.fromNumber(info.rawCode());
        switch (c) {
            case NULL_ARGUMENT:
            case INVALID_UTF8:
            case INVALID_ARGUMENT:
                return new ArgumentException(info);
            case PANIC:
            case INTERNAL:
                return new InternalException(info);
            case CONFIG:
                return new ConfigException(info);
            case WRONG_PASSWORD:
                return new WrongPasswordException(info);
            case INPUT:
            case JSON:
                return new InputException(info);
            case VALIDATION:
                return new ValidationException(info);
            case UPDATE_TARGET_MISMATCH:
                return new UpdateTargetMismatchException(info);
            case TLS:
                return new TlsException(info);
            case CONNECT:
                return new ConnectException(info);
            case TIMEOUT:
                return new TimeoutException(info);
            case OUTCOME_UNKNOWN:
                return new OutcomeUnknownException(info);
            case SERVER_REQUIRED:
            case SERVER_STRUCTURE:
            case SERVER_INVALID:
            case SERVER_TOO_LONG:
            case SERVER_TIMEOUT:
            case SERVER_EXCEPTION:
            case NOT_SUPPORTED:
            case HTTP_STATUS:
                return new ServerException(info);
            case FORBIDDEN:
                return new ForbiddenException(info);
            case NOT_FOUND:
                return new NotFoundException(info);
            case RATE_LIMITED:
                return new RateLimitedException(info);
            case UNAVAILABLE:
                return new UnavailableException(info);
            case INVALID_RESPONSE:
                return new InvalidResponseException(info);
            case OK:
            case UNKNOWN:
            default:
                return new PfhirException(info);
        }
    }
}
