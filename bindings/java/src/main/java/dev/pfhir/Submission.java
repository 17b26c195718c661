package dev.pfhir;

import dev.pfhir.internal.Abi;
import java.util.Objects;

/**
 * What one {@link Outbox} submission did.
 *
 * @param id the message's id in the outbox (for {@link Outbox#status(long)}); 0 when nothing
 *     was stored
 * @param received what was done
 * @param ack the HL7 ACK to give the sender (segments ended by {@code \r}); empty for a Bundle
 */
public record Submission(long id, Received received, byte[] ack) {
    /** What a submission did ({@code PFHIR_RECEIVED_*}). */
    public enum Received {
        /** Stored durably before the call returned. */
        STORED(Abi.RECEIVED_STORED),
        /** A re-send of a stored message: the first one's id and ACK, nothing stored. */
        DUPLICATE(Abi.RECEIVED_DUPLICATE),
        /** An HL7 message that cannot become a valid Bundle: not stored (ACK AE or AR). */
        REFUSED(Abi.RECEIVED_REFUSED),
        /** The store failed: not stored (ACK AR: send it again). */
        STORE_FAILED(Abi.RECEIVED_STORE_FAILED);

        private final int number;

        Received(int number) {
            this.number = number;
        }

        static Received fromNumber(int n) {
            for (Received r : values()) {
                if (r.number == n) {
                    return r;
                }
            }
            throw new IllegalStateException("libpfhir returned an unknown PFHIR_RECEIVED_ value " + n);
        }
    }

    /**
     * A submission.
     *
     * @param id the id
     * @param received what was done
     * @param ack the ACK
     */
    public Submission {
        Objects.requireNonNull(received, "received");
        ack = Objects.requireNonNull(ack, "ack").clone();
    }

    /**
     * The ACK (a copy).
     *
     * @return the ACK bytes
     */
    @Override
    public byte[] ack() {
        return ack.clone();
    }

    /**
     * Whether the message is in the outbox (stored now, or a re-send of a stored one).
     *
     * @return true for {@link Received#STORED} and {@link Received#DUPLICATE}
     */
    public boolean stored() {
        return received == Received.STORED || received == Received.DUPLICATE;
    }
}
