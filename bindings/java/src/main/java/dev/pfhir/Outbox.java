package dev.pfhir;

import static dev.pfhir.Ffi.LIB;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.pfhir.internal.Abi;
import dev.pfhir.internal.PfhirBytes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The relay's durable outbox inside the program (docs/relay.md, "Embedding the outbox"): a
 * submission is on disk (SQLite, {@code synchronous=FULL}) when the call returns, background
 * threads deliver it, and what is not delivered at {@link #close()} (or when the process
 * dies) is delivered after the next open.
 *
 * <pre>{@code
 * try (Outbox outbox = new Outbox(Path.of("/var/lib/emr/pfhir-outbox"), config)) {
 *     Submission s = outbox.submitBundle(Pfhir.buildBundle(patientInputJson));
 *     MessageStatus st = outbox.status(s.id());   // PENDING ... DELIVERED, st.logicalId()
 *     byte[] ack = outbox.submitHl7(message).ack();
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} lets each worker finish its current delivery and waits for
 * calls in flight; a {@link java.lang.ref.Cleaner} closes it if it becomes unreachable open.
 * One folder is opened by one outbox at a time.
 */
public final class Outbox implements AutoCloseable {
    private final NativeHandle handle;

    /**
     * Opens (creating when needed) the outbox in {@code dir}, recovers what an earlier process
     * left being sent, and starts delivering with a client made from {@code config}.
     *
     * @param dir the folder (holds {@code outbox.sqlite})
     * @param config the client configuration
     * @param hl7 how HL7 messages are converted
     * @param workers delivery threads (0: the default, 2)
     * @throws ConfigException when the configuration is wrong
     * @throws PfhirException when the store cannot be opened
     */
    public Outbox(Path dir, ClientConfig config, Hl7Options hl7, int workers) {
        Ffi.notNull(dir, "Outbox: dir");
        Ffi.notNull(config, "Outbox: config");
        Ffi.notNull(hl7, "Outbox: hl7");
        if (workers < 0) {
            throw new IllegalArgumentException("workers must be 0 (the default) or more");
        }
        byte[] path = dir.toString().getBytes(StandardCharsets.UTF_8);
        Pointer cfg = config.toNative();
        try {
            Pointer opts = hl7.toNative();
            try {
                PointerByReference out = new PointerByReference();
                Ffi.check(LIB.pfhir_outbox_open(Ffi.ptr(path), Ffi.len(path), cfg, opts, workers, out));
                this.handle = new NativeHandle("Outbox", out.getValue(), LIB::pfhir_outbox_close);
            } finally {
                LIB.pfhir_hl7_options_free(opts);
            }
        } finally {
            LIB.pfhir_client_config_free(cfg);
        }
    }

    /**
     * Opens the outbox with the default HL7 options and workers.
     *
     * @param dir the folder
     * @param config the client configuration
     */
    public Outbox(Path dir, ClientConfig config) {
        this(dir, config, Hl7Options.defaults(), 0);
    }

    /**
     * Stores a ready message Bundle for delivery as a create. Validated first.
     *
     * @param bundleJson the message Bundle
     * @return the submission ({@link Submission.Received#DUPLICATE} for a Bundle.id already stored)
     * @throws ValidationException when the Bundle is not valid (nothing stored)
     */
    public Submission submitBundle(String bundleJson) {
        return submitBundle(bundleJson, false);
    }

    /**
     * Stores a ready message Bundle for delivery as a create or an update (v2: to its
     * Patient.id; v1: to its business id).
     *
     * @param bundleJson the message Bundle
     * @param update true for an update
     * @return the submission
     * @throws ValidationException when the Bundle is not valid (nothing stored)
     * @throws UpdateTargetMismatchException for a v2 update without Patient.id
     */
    public Submission submitBundle(String bundleJson, boolean update) {
        byte[] body = Ffi.utf8(bundleJson, "Outbox: bundleJson");
        int kind = update ? Abi.OUTBOX_KIND_UPDATE : Abi.OUTBOX_KIND_CREATE;
        return submission(o -> {
            PointerByReference out = new PointerByReference();
            Ffi.check(LIB.pfhir_outbox_submit_bundle(o, Ffi.ptr(body), Ffi.len(body), kind, out));
            return out.getValue();
        });
    }

    /**
     * Takes one HL7 v2 message as the MLLP relay does: stored before an {@code AA}, refused at
     * once ({@code AE}/{@code AR}, nothing stored) when it cannot become a valid Bundle.
     * Content problems are data: see {@link Submission#received()} and give
     * {@link Submission#ack()} to the sender.
     *
     * @param message the message bytes
     * @return the submission
     */
    public Submission submitHl7(byte[] message) {
        Ffi.notNull(message, "Outbox: message");
        return submission(o -> {
            PointerByReference out = new PointerByReference();
            Ffi.check(LIB.pfhir_outbox_submit_hl7(o, Ffi.ptr(message), Ffi.len(message), out));
            return out.getValue();
        });
    }

    /**
     * The status of message {@code id}.
     *
     * @param id a {@link Submission#id()}
     * @return its status
     * @throws NotFoundException when there is no such message
     */
    public MessageStatus status(long id) {
        if (id < 0) {
            throw new IllegalArgumentException("id must not be negative");
        }
        return handle.call(o -> {
            PointerByReference out = new PointerByReference();
            Ffi.check(LIB.pfhir_outbox_status(o, id, out));
            Pointer s = out.getValue();
            try {
                return new MessageStatus(
                        MessageStatus.State.fromNumber(LIB.pfhir_message_status_state(s)),
                        LIB.pfhir_message_status_attempts(s),
                        Optional.ofNullable(LIB.pfhir_message_status_logical_id(s).toStringOrNull()),
                        Optional.ofNullable(LIB.pfhir_message_status_detail(s).toStringOrNull()));
            } finally {
                LIB.pfhir_message_status_free(s);
            }
        });
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return handle.isClosed();
    }

    /** Stops delivery after each worker's current delivery and frees the outbox; idempotent. */
    @Override
    public void close() {
        handle.close();
    }

    private Submission submission(java.util.function.Function<Pointer, Pointer> submit) {
        return handle.call(o -> {
            Pointer s = submit.apply(o);
            try {
                PfhirBytes ack = new PfhirBytes();
                Ffi.check(LIB.pfhir_submission_ack(s, ack));
                return new Submission(
                        LIB.pfhir_submission_id(s),
                        Submission.Received.fromNumber(LIB.pfhir_submission_received(s)),
                        Ffi.takeBytes(ack));
            } finally {
                LIB.pfhir_submission_free(s);
            }
        });
    }
}
