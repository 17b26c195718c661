package dev.pfhir;

import static dev.pfhir.Ffi.LIB;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.pfhir.internal.PfhirBytes;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A client of the Partners FHIR API over mutual TLS: creates, updates and reads patients.
 * Each create and update validates the Bundle locally first ({@link ValidationException},
 * nothing sent), sends it with an {@code x-origin-request-id}, and retries transient failures.
 *
 * <pre>{@code
 * try (Client client = new Client(config)) {
 *     String bundle = Pfhir.buildBundle(patientInputJson);
 *     CreateResult created = client.create(bundle);
 *     ReadResult read = client.read(created.patientId());
 * } catch (ServerException e) {          // the platform refused: e.kind(), e.httpStatus(),
 *     ...                                // e.outcomeJson(), e.requestId()
 * } catch (OutcomeUnknownException e) {  // sent, answer lost: the patient may exist;
 *     UncertainCreate found =            // settle it (see resolveUncertainCreate)
 *         client.resolveUncertainCreate(bundle, e.requestId().orElseThrow());
 * }
 * }</pre>
 *
 * <p>Thread-safe: share one client across threads; it keeps its connections alive for all of
 * them. It holds a native handle: close it ({@code try}-with-resources); a
 * {@link java.lang.ref.Cleaner} frees it if it becomes unreachable unclosed, but that is only a
 * safety net. {@link #close()} waits for requests in flight on other threads; using a closed
 * client throws {@link IllegalStateException}. Calls block the calling thread.
 */
public final class Client implements AutoCloseable {
    private final NativeHandle handle;

    /**
     * Creates a client: checks the configuration and parses the certificate and key.
     *
     * @param config the configuration
     * @throws ConfigException when the configuration is incomplete or wrong
     */
    public Client(ClientConfig config) {
        Ffi.notNull(config, "Client: config");
        Pointer cfg = config.toNative();
        try {
            PointerByReference out = new PointerByReference();
            Ffi.check(LIB.pfhir_client_new(cfg, out));
            this.handle = new NativeHandle("Client", out.getValue(), LIB::pfhir_client_free);
        } finally {
            LIB.pfhir_client_config_free(cfg);
        }
    }

    /**
     * Creates a patient with a fresh request id.
     *
     * @param bundleJson the message Bundle ({@link Pfhir#buildBundle(String)})
     * @return the platform's ids
     * @throws ValidationException when the Bundle fails local validation (nothing sent)
     * @throws ServerException when the platform refuses it (e.g. kind INVALID, 409, for a
     *     duplicate identifier or e-mail)
     * @throws OutcomeUnknownException when the connection failed after sending: the patient
     *     may exist, do not simply create it again (see
     *     {@link PfhirException#mayHaveBeenProcessed()}): settle it with
     *     {@link #resolveUncertainCreate(String, String)}
     * @throws PfhirException for the other failures (TLS, connect, timeout...)
     */
    public CreateResult create(String bundleJson) {
        return doCreate(Ffi.utf8(bundleJson, "Client: bundleJson"), null);
    }

    /**
     * Creates a patient with a given request id. Re-sending an uncertain create
     * ({@link OutcomeUnknownException}) with its request id is safe only against a server that
     * de-duplicates by {@code x-origin-request-id}, which the partner guide does not promise;
     * use {@link #resolveUncertainCreate(String, String)} instead.
     *
     * @param bundleJson the message Bundle
     * @param requestId the {@code x-origin-request-id} to send (non-empty printable text)
     * @return the platform's ids
     */
    public CreateResult create(String bundleJson, String requestId) {
        return doCreate(Ffi.utf8(bundleJson, "Client: bundleJson"), requestId(requestId));
    }

    /**
     * Creates a patient from Bundle JSON given as UTF-8 bytes, with a fresh request id.
     *
     * @param bundleJson the message Bundle
     * @return the platform's ids
     */
    public CreateResult create(byte[] bundleJson) {
        return doCreate(Ffi.notNull(bundleJson, "Client: bundleJson"), null);
    }

    /**
     * Creates a patient from Bundle JSON given as UTF-8 bytes, with a given request id.
     *
     * @param bundleJson the message Bundle
     * @param requestId the {@code x-origin-request-id} to send
     * @return the platform's ids
     */
    public CreateResult create(byte[] bundleJson, String requestId) {
        return doCreate(Ffi.notNull(bundleJson, "Client: bundleJson"), requestId(requestId));
    }

    /** A caller-given request id: not null, not empty (the C ABI reads empty as "make one"). */
    private static byte[] requestId(String requestId) {
        byte[] b = Ffi.utf8(requestId, "Client: requestId");
        if (b.length == 0) {
            throw new IllegalArgumentException("requestId is empty (use the overload without one for a fresh id)");
        }
        return b;
    }

    private CreateResult doCreate(byte[] bundleJson, byte[] requestId) {
        return handle.call(c -> {
            PointerByReference out = new PointerByReference();
            Ffi.check(LIB.pfhir_client_create_with_request_id(c, Ffi.ptr(bundleJson), Ffi.len(bundleJson),
                    Ffi.ptr(requestId), Ffi.len(requestId), out));
            Pointer r = out.getValue();
            try {
                return new CreateResult(
                        LIB.pfhir_create_result_patient_id(r).toStringOrEmpty(),
                        LIB.pfhir_create_result_bundle_id(r).toStringOrEmpty(),
                        LIB.pfhir_create_result_request_id(r).toStringOrEmpty(),
                        LIB.pfhir_create_result_status(r) & 0xFFFF,
                        LIB.pfhir_create_result_attempts(r),
                        LIB.pfhir_create_result_bundle_json(r).toStringOrEmpty());
            } finally {
                LIB.pfhir_create_result_free(r);
            }
        });
    }

    /**
     * Settles a create that failed with {@link PfhirException#mayHaveBeenProcessed()}: give
     * the same Bundle and the exception's {@link PfhirException#requestId()}.
     *
     * <p>API v1 reads {@code Patient/{business id}}: {@link CreateState#CREATED} with the
     * business id, or {@link CreateState#NOT_CREATED} on 404. API v2 follows
     * {@link ClientConfig.Builder#uncertainCreate(UncertainCreatePolicy)}: by default nothing
     * is sent and the answer is {@link CreateState#CREATED_ID_UNKNOWN} (a person must find the
     * patient; never create it again); {@link UncertainCreatePolicy#resendDeduplicating()}
     * re-sends with the same request id; {@link UncertainCreatePolicy#resendDuplicateStatus(int)}
     * re-sends and reads that status as {@link CreateState#CREATED_ID_UNKNOWN}. Only
     * {@link CreateState#NOT_CREATED} allows a new create.
     *
     * @param bundleJson the Bundle of the failed create
     * @param requestId the failed create's request id (not empty)
     * @return what was found
     * @throws PfhirException when it is still unknown (the read or the re-send failed)
     * @throws IllegalArgumentException when {@code requestId} is empty
     */
    public UncertainCreate resolveUncertainCreate(String bundleJson, String requestId) {
        return doResolve(Ffi.utf8(bundleJson, "Client: bundleJson"), requestId(requestId));
    }

    /**
     * Settles an uncertain create of a Bundle given as UTF-8 bytes (see
     * {@link #resolveUncertainCreate(String, String)}).
     *
     * @param bundleJson the Bundle of the failed create
     * @param requestId the failed create's request id (not empty)
     * @return what was found
     */
    public UncertainCreate resolveUncertainCreate(byte[] bundleJson, String requestId) {
        return doResolve(Ffi.notNull(bundleJson, "Client: bundleJson"), requestId(requestId));
    }

    private UncertainCreate doResolve(byte[] bundleJson, byte[] requestId) {
        return handle.call(c -> {
            IntByReference state = new IntByReference();
            PfhirBytes id = new PfhirBytes();
            Ffi.check(LIB.pfhir_client_resolve_uncertain_create(c, Ffi.ptr(bundleJson), Ffi.len(bundleJson),
                    Ffi.ptr(requestId), Ffi.len(requestId), state, id));
            String patientId = new String(Ffi.takeBytes(id), StandardCharsets.UTF_8);
            CreateState found = CreateState.fromNumber(state.getValue());
            if (found == null) {
                throw new IllegalStateException("libpfhir gave an unknown create state " + state.getValue());
            }
            return new UncertainCreate(found, found == CreateState.CREATED ? Optional.of(patientId) : Optional.empty());
        });
    }

    /**
     * Updates a patient with a fresh request id. Retried on transient failures.
     *
     * @param id the patient's id (v2: the logical id a create returned; v1: the business id)
     * @param bundleJson the message Bundle (for v2, built with {@code "ids": {"patient": id}})
     * @return the request id, status and attempts
     * @throws ValidationException when the Bundle fails local validation (nothing sent)
     * @throws UpdateTargetMismatchException when the Bundle is not for the patient {@code id}
     *     names (v2: its Patient.id differs; v1: no identifier of an accepted authority has the
     *     value {@code id}); nothing sent
     * @throws NotFoundException when there is no such patient
     */
    public UpdateResult update(String id, String bundleJson) {
        return doUpdate(id, Ffi.utf8(bundleJson, "Client: bundleJson"), null);
    }

    /**
     * Updates a patient with a given request id.
     *
     * @param id the patient's id
     * @param bundleJson the message Bundle
     * @param requestId the {@code x-origin-request-id} to send
     * @return the request id, status and attempts
     */
    public UpdateResult update(String id, String bundleJson, String requestId) {
        return doUpdate(id, Ffi.utf8(bundleJson, "Client: bundleJson"), requestId(requestId));
    }

    /**
     * Updates a patient from Bundle JSON given as UTF-8 bytes, with a fresh request id.
     *
     * @param id the patient's id
     * @param bundleJson the message Bundle
     * @return the request id, status and attempts
     */
    public UpdateResult update(String id, byte[] bundleJson) {
        return doUpdate(id, Ffi.notNull(bundleJson, "Client: bundleJson"), null);
    }

    /**
     * Updates a patient from Bundle JSON given as UTF-8 bytes, with a given request id.
     *
     * @param id the patient's id
     * @param bundleJson the message Bundle
     * @param requestId the {@code x-origin-request-id} to send
     * @return the request id, status and attempts
     */
    public UpdateResult update(String id, byte[] bundleJson, String requestId) {
        return doUpdate(id, Ffi.notNull(bundleJson, "Client: bundleJson"), requestId(requestId));
    }

    private UpdateResult doUpdate(String id, byte[] bundleJson, byte[] requestId) {
        byte[] idBytes = Ffi.utf8(id, "Client: id");
        return handle.call(c -> {
            PointerByReference out = new PointerByReference();
            Ffi.check(LIB.pfhir_client_update_with_request_id(c, Ffi.ptr(idBytes), Ffi.len(idBytes),
                    Ffi.ptr(bundleJson), Ffi.len(bundleJson), Ffi.ptr(requestId), Ffi.len(requestId), out));
            Pointer r = out.getValue();
            try {
                return new UpdateResult(
                        LIB.pfhir_update_result_request_id(r).toStringOrEmpty(),
                        LIB.pfhir_update_result_status(r) & 0xFFFF,
                        LIB.pfhir_update_result_attempts(r));
            } finally {
                LIB.pfhir_update_result_free(r);
            }
        });
    }

    /**
     * Reads a patient by id. Retried on transient failures.
     *
     * @param id the patient's logical id
     * @return the Patient JSON
     * @throws NotFoundException when there is no such patient
     */
    public ReadResult read(String id) {
        return read(id, null);
    }

    /**
     * Reads a patient by id with the given {@code x-origin-request-id} (null: a fresh UUID),
     * so that the request can be found in the platform's logs. Retried on transient failures.
     *
     * @param id the patient's logical id
     * @param requestId the request id, or null
     * @return the Patient JSON
     * @throws NotFoundException when there is no such patient
     */
    public ReadResult read(String id, String requestId) {
        byte[] idBytes = Ffi.utf8(id, "Client: id");
        byte[] rid = requestId == null ? null : Ffi.utf8(requestId, "Client: requestId");
        return handle.call(c -> {
            PointerByReference out = new PointerByReference();
            Ffi.check(LIB.pfhir_client_read_with_request_id(c, Ffi.ptr(idBytes), Ffi.len(idBytes),
                    Ffi.ptr(rid), Ffi.len(rid), out));
            Pointer r = out.getValue();
            try {
                return new ReadResult(
                        LIB.pfhir_read_result_patient_json(r).toStringOrEmpty(),
                        LIB.pfhir_read_result_request_id(r).toStringOrEmpty(),
                        LIB.pfhir_read_result_status(r) & 0xFFFF,
                        LIB.pfhir_read_result_attempts(r));
            } finally {
                LIB.pfhir_read_result_free(r);
            }
        });
    }

    /**
     * New TLS connections the client opened so far (the rest of its requests reused them).
     *
     * @return the count
     */
    public long connectionCount() {
        return handle.call(LIB::pfhir_client_connection_count);
    }

    /** Frees the native client and its connections; idempotent. */
    @Override
    public void close() {
        handle.close();
    }

    @Override
    public String toString() {
        return handle.isClosed() ? "Client[closed]" : "Client[open]";
    }
}
