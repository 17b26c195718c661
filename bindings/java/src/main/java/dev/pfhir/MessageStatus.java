package dev.pfhir;

import dev.pfhir.internal.Abi;
import java.util.Objects;
import java.util.Optional;

/**
 * The status of one message of an {@link Outbox} (docs/relay.md, "States").
 *
 * @param state the state
 * @param attempts delivery attempts made
 * @param logicalId the platform's Patient id once the patient's create is delivered (v1: the
 *     business id)
 * @param detail why it is in its state (a rejection's OperationOutcome JSON; a reason without
 *     patient values otherwise)
 */
public record MessageStatus(State state, int attempts, Optional<String> logicalId, Optional<String> detail) {
    /** The state of a stored message ({@code PFHIR_OUTBOX_STATE_*}). */
    public enum State {
        /** Stored; waiting for a worker. */
        PENDING(Abi.OUTBOX_STATE_PENDING),
        /** Being sent. */
        SENDING(Abi.OUTBOX_STATE_SENDING),
        /** The platform accepted it (final). */
        DELIVERED(Abi.OUTBOX_STATE_DELIVERED),
        /** The platform refused it (final). */
        REJECTED(Abi.OUTBOX_STATE_REJECTED),
        /** To be sent again after a backoff. */
        WAITING(Abi.OUTBOX_STATE_WAITING),
        /** A create whose outcome is unknown, resolved before anything else of its patient. */
        UNCERTAIN(Abi.OUTBOX_STATE_UNCERTAIN),
        /** Needs a person ({@code pfhir relay set-id}, {@code retry} or {@code drop}). */
        HELD(Abi.OUTBOX_STATE_HELD),
        /** Dropped by an operator; never sent (final). */
        DROPPED(Abi.OUTBOX_STATE_DROPPED);

        private final int number;

        State(int number) {
            this.number = number;
        }

        static State fromNumber(int n) {
            for (State s : values()) {
                if (s.number == n) {
                    return s;
                }
            }
            throw new IllegalStateException("libpfhir returned an unknown PFHIR_OUTBOX_STATE_ value " + n);
        }
    }

    /**
     * A status.
     *
     * @param state the state
     * @param attempts the attempts
     * @param logicalId the logical id, when known
     * @param detail the detail, when there is one
     */
    public MessageStatus {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(logicalId, "logicalId");
        Objects.requireNonNull(detail, "detail");
    }

    /**
     * Whether nothing more will happen to the message.
     *
     * @return true for delivered, rejected and dropped
     */
    public boolean isFinal() {
        return state == State.DELIVERED || state == State.REJECTED || state == State.DROPPED;
    }
}
