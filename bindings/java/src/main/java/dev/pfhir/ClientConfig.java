package dev.pfhir;

import static dev.pfhir.Ffi.LIB;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.pfhir.internal.SizeT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The configuration of a {@link Client}: where the Partners API is, who the caller is (mutual
 * TLS certificate and key, organization id, client id and secret), timeouts, retries and the
 * options of the local validation that runs before each create and update. Immutable; build
 * it with {@link #builder()}. {@link #toString()} never shows the secret or the key.
 *
 * <pre>{@code
 * ClientConfig cfg = ClientConfig.builder()
 *     .baseUrl("https://host/partners/fhir/stu3/api/")
 *     .orgId("2.16.724.4.2").clientId("1234567890").clientSecret(secret)
 *     .certPem(Path.of("client.pem")).keyPem(Path.of("client-key.pem"))
 *     .caPem(Path.of("ca.pem"))          // omit to trust the operating system's store
 *     .build();
 * }</pre>
 *
 * <p>The native library checks the configuration when the client is created
 * ({@link ConfigException}); the Java builder only checks what Java can (nulls, ranges).
 *
 * <p>With {@link Builder#caPem(String) caPem} exactly those CAs are trusted; without it the
 * server's certificate is checked against the {@link Builder#trustStore(TrustStore) trust
 * store}: the operating system's by default, or the compiled-in Mozilla roots. The client
 * identity is a certificate and key in PEM (the key may be encrypted PKCS#8, with
 * {@link Builder#keyPassword(String) keyPassword}) or a PKCS#12 file
 * ({@link Builder#pkcs12(byte[], String) pkcs12}); a wrong password is a
 * {@link WrongPasswordException}.
 */
public final class ClientConfig {
    private final String baseUrl;
    private final ApiVersion apiVersion;
    private final String orgId;
    private final String clientId;
    private final String clientSecret;
    private final String certPem;
    private final String keyPem;
    private final String caPem;
    private final String keyPassword;
    private final byte[] pkcs12;
    private final String pkcs12Password;
    private final TrustStore trustStore;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final Retry retry;
    private final ValidatorOptions validatorOptions;
    private final String contentType;
    private final UncertainCreatePolicy uncertainCreate;

    /**
     * The retry policy of transient failures.
     *
     * @param maxAttempts attempts in all (1 = no retry)
     * @param initialBackoff the first pause between attempts
     * @param maxBackoff the longest pause
     * @param totalTimeout the time after which no retry starts
     */
    public record Retry(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration totalTimeout) {
        /**
         * A retry policy.
         *
         * @param maxAttempts attempts in all, at least 1
         * @param initialBackoff the first pause
         * @param maxBackoff the longest pause
         * @param totalTimeout the time after which no retry starts
         */
        public Retry {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
            }
            millis(initialBackoff, "initialBackoff", true);
            millis(maxBackoff, "maxBackoff", true);
            millis(totalTimeout, "totalTimeout", true);
        }
    }

    private ClientConfig(Builder b) {
        this.baseUrl = b.baseUrl;
        this.apiVersion = b.apiVersion;
        this.orgId = b.orgId;
        this.clientId = b.clientId;
        this.clientSecret = b.clientSecret;
        this.certPem = b.certPem;
        this.keyPem = b.keyPem;
        this.caPem = b.caPem;
        this.keyPassword = b.keyPassword;
        this.pkcs12 = b.pkcs12 == null ? null : b.pkcs12.clone();
        this.pkcs12Password = b.pkcs12Password;
        this.trustStore = b.trustStore;
        this.connectTimeout = b.connectTimeout;
        this.requestTimeout = b.requestTimeout;
        this.retry = b.retry;
        this.validatorOptions = b.validatorOptions;
        this.contentType = b.contentType;
        this.uncertainCreate = b.uncertainCreate;
    }

    /**
     * A builder with the defaults: API v2, connect timeout 10 s, request timeout 30 s,
     * 3 attempts, the operating system's trust store, partner validation.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The base URL.
     *
     * @return the URL, or null when not set
     */
    public String baseUrl() {
        return baseUrl;
    }

    /**
     * The API version.
     *
     * @return the version
     */
    public ApiVersion apiVersion() {
        return apiVersion;
    }

    /**
     * The organization OID ({@code org_id} header).
     *
     * @return the OID, or null when not set
     */
    public String orgId() {
        return orgId;
    }

    /**
     * The client id ({@code client_id} header).
     *
     * @return the id, or null when not set
     */
    public String clientId() {
        return clientId;
    }

    /**
     * The validation options of creates and updates.
     *
     * @return the options, or null for the defaults
     */
    public ValidatorOptions validatorOptions() {
        return validatorOptions;
    }

    /**
     * Where the server's certificate is checked when no CA PEM is given.
     *
     * @return the store ({@link TrustStore#SYSTEM} by default)
     */
    public TrustStore trustStore() {
        return trustStore == null ? TrustStore.SYSTEM : trustStore;
    }

    /**
     * The {@code Content-Type} of the Bundles sent.
     *
     * @return the type, or null for the library's default ({@code application/json})
     */
    public String contentType() {
        return contentType;
    }

    /**
     * How {@link Client#resolveUncertainCreate(String, String)} settles a v2 create.
     *
     * @return the policy ({@link UncertainCreatePolicy#askAPerson()} by default)
     */
    public UncertainCreatePolicy uncertainCreate() {
        return uncertainCreate == null ? UncertainCreatePolicy.askAPerson() : uncertainCreate;
    }

    @Override
    public String toString() {
        return "ClientConfig[baseUrl=" + baseUrl + ", apiVersion=" + apiVersion + ", orgId=" + orgId
                + ", clientId=" + clientId + ", clientSecret=" + (clientSecret == null ? "unset" : "***")
                + ", cert=" + (certPem == null ? "unset" : "set") + ", key=" + (keyPem == null ? "unset" : "***")
                + ", pkcs12=" + (pkcs12 == null ? "unset" : "***")
                + ", ca=" + (caPem == null ? "trust store " + trustStore() : "set") + ", connectTimeout=" + connectTimeout
                + ", requestTimeout=" + requestTimeout + ", retry=" + retry
                + ", contentType=" + (contentType == null ? "application/json" : contentType)
                + ", uncertainCreate=" + uncertainCreate() + "]";
    }

    static int millis(Duration d, String what, boolean zeroAllowed) {
        Ffi.notNull(d, what);
        if (d.isNegative() || (!zeroAllowed && d.isZero())) {
            throw new IllegalArgumentException(what + " must be " + (zeroAllowed ? "non-negative" : "positive") + ": " + d);
        }
        if (d.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException(what + " is too long: " + d);
        }
        long ms = d.toMillis();
        if (!zeroAllowed && ms == 0) {
            throw new IllegalArgumentException(what + " must be at least 1 ms: " + d);
        }
        return (int) ms;
    }

    private interface Setter {
        Pointer set(Pointer cfg, byte[] v, SizeT len);
    }

    private static void setText(Pointer cfg, String value, String what, Setter setter) {
        if (value != null) {
            byte[] b = Ffi.utf8(value, what);
            Ffi.check(setter.set(cfg, Ffi.ptr(b), Ffi.len(b)));
        }
    }

    /** A native {@code pfhir_client_config} with these values; the caller frees it. */
    Pointer toNative() {
        PointerByReference out = new PointerByReference();
        Ffi.check(LIB.pfhir_client_config_new(out));
        Pointer cfg = out.getValue();
        boolean ok = false;
        try {
            setText(cfg, baseUrl, "baseUrl", LIB::pfhir_client_config_set_base_url);
            setText(cfg, apiVersion.wireName(), "apiVersion",
                    LIB::pfhir_client_config_set_api_version);
            setText(cfg, contentType, "contentType", LIB::pfhir_client_config_set_content_type);
            if (uncertainCreate != null) {
                Ffi.check(LIB.pfhir_client_config_set_uncertain_create(cfg, uncertainCreate.kind().number(),
                        (short) uncertainCreate.duplicateStatus()));
            }
            setText(cfg, orgId, "orgId", LIB::pfhir_client_config_set_org_id);
            setText(cfg, clientId, "clientId", LIB::pfhir_client_config_set_client_id);
            setText(cfg, clientSecret, "clientSecret",
                    LIB::pfhir_client_config_set_client_secret);
            setText(cfg, certPem, "certPem", LIB::pfhir_client_config_set_cert_pem);
            setText(cfg, keyPem, "keyPem", LIB::pfhir_client_config_set_key_pem);
            setText(cfg, keyPassword, "keyPassword", LIB::pfhir_client_config_set_key_password);
            if (pkcs12 != null) {
                byte[] pw = Ffi.utf8(pkcs12Password, "pkcs12 password");
                try {
                    Ffi.check(LIB.pfhir_client_config_set_pkcs12(cfg, pkcs12, Ffi.len(pkcs12), Ffi.ptr(pw),
                            Ffi.len(pw)));
                } finally {
                    java.util.Arrays.fill(pw, (byte) 0);
                }
            }
            setText(cfg, caPem, "caPem", LIB::pfhir_client_config_set_ca_pem);
            if (trustStore != null) {
                Ffi.check(LIB.pfhir_client_config_set_trust_store(cfg, trustStore.number()));
            }
            if (connectTimeout != null || requestTimeout != null) {
                Ffi.check(LIB.pfhir_client_config_set_timeouts(cfg,
                        connectTimeout == null ? 0 : millis(connectTimeout, "connectTimeout", false),
                        requestTimeout == null ? 0 : millis(requestTimeout, "requestTimeout", false)));
            }
            if (retry != null) {
                Ffi.check(LIB.pfhir_client_config_set_retry(cfg, retry.maxAttempts(),
                        millis(retry.initialBackoff(), "initialBackoff", true),
                        millis(retry.maxBackoff(), "maxBackoff", true),
                        millis(retry.totalTimeout(), "totalTimeout", true)));
            }
            if (validatorOptions != null) {
                Pointer opts = validatorOptions.toNative();
                try {
                    Ffi.check(LIB.pfhir_client_config_set_validator_options(cfg, opts));
                } finally {
                    LIB.pfhir_validator_options_free(opts);
                }
            }
            ok = true;
            return cfg;
        } finally {
            if (!ok) {
                LIB.pfhir_client_config_free(cfg);
            }
        }
    }

    /** Builds a {@link ClientConfig}. Not thread-safe. */
    public static final class Builder {
        private String baseUrl;
        private ApiVersion apiVersion = ApiVersion.V2;
        private String orgId;
        private String clientId;
        private String clientSecret;
        private String certPem;
        private String keyPem;
        private String caPem;
        private String keyPassword;
        private byte[] pkcs12;
        private String pkcs12Password;
        private TrustStore trustStore;
        private Duration connectTimeout;
        private Duration requestTimeout;
        private Retry retry;
        private ValidatorOptions validatorOptions;
        private String contentType;
        private UncertainCreatePolicy uncertainCreate;

        private Builder() {}

        private static String read(Path p, String what) {
            Ffi.notNull(p, "ClientConfig.Builder." + what);
            try {
                return Files.readString(p, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + what + " from " + p, e);
            }
        }

        /**
         * Sets the base URL, up to {@code /partners/fhir/stu3/api/} (https only).
         *
         * @param baseUrl the URL
         * @return this builder
         */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = Ffi.notNull(baseUrl, "ClientConfig.Builder.baseUrl");
            return this;
        }

        /**
         * Sets the API version (default v2).
         *
         * @param apiVersion v1 or v2
         * @return this builder
         */
        public Builder apiVersion(ApiVersion apiVersion) {
            this.apiVersion = Ffi.notNull(apiVersion, "ClientConfig.Builder.apiVersion");
            return this;
        }

        /**
         * Sets the {@code Content-Type} of the Bundles sent: {@code application/json} (the
         * default, the guide's) or {@code application/fhir+json}. Another value makes
         * {@link Client#Client(ClientConfig)} throw {@link ArgumentException}.
         *
         * @param contentType the media type
         * @return this builder
         */
        public Builder contentType(String contentType) {
            this.contentType = Ffi.notNull(contentType, "ClientConfig.Builder.contentType");
            return this;
        }

        /**
         * Sets how {@link Client#resolveUncertainCreate(String, String)} settles an API v2
         * create whose outcome is unknown (default {@link UncertainCreatePolicy#askAPerson()}:
         * nothing is sent, the answer is {@link CreateState#CREATED_ID_UNKNOWN}).
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder uncertainCreate(UncertainCreatePolicy policy) {
            this.uncertainCreate = Ffi.notNull(policy, "ClientConfig.Builder.uncertainCreate");
            return this;
        }

        /**
         * Sets the organization OID ({@code org_id} header).
         *
         * @param orgId the OID ({@code 2.16.724.4.2})
         * @return this builder
         */
        public Builder orgId(String orgId) {
            this.orgId = Ffi.notNull(orgId, "ClientConfig.Builder.orgId");
            return this;
        }

        /**
         * Sets the client id ({@code client_id} header).
         *
         * @param clientId the id
         * @return this builder
         */
        public Builder clientId(String clientId) {
            this.clientId = Ffi.notNull(clientId, "ClientConfig.Builder.clientId");
            return this;
        }

        /**
         * Sets the client secret ({@code client_secret} header). It is never logged or printed.
         *
         * @param clientSecret the secret
         * @return this builder
         */
        public Builder clientSecret(String clientSecret) {
            this.clientSecret = Ffi.notNull(clientSecret, "ClientConfig.Builder.clientSecret");
            return this;
        }

        /**
         * Sets the client certificate chain (PEM, leaf first).
         *
         * @param pem the PEM text
         * @return this builder
         */
        public Builder certPem(String pem) {
            this.certPem = Ffi.notNull(pem, "ClientConfig.Builder.certPem");
            this.pkcs12 = null;
            this.pkcs12Password = null;
            return this;
        }

        /**
         * Reads the client certificate chain from a PEM file.
         *
         * @param file the file
         * @return this builder
         * @throws UncheckedIOException when the file cannot be read
         */
        public Builder certPem(Path file) {
            return certPem(read(file, "certPem"));
        }

        /**
         * Sets the client private key (PEM: PKCS#8, PKCS#1 or SEC1). It is never printed.
         *
         * @param pem the PEM text
         * @return this builder
         */
        public Builder keyPem(String pem) {
            this.keyPem = Ffi.notNull(pem, "ClientConfig.Builder.keyPem");
            this.pkcs12 = null;
            this.pkcs12Password = null;
            return this;
        }

        /**
         * Reads the client private key from a PEM file.
         *
         * @param file the file
         * @return this builder
         * @throws UncheckedIOException when the file cannot be read
         */
        public Builder keyPem(Path file) {
            return keyPem(read(file, "keyPem"));
        }

        /**
         * Sets the password of an encrypted private key ({@code BEGIN ENCRYPTED PRIVATE KEY},
         * PBES2: AES or 3DES with PBKDF2 or scrypt) given with {@code keyPem}. A wrong one makes
         * {@link Client#Client(ClientConfig)} throw {@link WrongPasswordException}.
         *
         * @param password the password
         * @return this builder
         */
        public Builder keyPassword(String password) {
            this.keyPassword = Ffi.notNull(password, "ClientConfig.Builder.keyPassword");
            return this;
        }

        /**
         * Sets the client identity from a PKCS#12 file ({@code .pfx} / {@code .p12}) and its
         * password, instead of {@code certPem} + {@code keyPem} (which it clears). AES files
         * (OpenSSL 3, current Windows) and legacy 3DES/RC2 files are read; a wrong password makes
         * {@link Client#Client(ClientConfig)} throw {@link WrongPasswordException}.
         *
         * @param der the file's bytes (copied)
         * @param password its password, empty for a file exported without one
         * @return this builder
         */
        public Builder pkcs12(byte[] der, String password) {
            this.pkcs12 = Ffi.notNull(der, "ClientConfig.Builder.pkcs12").clone();
            this.pkcs12Password = Ffi.notNull(password, "ClientConfig.Builder.pkcs12 password");
            this.certPem = null;
            this.keyPem = null;
            this.keyPassword = null;
            return this;
        }

        /**
         * Reads the client identity from a PKCS#12 file ({@code .pfx} / {@code .p12}).
         *
         * @param file the file
         * @param password its password, empty for a file exported without one
         * @return this builder
         * @throws UncheckedIOException when the file cannot be read
         */
        public Builder pkcs12(Path file, String password) {
            Ffi.notNull(file, "ClientConfig.Builder.pkcs12");
            try {
                return pkcs12(Files.readAllBytes(file), password);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read pkcs12 from " + file, e);
            }
        }

        /**
         * Sets where the server's certificate is checked when no {@code caPem} is given (default
         * {@link TrustStore#SYSTEM}, the operating system's store).
         *
         * @param store the store
         * @return this builder
         */
        public Builder trustStore(TrustStore store) {
            this.trustStore = Ffi.notNull(store, "ClientConfig.Builder.trustStore");
            return this;
        }

        /**
         * Sets the CA certificates to trust for the server (PEM): exactly these, and the trust
         * store is not used.
         *
         * @param pem the PEM text
         * @return this builder
         */
        public Builder caPem(String pem) {
            this.caPem = Ffi.notNull(pem, "ClientConfig.Builder.caPem");
            return this;
        }

        /**
         * Reads the CA certificates to trust for the server from a PEM file: exactly these, and
         * the trust store is not used.
         *
         * @param file the file
         * @return this builder
         * @throws UncheckedIOException when the file cannot be read
         */
        public Builder caPem(Path file) {
            return caPem(read(file, "caPem"));
        }

        /**
         * Sets the timeouts: connect (TCP + TLS) and one attempt (defaults 10 s and 30 s).
         *
         * @param connect the connect timeout, positive
         * @param request the timeout of one attempt, positive
         * @return this builder
         */
        public Builder timeouts(Duration connect, Duration request) {
            millis(connect, "connect", false);
            millis(request, "request", false);
            this.connectTimeout = connect;
            this.requestTimeout = request;
            return this;
        }

        /**
         * Sets the retry policy of transient failures (default: 3 attempts).
         *
         * @param maxAttempts attempts in all (1 = no retry)
         * @param initialBackoff the first pause between attempts
         * @param maxBackoff the longest pause
         * @param totalTimeout the time after which no retry starts
         * @return this builder
         */
        public Builder retry(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration totalTimeout) {
            this.retry = new Retry(maxAttempts, initialBackoff, maxBackoff, totalTimeout);
            return this;
        }

        /**
         * Sets the options of the local validation that runs before each create and update.
         *
         * @param options the options
         * @return this builder
         */
        public Builder validatorOptions(ValidatorOptions options) {
            this.validatorOptions = Ffi.notNull(options, "ClientConfig.Builder.validatorOptions");
            return this;
        }

        /**
         * The configuration.
         *
         * @return an immutable configuration
         */
        public ClientConfig build() {
            return new ClientConfig(this);
        }
    }
}
