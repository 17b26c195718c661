package dev.pfhir;

/**
 * A connect or request timeout ({@link ErrorCode#TIMEOUT}). Not to be confused with
 * {@code java.util.concurrent.TimeoutException}.
 */
public class TimeoutException extends PfhirException {
    private static final long serialVersionUID = 1L;

    TimeoutException(ErrorInfo info) {
        super(info);
    }
}
