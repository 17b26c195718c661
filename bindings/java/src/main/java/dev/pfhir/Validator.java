package dev.pfhir;

import static dev.pfhir.Ffi.LIB;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.Objects;

/**
 * Validates FHIR STU3 JSON documents (partner message Bundles) locally. A finding is data, not
 * an exception: {@link #validate(byte[])} returns an {@link Outcome} for any input, even
 * invalid JSON or invalid UTF-8.
 *
 * <pre>{@code
 * try (Validator v = Validator.builder().profile(Profile.PARTNER).maxDepth(32).build()) {
 *     Outcome o = v.validate(Files.readAllBytes(path));
 *     if (o.hasErrors()) { ... o.issues() ... o.toJson() ... }
 * }
 * }</pre>
 *
 * <p>Thread-safe: build one and share it across threads. It holds a native handle: close it
 * ({@code try}-with-resources); a {@link java.lang.ref.Cleaner} frees it if it becomes
 * unreachable unclosed, but that is only a safety net. {@link #close()} waits for validations
 * in flight on other threads; using a closed validator throws {@link IllegalStateException}.
 */
public final class Validator implements AutoCloseable {
    private final ValidatorOptions options;
    private final NativeHandle handle;
    private final long maxBytes;

    /** A validator with the defaults (partner profile). */
    public Validator() {
        this(ValidatorOptions.defaults());
    }

    /**
     * A validator with options.
     *
     * @param options the options
     * @throws ArgumentException when the native library refuses an option (an unknown rule id,
     *     a limit out of range)
     */
    public Validator(ValidatorOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        Pointer opts = options.toNative();
        try {
            PointerByReference out = new PointerByReference();
            Ffi.check(LIB.pfhir_validator_new(opts, out));
            this.handle = new NativeHandle("Validator", out.getValue(), LIB::pfhir_validator_free);
            this.maxBytes = LIB.pfhir_validator_max_bytes(out.getValue()).longValue();
        } finally {
            LIB.pfhir_validator_options_free(opts);
        }
    }

    /**
     * A builder of validators, starting from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The options this validator was built with.
     *
     * @return the options
     */
    public ValidatorOptions options() {
        return options;
    }

    /**
     * The largest document this validator accepts, in bytes: the options' limit, or the
     * profile's default ({@code pfhir_validator_max_bytes}).
     *
     * @return the limit
     */
    public long maxBytes() {
        return maxBytes;
    }

    /**
     * Validates a JSON document given as bytes (read files as bytes: the validator reports
     * invalid UTF-8, a byte order mark and the line endings itself).
     *
     * @param json the document
     * @return the findings
     */
    public Outcome validate(byte[] json) {
        Objects.requireNonNull(json, "json");
        // Above the size limit the library answers too-long without reading the bytes: spare
        // JNA the copy of a large array by passing (NULL, len), which the ABI allows there.
        byte[] ptr = json.length > maxBytes ? null : Ffi.ptr(json);
        return handle.call(v -> {
            PointerByReference out = new PointerByReference();
            Ffi.check(LIB.pfhir_validate(v, ptr, Ffi.len(json), out));
            return Outcome.take(out.getValue());
        });
    }

    /**
     * Validates a JSON document given as text (encoded as UTF-8).
     *
     * @param json the document
     * @return the findings
     * @throws IllegalArgumentException when the text has an unpaired surrogate
     */
    public Outcome validate(String json) {
        return validate(Ffi.utf8(json, "json"));
    }

    /** Frees the native validator; idempotent. */
    @Override
    public void close() {
        handle.close();
    }

    @Override
    public String toString() {
        return "Validator[" + options + (handle.isClosed() ? ", closed]" : "]");
    }

    /** Builds a {@link Validator}: the methods of {@link ValidatorOptions.Builder}. */
    public static final class Builder {
        private final ValidatorOptions.Builder options = ValidatorOptions.builder();

        private Builder() {}

        /**
         * See {@link ValidatorOptions.Builder#profile(Profile)}.
         *
         * @param profile base or partner
         * @return this builder
         */
        public Builder profile(Profile profile) {
            options.profile(profile);
            return this;
        }

        /**
         * See {@link ValidatorOptions.Builder#rule(String, RuleSeverity)}.
         *
         * @param ruleId the partner rule id
         * @param severity error, warning or off
         * @return this builder
         */
        public Builder rule(String ruleId, RuleSeverity severity) {
            options.rule(ruleId, severity);
            return this;
        }

        /**
         * See {@link ValidatorOptions.Builder#authority(String)}.
         *
         * @param system an identifier system URI
         * @return this builder
         */
        public Builder authority(String system) {
            options.authority(system);
            return this;
        }

        /**
         * See {@link ValidatorOptions.Builder#maxBytes(long)}.
         *
         * @param maxBytes the size limit, 0 for the default
         * @return this builder
         */
        public Builder maxBytes(long maxBytes) {
            options.maxBytes(maxBytes);
            return this;
        }

        /**
         * See {@link ValidatorOptions.Builder#maxDepth(int)}.
         *
         * @param maxDepth the nesting limit, 0 for the default
         * @return this builder
         */
        public Builder maxDepth(int maxDepth) {
            options.maxDepth(maxDepth);
            return this;
        }

        /**
         * See {@link ValidatorOptions.Builder#maxIssues(long)}.
         *
         * @param maxIssues the most issues listed per document, 0 for no limit
         * @return this builder
         */
        public Builder maxIssues(long maxIssues) {
            options.maxIssues(maxIssues);
            return this;
        }

        /**
         * See {@link ValidatorOptions.Builder#includeValues(boolean)}.
         *
         * @param includeValues whether messages may quote values
         * @return this builder
         */
        public Builder includeValues(boolean includeValues) {
            options.includeValues(includeValues);
            return this;
        }

        /**
         * The options built so far.
         *
         * @return immutable options
         */
        public ValidatorOptions options() {
            return options.build();
        }

        /**
         * A validator with these options (close it).
         *
         * @return a new validator
         * @throws ArgumentException when the native library refuses an option
         */
        public Validator build() {
            return new Validator(options.build());
        }
    }
}
