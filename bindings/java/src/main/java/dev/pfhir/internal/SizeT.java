package dev.pfhir.internal;

import com.sun.jna.IntegerType;
import com.sun.jna.Native;

/**
 * C {@code size_t} for JNA. Internal: not part of pfhir's API, may change in any release.
 */
public final class SizeT extends IntegerType {
    private static final long serialVersionUID = 1L;

    /** Zero (JNA needs a public no-argument constructor). */
    public SizeT() {
        this(0);
    }

    /**
     * A size.
     *
     * @param value the value, not negative
     */
    public SizeT(long value) {
        super(Native.SIZE_T_SIZE, value, true);
    }
}
