package dev.pfhir;

/**
 * An argument the native library refused: a text that is not UTF-8, an unknown rule id, an
 * option value out of range ({@link ErrorCode#NULL_ARGUMENT}, {@link ErrorCode#INVALID_UTF8},
 * {@link ErrorCode#INVALID_ARGUMENT}).
 */
public class ArgumentException extends PfhirException {
    private static final long serialVersionUID = 1L;

    ArgumentException(ErrorInfo info) {
        super(info);
    }
}
