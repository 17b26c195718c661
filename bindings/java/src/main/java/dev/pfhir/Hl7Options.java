package dev.pfhir;

import static dev.pfhir.Ffi.LIB;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.pfhir.internal.Abi;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Options of the HL7 v2 conversion ({@link Hl7}): the CLI's {@code pfhir hl7} flags
 * (docs/hl7v2.md, "Options"). Immutable; build with {@link #builder()}.
 */
public final class Hl7Options {
    private final Map<String, String> namespaces;
    private final List<String> authorities;
    private final Map<Integer, String> texts;
    private final long maxBytes;

    private Hl7Options(Builder b) {
        this.namespaces = Map.copyOf(b.namespaces);
        this.authorities = List.copyOf(b.authorities);
        this.texts = Map.copyOf(b.texts);
        this.maxBytes = b.maxBytes;
    }

    /**
     * The defaults: the CIP and METEDA namespaces, no site time zone, UTF-8 for messages
     * without MSH-18, a 1 MiB size limit, fresh ids and ACK times.
     *
     * @return the default options
     */
    public static Hl7Options defaults() {
        return builder().build();
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Makes the native options; the caller frees them. */
    Pointer toNative() {
        PointerByReference out = new PointerByReference();
        Ffi.check(LIB.pfhir_hl7_options_new(out));
        Pointer opts = out.getValue();
        boolean ok = false;
        try {
            for (Map.Entry<String, String> e : namespaces.entrySet()) {
                byte[] ns = Ffi.utf8(e.getKey(), "namespace");
                byte[] sys = Ffi.utf8(e.getValue(), "system");
                Ffi.check(LIB.pfhir_hl7_options_add_namespace(opts, Ffi.ptr(ns), Ffi.len(ns),
                        Ffi.ptr(sys), Ffi.len(sys)));
            }
            for (String a : authorities) {
                byte[] sys = Ffi.utf8(a, "authority");
                Ffi.check(LIB.pfhir_hl7_options_add_authority(opts, Ffi.ptr(sys), Ffi.len(sys)));
            }
            for (Map.Entry<Integer, String> e : texts.entrySet()) {
                byte[] v = Ffi.utf8(e.getValue(), "option");
                Ffi.check(LIB.pfhir_hl7_options_set(opts, e.getKey(), Ffi.ptr(v), Ffi.len(v)));
            }
            if (maxBytes != 0) {
                Ffi.check(LIB.pfhir_hl7_options_set_max_bytes(opts, Ffi.size(maxBytes)));
            }
            ok = true;
            return opts;
        } finally {
            if (!ok) {
                LIB.pfhir_hl7_options_free(opts);
            }
        }
    }

    @Override
    public String toString() {
        return "Hl7Options[namespaces=" + namespaces.keySet() + ", authorities=" + authorities.size()
                + ", options=" + texts.size() + "]";
    }

    /** Builds {@link Hl7Options}. An unset option keeps its default. */
    public static final class Builder {
        private final Map<String, String> namespaces = new LinkedHashMap<>();
        private final List<String> authorities = new ArrayList<>();
        private final Map<Integer, String> texts = new LinkedHashMap<>();
        private long maxBytes;

        private Builder() {}

        private Builder text(int option, String value, String what) {
            texts.put(option, Ffi.notNull(value, what));
            return this;
        }

        /**
         * Maps an assigning authority namespace (CX.4.1) to an identifier system.
         *
         * @param namespace the namespace ({@code HOSP})
         * @param system the system ({@code urn:oid:2.16.724.4.2.1})
         * @return this builder
         */
        public Builder namespace(String namespace, String system) {
            namespaces.put(Ffi.notNull(namespace, "namespace"), Ffi.notNull(system, "system"));
            return this;
        }

        /**
         * Accepts one more identifier system as assigning authority (besides CIP and Meteda).
         *
         * @param system the identifier system
         * @return this builder
         */
        public Builder authority(String system) {
            authorities.add(Ffi.notNull(system, "authority"));
            return this;
        }

        /**
         * The organization OID (default: MSH-4.2 when MSH-4.3 is ISO).
         *
         * @param oid the OID
         * @return this builder
         */
        public Builder orgId(String oid) {
            return text(Abi.HL7_OPTION_ORG_ID, oid, "orgId");
        }

        /**
         * The exact MessageHeader.source.endpoint.
         *
         * @param uri the endpoint
         * @return this builder
         */
        public Builder sourceEndpoint(String uri) {
            return text(Abi.HL7_OPTION_SOURCE_ENDPOINT, uri, "sourceEndpoint");
        }

        /**
         * The platform's Patient id, for updates (A08, A31).
         *
         * @param id the logical id
         * @return this builder
         */
        public Builder patientId(String id) {
            return text(Abi.HL7_OPTION_PATIENT_ID, id, "patientId");
        }

        /**
         * The site's fixed UTC offset for times without zone ({@code +01:00}, {@code Z}).
         *
         * @param offset the offset
         * @return this builder
         */
        public Builder tz(String offset) {
            return text(Abi.HL7_OPTION_TZ, offset, "tz");
        }

        /**
         * The character set of messages without MSH-18 ({@code 8859/1}...).
         *
         * @param name the MSH-18 name
         * @return this builder
         */
        public Builder charset(String name) {
            return text(Abi.HL7_OPTION_CHARSET, name, "charset");
        }

        /**
         * Fixed ids {@code bundle-S}, {@code header-S}, {@code patient-S}, {@code condition-S}.
         *
         * @param s the suffix
         * @return this builder
         */
        public Builder fixedIds(String s) {
            return text(Abi.HL7_OPTION_FIXED_IDS, s, "fixedIds");
        }

        /**
         * The ACK's MSH-10.
         *
         * @param id the control id
         * @return this builder
         */
        public Builder ackControlId(String id) {
            return text(Abi.HL7_OPTION_ACK_CONTROL_ID, id, "ackControlId");
        }

        /**
         * The ACK's MSH-7 (an HL7 DTM).
         *
         * @param dtm the time
         * @return this builder
         */
        public Builder ackTime(String dtm) {
            return text(Abi.HL7_OPTION_ACK_TIME, dtm, "ackTime");
        }

        /**
         * The size limit in bytes (default 1 MiB).
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder maxBytes(long n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxBytes must be at least 1");
            }
            maxBytes = n;
            return this;
        }

        /**
         * The options.
         *
         * @return the immutable options
         */
        public Hl7Options build() {
            return new Hl7Options(this);
        }
    }
}
