package dev.pfhir;

/**
 * The TLS handshake failed: unknown CA, name mismatch, expired certificate, or the client
 * certificate was refused ({@link ErrorCode#TLS}).
 */
public class TlsException extends PfhirException {
    private static final long serialVersionUID = 1L;

    TlsException(ErrorInfo info) {
        super(info);
    }
}
