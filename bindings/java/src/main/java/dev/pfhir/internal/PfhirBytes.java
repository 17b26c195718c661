package dev.pfhir.internal;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;

/**
 * {@code struct pfhir_bytes}: an owned buffer written by pfhir to an out-parameter and freed
 * with {@code pfhir_bytes_free} (by value). Internal: not part of pfhir's API.
 */
@Structure.FieldOrder({"data", "len"})
public class PfhirBytes extends Structure {
    /** The bytes, or NULL for an empty buffer. */
    public Pointer data;
    /** Their length (the NUL excluded). */
    public SizeT len;

    /** An empty buffer, passed by reference as an out-parameter. */
    public PfhirBytes() {
        super();
    }

    /** The same struct passed by value, to {@code pfhir_bytes_free}. */
    public static class ByValue extends PfhirBytes implements Structure.ByValue {
        /** An empty value. */
        public ByValue() {
            super();
        }
    }
}
