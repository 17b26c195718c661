package dev.pfhir;

import dev.pfhir.internal.Abi;

/** Why a TLS handshake failed ({@link PfhirException#tlsCause()}; {@code PFHIR_TLS_CAUSE_*}). */
public enum TlsCause {
    /** Not a TLS error. */
    NONE(Abi.TLS_CAUSE_NONE),
    /** The server's certificate is not signed by a trusted CA (check caPem or the trust store). */
    UNKNOWN_CA(Abi.TLS_CAUSE_UNKNOWN_CA),
    /** The server's certificate is not for the host of the base URL. */
    NAME_MISMATCH(Abi.TLS_CAUSE_NAME_MISMATCH),
    /** A certificate has expired. */
    EXPIRED(Abi.TLS_CAUSE_EXPIRED),
    /** A certificate is not valid yet (check the clock). */
    NOT_YET_VALID(Abi.TLS_CAUSE_NOT_YET_VALID),
    /** The server refused the client certificate. */
    CLIENT_CERT_REJECTED(Abi.TLS_CAUSE_CLIENT_CERT_REJECTED),
    /** Another TLS failure (the message says which). */
    OTHER(Abi.TLS_CAUSE_OTHER);

    private final int number;

    TlsCause(int number) {
        this.number = number;
    }

    /**
     * The number in {@code pfhir.h}.
     *
     * @return the number
     */
    public int number() {
        return number;
    }

    /**
     * The cause of a number; {@link #OTHER} for a number this binding does not know.
     *
     * @param number a {@code pfhir_tls_cause}
     * @return the cause
     */
    public static TlsCause fromNumber(int number) {
        for (TlsCause c : values()) {
            if (c.number == number) {
                return c;
            }
        }
        return OTHER;
    }
}
