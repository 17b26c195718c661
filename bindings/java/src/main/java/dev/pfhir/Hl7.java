package dev.pfhir;

import static dev.pfhir.Ffi.LIB;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.Objects;

/**
 * HL7 v2 in (docs/hl7v2.md): an ADT message becomes a partner Bundle, every issue points at
 * the HL7 field it came from ({@code PID-7}), and an original-mode ACK answers the sender.
 *
 * <pre>{@code
 * Hl7Options opts = Hl7Options.builder().tz("+01:00").build();
 * Hl7Result r = Hl7.toBundle(Files.readAllBytes(path), opts);
 * r.bundle().ifPresent(client::create);
 * byte[] ack = r.ack();
 * }</pre>
 *
 * <p>Thread-safe (no state). A finding is data: any message gives a result.
 */
public final class Hl7 {
    private Hl7() {}

    /**
     * Converts one message (ER7, MLLP framing allowed).
     *
     * @param message the bytes, in the character set MSH-18 names
     * @param options the options
     * @return the Bundle or the issues, and the ACK
     * @throws ArgumentException when the library refuses an option (a time zone that is not
     *     an offset, an unknown character set, an unusable authority)
     */
    public static Hl7Result toBundle(byte[] message, Hl7Options options) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(options, "options");
        Pointer opts = options.toNative();
        try {
            PointerByReference out = new PointerByReference();
            Ffi.check(LIB.pfhir_hl7_convert(opts, Ffi.ptr(message), Ffi.len(message), out));
            return Hl7Result.take(out.getValue());
        } finally {
            LIB.pfhir_hl7_options_free(opts);
        }
    }

    /**
     * Converts one message with the default options.
     *
     * @param message the bytes
     * @return the Bundle or the issues, and the ACK
     */
    public static Hl7Result toBundle(byte[] message) {
        return toBundle(message, Hl7Options.defaults());
    }

    /**
     * The original-mode ACK of one message, whatever it says.
     *
     * @param message the bytes
     * @param options the options
     * @return the ACK, segments ended by {@code \r}
     */
    public static byte[] ack(byte[] message, Hl7Options options) {
        return toBundle(message, options).ack();
    }
}
