package dev.pfhir;

/**
 * A PatientInput could not be turned into a Bundle ({@link ErrorCode#INPUT}, or
 * {@link ErrorCode#JSON} for unreadable JSON). {@link #fields()} names every wrong field and
 * says what is wrong with it, never its value.
 */
public class InputException extends PfhirException {
    private static final long serialVersionUID = 1L;

    InputException(ErrorInfo info) {
        super(info);
    }
}
