package dev.pfhir;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The deployment options of {@link Pfhir#buildBundle(String, BuildOptions)}: identifier
 * systems accepted as the Patient's assigning authority besides Meteda and CIP, the exact
 * {@code MessageHeader.source.endpoint}, and whether the Bundle has an id. Immutable; build it
 * with {@link #builder()}.
 *
 * <pre>{@code
 * BuildOptions opts = BuildOptions.builder()
 *     .acceptedAuthority("urn:oid:1.3.6.1.4.1.99999.7.1")
 *     .sourceEndpoint("urn:oid:2.16.724.4.2.7")
 *     .omitBundleId(true)
 *     .build();
 * String bundle = Pfhir.buildBundle(patientInputJson, opts);
 * }</pre>
 *
 * <p>The values are checked by the native library when the Bundle is built: an authority
 * that is not a URI throws {@link ArgumentException}, an endpoint that is not a URI an
 * {@link InputException} naming the field {@code sourceEndpoint}.
 */
public final class BuildOptions {
    private static final BuildOptions DEFAULTS = builder().build();

    private final List<String> acceptedAuthorities;
    private final String sourceEndpoint;
    private final boolean omitBundleId;

    private BuildOptions(Builder b) {
        this.acceptedAuthorities = List.copyOf(b.acceptedAuthorities);
        this.sourceEndpoint = b.sourceEndpoint;
        this.omitBundleId = b.omitBundleId;
    }

    /**
     * No option: only Meteda and CIP accepted, the endpoint {@code urn:oid:} + the
     * organization OID, a Bundle id ({@code ids.bundle} or a fresh UUID).
     *
     * @return the default options
     */
    public static BuildOptions defaults() {
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
     * The extra accepted authorities, in the order they were added.
     *
     * @return an immutable list
     */
    public List<String> acceptedAuthorities() {
        return acceptedAuthorities;
    }

    /**
     * The exact {@code MessageHeader.source.endpoint}.
     *
     * @return the endpoint, or empty for the default
     */
    public Optional<String> sourceEndpoint() {
        return Optional.ofNullable(sourceEndpoint);
    }

    /**
     * Whether {@code Bundle.id} is left out.
     *
     * @return true when the Bundle has no id
     */
    public boolean omitBundleId() {
        return omitBundleId;
    }

    /** Whether these are the defaults (then the Bundle is built without a native builder). */
    boolean isDefault() {
        return acceptedAuthorities.isEmpty() && sourceEndpoint == null && !omitBundleId;
    }

    @Override
    public String toString() {
        return "BuildOptions[acceptedAuthorities=" + acceptedAuthorities + ", sourceEndpoint=" + sourceEndpoint
                + ", omitBundleId=" + omitBundleId + "]";
    }

    /** Builds {@link BuildOptions}. Not thread-safe. */
    public static final class Builder {
        private final List<String> acceptedAuthorities = new ArrayList<>();
        private String sourceEndpoint;
        private boolean omitBundleId;

        private Builder() {}

        /**
         * Accepts one more identifier system (a URI) as the Patient's assigning authority.
         *
         * @param system the system, e.g. {@code urn:oid:1.3.6.1.4.1.99999.7.1}
         * @return this builder
         */
        public Builder acceptedAuthority(String system) {
            acceptedAuthorities.add(Objects.requireNonNull(system, "system"));
            return this;
        }

        /**
         * Sets the exact {@code MessageHeader.source.endpoint} (a URI; default {@code urn:oid:}
         * and the organization OID).
         *
         * @param uri the endpoint
         * @return this builder
         */
        public Builder sourceEndpoint(String uri) {
            this.sourceEndpoint = Objects.requireNonNull(uri, "sourceEndpoint");
            return this;
        }

        /**
         * Leaves {@code Bundle.id} out (true; the guide's request example has none) or gives it
         * {@code ids.bundle} or a fresh UUID (false, the default).
         *
         * @param omit whether to leave it out
         * @return this builder
         */
        public Builder omitBundleId(boolean omit) {
            this.omitBundleId = omit;
            return this;
        }

        /**
         * The options.
         *
         * @return immutable options
         */
        public BuildOptions build() {
            return new BuildOptions(this);
        }
    }
}
