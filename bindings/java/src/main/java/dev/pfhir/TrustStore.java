package dev.pfhir;

import dev.pfhir.internal.Abi;

/**
 * Where the server's certificate is checked when no {@link ClientConfig.Builder#caPem(String)
 * caPem} is given ({@code PFHIR_TRUST_*}).
 */
public enum TrustStore {
    /**
     * The operating system's store (the default): the Windows and macOS verifiers; on Linux the
     * system certificates (or the files {@code SSL_CERT_FILE} / {@code SSL_CERT_DIR} name).
     */
    SYSTEM(Abi.TRUST_SYSTEM),
    /** The Mozilla roots compiled into pfhir; the operating system is not asked. */
    MOZILLA(Abi.TRUST_MOZILLA);

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
