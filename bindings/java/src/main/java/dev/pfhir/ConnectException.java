package dev.pfhir;

/**
 * The server could not be reached (connection refused, DNS); nothing was sent
 * ({@link ErrorCode#CONNECT}). Not to be confused with {@code java.net.ConnectException}.
 */
public class ConnectException extends PfhirException {
    private static final long serialVersionUID = 1L;

    ConnectException(ErrorInfo info) {
        super(info);
    }
}
