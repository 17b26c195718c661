package dev.pfhir;

import static dev.pfhir.Ffi.LIB;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How a {@link Validator} (or the local validation of a {@link Client}) checks documents:
 * the profile, the severity of partner rules, extra assigning authorities, the size and depth
 * limits, the most issues listed per document, and whether messages may quote values. Immutable; build it with {@link #builder()}.
 *
 * <pre>{@code
 * ValidatorOptions opts = ValidatorOptions.builder()
 *     .profile(Profile.PARTNER)
 *     .rule("partner-meta-profile", RuleSeverity.OFF)
 *     .authority("urn:oid:1.3.6.1.4.1.99999.7.1")
 *     .maxBytes(512 * 1024)
 *     .build();
 * }</pre>
 *
 * <p>The values are checked by the native library when a validator or client is created from
 * them (an unknown rule id throws {@link ArgumentException} there).
 */
public final class ValidatorOptions {
    private static final ValidatorOptions DEFAULTS = builder().build();

    private final Profile profile;
    private final Map<String, RuleSeverity> rules;
    private final List<String> authorities;
    private final long maxBytes;
    private final int maxDepth;
    /** -1: the library's default. */
    private final long maxIssues;
    private final boolean includeValues;

    private ValidatorOptions(Builder b) {
        this.profile = b.profile;
        this.rules = Collections.unmodifiableMap(new LinkedHashMap<>(b.rules));
        this.authorities = List.copyOf(b.authorities);
        this.maxBytes = b.maxBytes;
        this.maxDepth = b.maxDepth;
        this.maxIssues = b.maxIssues;
        this.includeValues = b.includeValues;
    }

    /**
     * The defaults: partner profile, default rule severities, the Meteda and CIP authorities,
     * a 1 MiB size limit, a depth limit of 64, at most 1000 issues listed per document, no
     * values in messages.
     *
     * @return the default options
     */
    public static ValidatorOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The profile.
     *
     * @return the profile
     */
    public Profile profile() {
        return profile;
    }

    /**
     * The partner rules whose severity was changed, by rule id, in the order they were set.
     *
     * @return an immutable map
     */
    public Map<String, RuleSeverity> rules() {
        return rules;
    }

    /**
     * The identifier systems accepted as assigning authority besides Meteda and CIP.
     *
     * @return an immutable list
     */
    public List<String> authorities() {
        return authorities;
    }

    /**
     * The size limit in bytes.
     *
     * @return the limit, or 0 for the library's default (1 MiB)
     */
    public long maxBytes() {
        return maxBytes;
    }

    /**
     * The nesting limit.
     *
     * @return the limit, or 0 for the library's default (64)
     */
    public int maxDepth() {
        return maxDepth;
    }

    /**
     * The most issues listed per document, if set.
     *
     * @return the limit (0: no limit), or empty for the library's default (1000)
     */
    public OptionalLong maxIssues() {
        return maxIssues < 0 ? OptionalLong.empty() : OptionalLong.of(maxIssues);
    }

    /**
     * Whether messages may quote the offending values (they are patient data).
     *
     * @return true when they may
     */
    public boolean includeValues() {
        return includeValues;
    }

    @Override
    public String toString() {
        return "ValidatorOptions[profile=" + profile + ", rules=" + rules + ", authorities=" + authorities
                + ", maxBytes=" + maxBytes + ", maxDepth=" + maxDepth
                + ", maxIssues=" + (maxIssues < 0 ? "default" : Long.toString(maxIssues)) + ", includeValues=" + includeValues + "]";
    }

    /** A native {@code pfhir_validator_options} with these values; the caller frees it. */
    Pointer toNative() {
        PointerByReference out = new PointerByReference();
        Ffi.check(LIB.pfhir_validator_options_new(out));
        Pointer opts = out.getValue();
        boolean ok = false;
        try {
            Ffi.check(LIB.pfhir_validator_options_set_profile(opts, profile.number()));
            for (Map.Entry<String, RuleSeverity> e : rules.entrySet()) {
                byte[] rule = Ffi.utf8(e.getKey(), "rule");
                byte[] sev = Ffi.utf8(e.getValue().wireName(), "severity");
                Ffi.check(LIB.pfhir_validator_options_set_rule(opts, Ffi.ptr(rule), Ffi.len(rule),
                        Ffi.ptr(sev), Ffi.len(sev)));
            }
            for (String a : authorities) {
                byte[] sys = Ffi.utf8(a, "authority");
                Ffi.check(LIB.pfhir_validator_options_add_authority(opts, Ffi.ptr(sys), Ffi.len(sys)));
            }
            if (maxBytes != 0 || maxDepth != 0) {
                Ffi.check(LIB.pfhir_validator_options_set_limits(opts, Ffi.size(maxBytes), Ffi.size(maxDepth)));
            }
            if (maxIssues >= 0) {
                Ffi.check(LIB.pfhir_validator_options_set_max_issues(opts, Ffi.size(maxIssues)));
            }
            Ffi.check(LIB.pfhir_validator_options_set_include_values(opts, (byte) (includeValues ? 1 : 0)));
            ok = true;
            return opts;
        } finally {
            if (!ok) {
                LIB.pfhir_validator_options_free(opts);
            }
        }
    }

    /** Builds {@link ValidatorOptions}. Not thread-safe. */
    public static final class Builder {
        private Profile profile = Profile.PARTNER;
        private final Map<String, RuleSeverity> rules = new LinkedHashMap<>();
        private final List<String> authorities = new ArrayList<>();
        private long maxBytes;
        private int maxDepth;
        private long maxIssues = -1;
        private boolean includeValues;

        private Builder() {}

        /**
         * Chooses base (STU3 only) or partner validation (the default).
         *
         * @param profile the profile
         * @return this builder
         */
        public Builder profile(Profile profile) {
            this.profile = Objects.requireNonNull(profile, "profile");
            return this;
        }

        /**
         * Sets a partner rule's severity.
         *
         * @param ruleId the rule id ({@code partner-meta-profile}, see docs/messages.md)
         * @param severity error, warning or off
         * @return this builder
         */
        public Builder rule(String ruleId, RuleSeverity severity) {
            Objects.requireNonNull(ruleId, "ruleId");
            Objects.requireNonNull(severity, "severity");
            rules.remove(ruleId);
            rules.put(ruleId, severity);
            return this;
        }

        /**
         * Accepts one more identifier system as the Patient's assigning authority.
         *
         * @param system the identifier system URI ({@code urn:oid:...})
         * @return this builder
         */
        public Builder authority(String system) {
            authorities.add(Objects.requireNonNull(system, "system"));
            return this;
        }

        /**
         * Sets the size limit (1 byte to 4 GiB; 0 keeps the default of 1 MiB). A larger document
         * gets the {@code too-long} finding without being read.
         *
         * @param maxBytes the limit in bytes
         * @return this builder
         */
        public Builder maxBytes(long maxBytes) {
            if (maxBytes < 0) {
                throw new IllegalArgumentException("maxBytes must not be negative: " + maxBytes);
            }
            this.maxBytes = maxBytes;
            return this;
        }

        /**
         * Sets the nesting limit (1 to 128; 0 keeps the default of 64).
         *
         * @param maxDepth the limit
         * @return this builder
         */
        public Builder maxDepth(int maxDepth) {
            if (maxDepth < 0) {
                throw new IllegalArgumentException("maxDepth must not be negative: " + maxDepth);
            }
            this.maxDepth = maxDepth;
            return this;
        }

        /**
         * Sets the most issues listed per document (default 1000; 0: no limit; at most
         * 4294967295). Past it, the outcome lists the first ones in document order and ends with
         * one {@code too-costly} issue ({@code PFHIR-V0108}) that counts the rest, with the
         * severity of the most serious one left out.
         *
         * @param maxIssues the limit, 0 for none
         * @return this builder
         * @throws IllegalArgumentException when {@code maxIssues} is negative (a value above
         *     4294967295 throws {@link ArgumentException} when the options are used)
         */
        public Builder maxIssues(long maxIssues) {
            if (maxIssues < 0) {
                throw new IllegalArgumentException("maxIssues must not be negative: " + maxIssues);
            }
            this.maxIssues = maxIssues;
            return this;
        }

        /**
         * Puts the offending values in messages (off by default: they are patient data).
         *
         * @param includeValues whether messages may quote values
         * @return this builder
         */
        public Builder includeValues(boolean includeValues) {
            this.includeValues = includeValues;
            return this;
        }

        /**
         * The options.
         *
         * @return immutable options
         */
        public ValidatorOptions build() {
            return new ValidatorOptions(this);
        }
    }
}
