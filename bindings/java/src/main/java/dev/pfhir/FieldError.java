package dev.pfhir;

import java.util.Objects;

/**
 * One wrong PatientInput field of an {@link InputException}.
 *
 * @param field the field as named in the JSON form ({@code birthDate}, {@code phones[1].use})
 * @param message what is wrong with it (never its value: it is patient data)
 */
public record FieldError(String field, String message) implements java.io.Serializable {
    /**
     * A field error.
     *
     * @param field the field name
     * @param message what is wrong
     */
    public FieldError {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }
}
