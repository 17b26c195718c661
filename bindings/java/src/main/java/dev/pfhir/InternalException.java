package dev.pfhir;

/**
 * A pfhir bug ({@link ErrorCode#PANIC}: the panic was caught at the boundary and the call had
 * no effect) or an internal failure such as no randomness from the operating system
 * ({@link ErrorCode#INTERNAL}).
 */
public class InternalException extends PfhirException {
    private static final long serialVersionUID = 1L;

    InternalException(ErrorInfo info) {
        super(info);
    }
}
