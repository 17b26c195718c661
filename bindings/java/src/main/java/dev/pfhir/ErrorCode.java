package dev.pfhir;

/**
 * The error codes of libpfhir ({@code enum pfhir_code} in {@code pfhir.h}), with the same
 * numbers. The numbers are fixed forever and never reused; a newer library may return a number
 * this enum does not know, which reads as {@link #UNKNOWN} (the number itself is kept in
 * {@link PfhirException#rawCode()}).
 *
 * <p>Each code is thrown as one exception class, {@link #exceptionClass()}.
 */
public enum ErrorCode {
    /** No error (never thrown). */
    OK(0, "ok", PfhirException.class),
    /** A required argument is missing (a NULL pointer across the C ABI). */
    NULL_ARGUMENT(1, "null_argument", ArgumentException.class),
    /** A text argument is not valid UTF-8. */
    INVALID_UTF8(2, "invalid_utf8", ArgumentException.class),
    /** An argument is out of range or malformed (an unknown rule id, a bad option value). */
    INVALID_ARGUMENT(3, "invalid_argument", ArgumentException.class),
    /** pfhir panicked: a bug; the panic was caught at the boundary. */
    PANIC(4, "panic", InternalException.class),
    /** An internal failure: no randomness from the operating system, or a bug. */
    INTERNAL(5, "internal", InternalException.class),
    /** The client configuration is incomplete or wrong (URL, certificate, key...). */
    CONFIG(10, "config", ConfigException.class),
    /** A PatientInput field is wrong ({@link InputException#fields()} names each one). */
    INPUT(11, "input", InputException.class),
    /** A JSON text could not be read. */
    JSON(12, "json", InputException.class),
    /**
     * The password of the client identity (a PKCS#12 file, an encrypted private key) is wrong:
     * the file's integrity check or its decryption failed.
     */
    WRONG_PASSWORD(13, "wrong_password", WrongPasswordException.class),
    /** The Bundle failed local validation; nothing was sent (the outcome says why). */
    VALIDATION(20, "validation", ValidationException.class),
    /**
     * An update whose Bundle is not for the patient named by the id (v2: Patient.id; v1: the
     * value of an identifier of an accepted authority); nothing was sent.
     */
    UPDATE_TARGET_MISMATCH(21, "update_target_mismatch", UpdateTargetMismatchException.class),
    /** The TLS handshake failed (unknown CA, name mismatch, expired, client certificate refused). */
    TLS(30, "tls", TlsException.class),
    /** The server could not be reached (refused, DNS); nothing was sent. */
    CONNECT(31, "connect", ConnectException.class),
    /** A timeout. */
    TIMEOUT(32, "timeout", TimeoutException.class),
    /**
     * The connection failed after the request was sent: the platform may or may not have
     * processed it. For a create the patient may exist: on v1 read {@code Patient/{business id}}
     * to find out; re-sending with the same request id is safe only against a server that
     * de-duplicates by it, which the guide does not promise.
     */
    OUTCOME_UNKNOWN(33, "outcome_unknown", OutcomeUnknownException.class),
    /** The platform answered {@code required}: a required element is missing. */
    SERVER_REQUIRED(40, "server_required", ServerException.class),
    /** The platform answered {@code structure}. */
    SERVER_STRUCTURE(41, "server_structure", ServerException.class),
    /** The platform answered {@code invalid}. */
    SERVER_INVALID(42, "server_invalid", ServerException.class),
    /** The platform answered {@code too-long}. */
    SERVER_TOO_LONG(43, "server_too_long", ServerException.class),
    /** The platform answered {@code timeout} (an internal timeout; transient). */
    SERVER_TIMEOUT(44, "server_timeout", ServerException.class),
    /** The platform answered {@code exception} (an unexpected internal error; transient). */
    SERVER_EXCEPTION(45, "server_exception", ServerException.class),
    /** 403: the organization id or the client credentials were refused. */
    FORBIDDEN(46, "forbidden", ForbiddenException.class),
    /** 404: no such patient. */
    NOT_FOUND(47, "not_found", NotFoundException.class),
    /** The platform answered {@code not-supported} (e.g. a read without id). */
    NOT_SUPPORTED(48, "not_supported", ServerException.class),
    /** 429: too many requests. */
    RATE_LIMITED(49, "rate_limited", RateLimitedException.class),
    /** 502, 503 or 504 without a FHIR answer: a gateway or the service is unavailable. */
    UNAVAILABLE(50, "unavailable", UnavailableException.class),
    /** Another HTTP error status. */
    HTTP_STATUS(51, "http_status", ServerException.class),
    /** A success status with a body pfhir cannot use (not the expected resource, no ids). */
    INVALID_RESPONSE(60, "invalid_response", InvalidResponseException.class),
    /** A number this version of the binding does not know (from a newer library). */
    UNKNOWN(-1, "unknown", PfhirException.class);

    private static final ErrorCode[] BY_NUMBER = new ErrorCode[64];

    static {
        for (ErrorCode c : values()) {
            if (c.number >= 0) {
                BY_NUMBER[c.number] = c;
            }
        }
    }

    private final int number;
    private final String snakeName;
    private final Class<? extends PfhirException> exceptionClass;

    ErrorCode(int number, String snakeName, Class<? extends PfhirException> exceptionClass) {
        this.number = number;
        this.snakeName = snakeName;
        this.exceptionClass = exceptionClass;
    }

    /**
     * The code's number in {@code pfhir.h} ({@code -1} for {@link #UNKNOWN}).
     *
     * @return the number
     */
    public int number() {
        return number;
    }

    /**
     * The snake-case name, as {@code pfhir_code_name()} gives it ({@code not_found}).
     *
     * @return the name
     */
    public String snakeName() {
        return snakeName;
    }

    /**
     * The exception class an error with this code is thrown as.
     *
     * @return the class (the base {@link PfhirException} for {@link #OK} and {@link #UNKNOWN})
     */
    public Class<? extends PfhirException> exceptionClass() {
        return exceptionClass;
    }

    /**
     * The code of a number.
     *
     * @param number a {@code pfhir_code} number (read as unsigned)
     * @return its code, or {@link #UNKNOWN}
     */
    public static ErrorCode fromNumber(int number) {
        if (number >= 0 && number < BY_NUMBER.length && BY_NUMBER[number] != null) {
            return BY_NUMBER[number];
        }
        return UNKNOWN;
    }
}
