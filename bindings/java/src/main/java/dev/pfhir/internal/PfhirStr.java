package dev.pfhir.internal;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import java.nio.charset.StandardCharsets;

/**
 * {@code struct pfhir_str} returned by value: a borrowed UTF-8 string. Internal: not part of
 * pfhir's API, may change in any release.
 */
@Structure.FieldOrder({"data", "len"})
public class PfhirStr extends Structure implements Structure.ByValue {
    /** The bytes, or NULL. */
    public Pointer data;
    /** Their length (the NUL excluded). */
    public SizeT len;

    /** An empty value (JNA fills it in). */
    public PfhirStr() {
        super();
    }

    /**
     * Copies the text into a Java string; {@code null} for {@code {NULL, 0}}.
     *
     * @return the text, or null when absent
     */
    public String toStringOrNull() {
        if (data == null) {
            return null;
        }
        long n = len == null ? 0 : len.longValue();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("pfhir returned a string too long for Java: " + n);
        }
        return new String(data.getByteArray(0, (int) n), StandardCharsets.UTF_8);
    }

    /**
     * Copies the text into a Java string; {@code ""} for {@code {NULL, 0}}.
     *
     * @return the text, never null
     */
    public String toStringOrEmpty() {
        String s = toStringOrNull();
        return s == null ? "" : s;
    }
}
