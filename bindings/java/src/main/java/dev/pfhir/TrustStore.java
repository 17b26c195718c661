package dev.pfhir;

/**
 * Where the server's certificate is checked when no {@link ClientConfig.Builder#caPem(String)
 * caPem} is given ({@code PFHIR_TRUST_*}).
 */
public enum TrustStore {
    /**
     * The operating system's store (the default): the Windows and macOS verifiers; on Linux the
     * system certificates (or the files {@code SSL_CERT_FILE} / {@code SSL_CERT_DIR} name).
     */
    SYSTEM(0),
    /** The Mozilla roots compiled into pfhir; the operating system is not asked. */
    MOZILLA(1);

    private final int number;

    TrustStore(int number) {
        this.number = number;
    }

    /**
     * The number of the C ABI ({@code PFHIR_TRUST_*}).
     *
     * @return the number
     */
    public int number() {
        return number;
    }
}
