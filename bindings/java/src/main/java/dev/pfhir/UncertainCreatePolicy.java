package dev.pfhir;

import dev.pfhir.internal.Abi;

import java.util.Objects;

/**
 * How {@link Client#resolveUncertainCreate(String, String)} settles an API v2 create whose
 * outcome is unknown ({@link ClientConfig.Builder#uncertainCreate(UncertainCreatePolicy)}; v1
 * always reads {@code Patient/{business id}}). Make one with {@link #askAPerson()} (the
 * default), {@link #resendDeduplicating()} or {@link #resendDuplicateStatus(int)}.
 *
 * @param kind what to do
 * @param duplicateStatus for {@link Kind#RESEND_DUPLICATE_STATUS}, the HTTP status (400 to
 *     499) the server gives a duplicate identifier; 0 otherwise
 */
public record UncertainCreatePolicy(Kind kind, int duplicateStatus) {
    /** What to do ({@code PFHIR_UNCERTAIN_*}). */
    public enum Kind {
        /**
         * Send nothing: {@link CreateState#CREATED_ID_UNKNOWN}, for a person to resolve (the
         * default: the partner guide promises no de-duplication).
         */
        ASK_A_PERSON(Abi.UNCERTAIN_ASK_A_PERSON),
        /** The server de-duplicates by {@code x-origin-request-id}: re-send with the same request id. */
        RESEND_DEDUPLICATING(Abi.UNCERTAIN_RESEND_DEDUPLICATING),
        /**
         * The server refuses a duplicate identifier with a known status: re-send and read that
         * status as {@link CreateState#CREATED_ID_UNKNOWN}.
         */
        RESEND_DUPLICATE_STATUS(Abi.UNCERTAIN_RESEND_DUPLICATE_STATUS);

        private final int number;

        Kind(int number) {
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
    }

    /**
     * A policy.
     *
     * @param kind what to do
     * @param duplicateStatus 400 to 499 for {@link Kind#RESEND_DUPLICATE_STATUS}, else 0
     * @throws IllegalArgumentException for a status that does not fit the kind
     */
    public UncertainCreatePolicy {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.RESEND_DUPLICATE_STATUS) {
            if (duplicateStatus < 400 || duplicateStatus > 499) {
                throw new IllegalArgumentException(
                        "duplicateStatus must be a client error status (400 to 499): " + duplicateStatus);
            }
        } else if (duplicateStatus != 0) {
            throw new IllegalArgumentException("duplicateStatus is only for RESEND_DUPLICATE_STATUS");
        }
    }

    /**
     * Send nothing; the answer is {@link CreateState#CREATED_ID_UNKNOWN} (the default).
     *
     * @return the policy
     */
    public static UncertainCreatePolicy askAPerson() {
        return new UncertainCreatePolicy(Kind.ASK_A_PERSON, 0);
    }

    /**
     * Re-send with the same request id: only for a server that de-duplicates by
     * {@code x-origin-request-id} (the sandbox does, by default).
     *
     * @return the policy
     */
    public static UncertainCreatePolicy resendDeduplicating() {
        return new UncertainCreatePolicy(Kind.RESEND_DEDUPLICATING, 0);
    }

    /**
     * Re-send; {@code status}, the server's answer to a duplicate identifier, means "created,
     * logical id unknown".
     *
     * @param status the HTTP status, 400 to 499
     * @return the policy
     */
    public static UncertainCreatePolicy resendDuplicateStatus(int status) {
        return new UncertainCreatePolicy(Kind.RESEND_DUPLICATE_STATUS, status);
    }
}
