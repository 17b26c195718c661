package dev.pfhir;

/**
 * The client configuration is incomplete or wrong: base URL, certificate, key, credentials
 * ({@link ErrorCode#CONFIG}). Also thrown for an update or read without an id.
 */
public class ConfigException extends PfhirException {
    private static final long serialVersionUID = 1L;

    ConfigException(ErrorInfo info) {
        super(info);
    }
}
