package dev.pfhir;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.pfhir.internal.PfhirBytes;
import dev.pfhir.internal.PfhirLibrary;
import dev.pfhir.internal.SizeT;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The loaded native library and the helpers every wrapper uses. Not API. */
final class Ffi {
    /** The C ABI version this binding was written for ({@code PFHIR_VERSION_STRING}). */
    static final String ABI_VERSION = dev.pfhir.internal.Abi.VERSION;

    static final PfhirLibrary LIB = load();

    private static final SizeT ZERO = new SizeT(0);

    private Ffi() {}

    private static PfhirLibrary load() {
        String name = System.getProperty("pfhir.library");
        if (name == null || name.isEmpty()) {
            name = "pfhir";
        }
        PfhirLibrary lib = Native.load(name, PfhirLibrary.class,
                Map.of(Library.OPTION_STRING_ENCODING, "UTF-8"));
        String version = lib.pfhir_version();
        if (!compatible(version, ABI_VERSION)) {
            throw new UnsatisfiedLinkError("libpfhir " + version + " is loaded, but this binding needs "
                    + ABI_VERSION + " (the same 0.x minor; from 1.0 on, the same major and a minor at least as new): "
                    + "use the jar's own library (no jna.library.path, no libpfhir of another version "
                    + "on the system's library path) or point pfhir.library at a matching build");
        }
        return lib;
    }

    /**
     * Whether a library version can serve this binding: the same major version, and while it
     * is 0.x the same minor (0.x minors may change the ABI); from 1.0 on, the library's minor
     * must be at least the binding's (functions are only added).
     */
    static boolean compatible(String library, String binding) {
        if (library == null || binding == null) {
            return false;
        }
        String[] x = library.split("\\.");
        String[] y = binding.split("\\.");
        if (x.length < 2 || y.length < 2 || !x[0].equals(y[0])) {
            return false;
        }
        try {
            int libMinor = Integer.parseInt(x[1]);
            int binMinor = Integer.parseInt(y[1]);
            return x[0].equals("0") ? libMinor == binMinor : libMinor >= binMinor;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Throws the exception of a non-NULL {@code pfhir_error*} (and frees the error). */
    static void check(Pointer err) {
        if (err != null) {
            throw takeError(err);
        }
    }

    /** Copies an error into an exception and frees it. */
    static PfhirException takeError(Pointer err) {
        try {
            int code = LIB.pfhir_error_code(err);
            String message = LIB.pfhir_error_message(err).toStringOrEmpty();
            int status = LIB.pfhir_error_http_status(err) & 0xFFFF;
            String outcome = LIB.pfhir_error_outcome_json(err).toStringOrNull();
            String requestId = LIB.pfhir_error_request_id(err).toStringOrNull();
            String body = LIB.pfhir_error_body(err).toStringOrNull();
            boolean retrySafe = LIB.pfhir_error_retry_safe(err) != 0;
            boolean mayHaveBeenProcessed = LIB.pfhir_error_may_have_been_processed(err) != 0;
            long n = LIB.pfhir_error_field_count(err).longValue();
            List<FieldError> fields = new ArrayList<>();
            for (long i = 0; i < n; i++) {
                SizeT at = new SizeT(i);
                fields.add(new FieldError(LIB.pfhir_error_field_name(err, at).toStringOrEmpty(),
                        LIB.pfhir_error_field_message(err, at).toStringOrEmpty()));
            }
            if (message.isEmpty()) {
                message = "pfhir error " + ErrorCode.fromNumber(code).snakeName() + " (" + code + ")";
            }
            int tlsCause = LIB.pfhir_error_tls_cause(err);
            long retryAfterMs = LIB.pfhir_error_retry_after_ms(err) & 0xFFFFFFFFL;
            PfhirException e = PfhirException.of(new ErrorInfo(code, message, status, outcome, requestId,
                    body, retrySafe, mayHaveBeenProcessed, fields, tlsCause, retryAfterMs));
            if (e instanceof ValidationException ve) {
                PointerByReference o = new PointerByReference();
                Pointer failed = LIB.pfhir_error_outcome(err, o);
                if (failed == null) {
                    ve.setValidationOutcome(Outcome.take(o.getValue()));
                } else {
                    LIB.pfhir_error_free(failed);
                }
            }
            return e;
        } finally {
            LIB.pfhir_error_free(err);
        }
    }

    /** A {@code size_t}. */
    static SizeT size(long n) {
        return n == 0 ? ZERO : new SizeT(n);
    }

    /** The pointer half of a {@code (ptr, len)} argument: NULL for an empty array. */
    static byte[] ptr(byte[] b) {
        return b == null || b.length == 0 ? null : b;
    }

    /** The length half of a {@code (ptr, len)} argument. */
    static SizeT len(byte[] b) {
        return b == null ? ZERO : size(b.length);
    }

    /**
     * The value, or a {@link NullPointerException} whose message names what was null, for
     * the public API's argument checks: {@code clientSecret: the value is null} tells the
     * caller which setting (an unset environment variable, say) is missing.
     */
    static <T> T notNull(T value, String what) {
        if (value == null) {
            throw new NullPointerException(what + ": the value is null (pfhir takes no null arguments; "
                    + "leave an optional setting unset instead)");
        }
        return value;
    }

    /**
     * A Java string as UTF-8. Throws {@link NullPointerException} for null and
     * {@link IllegalArgumentException} for a string with an unpaired surrogate (which has no
     * UTF-8 form), before anything reaches the native library.
     */
    static byte[] utf8(String s, String what) {
        notNull(s, what);
        try {
            ByteBuffer buf = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(s));
            byte[] out = new byte[buf.remaining()];
            buf.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " is not valid Unicode (an unpaired surrogate)", e);
        }
    }

    /** Copies an owned buffer written by pfhir and frees it. */
    static byte[] takeBytes(PfhirBytes out) {
        PfhirBytes.ByValue v = new PfhirBytes.ByValue();
        v.data = out.data;
        v.len = out.len;
        try {
            if (out.data == null) {
                return new byte[0];
            }
            long n = out.len.longValue();
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("pfhir returned a buffer too large for Java: " + n);
            }
            return out.data.getByteArray(0, (int) n);
        } finally {
            LIB.pfhir_bytes_free(v);
        }
    }
}
