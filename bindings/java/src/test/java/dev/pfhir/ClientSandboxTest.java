package dev.pfhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** create, update and read against `pfhir sandbox` over mutual TLS, and its refusals. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientSandboxTest {
    private static final AtomicInteger SEQ = new AtomicInteger();

    private Sandbox sandbox;
    private Client client;

    @BeforeAll
    void start() throws Exception {
        sandbox = new Sandbox();
        client = new Client(sandbox.config().build());
    }

    @AfterAll
    void stop() {
        if (client != null) {
            client.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    static String uniqueId() {
        return "JAVA-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet();
    }

    @Test
    void createUpdateRead() {
        String businessId = uniqueId();
        CreateResult created = client.create(Pfhir.buildBundle(TestSupport.patientInput(businessId, "Garcia")));
        assertTrue(created.status() >= 200 && created.status() < 300, created.toString());
        assertFalse(created.patientId().isEmpty());
        assertFalse(created.bundleId().isEmpty());
        assertFalse(created.requestId().isEmpty());
        assertEquals(1, created.attempts());
        assertTrue(created.bundleJson().contains(created.patientId()), created.bundleJson());

        String update = Pfhir.buildBundle(TestSupport.patientInput(businessId, "Garcia-Lopez",
                ",\"ids\":{\"patient\":\"" + created.patientId() + "\"}"));
        UpdateResult updated = client.update(created.patientId(), update);
        assertEquals(200, updated.status());
        assertFalse(updated.requestId().isEmpty());
        assertEquals(1, updated.attempts());

        ReadResult read = client.read(created.patientId());
        assertEquals(200, read.status());
        Map<String, Object> patient = MiniJson.object(MiniJson.parse(read.patientJson()));
        assertEquals("Patient", patient.get("resourceType"));
        assertEquals(created.patientId(), patient.get("id"));
        assertTrue(read.patientJson().contains("Garcia-Lopez"), read.patientJson());
        assertTrue(read.patientJson().contains(businessId), read.patientJson());
    }

    @Test
    void requestIdsAndByteBundles() {
        String rid = "java-request-" + uniqueId();
        String businessId = uniqueId();
        byte[] bundle = Pfhir.buildBundle(TestSupport.patientInput(businessId, "Bytes").getBytes(StandardCharsets.UTF_8));
        CreateResult created = client.create(bundle, rid);
        assertEquals(rid, created.requestId());
        // The same request id and body again: the recorded answer, not a second patient.
        CreateResult again = client.create(bundle, rid);
        assertEquals(created.patientId(), again.patientId());
        // An update carries the platform's id in its Bundle (PatientInput ids.patient).
        String rid2 = "java-request-" + uniqueId();
        byte[] update = Pfhir.buildBundle(TestSupport.patientInput(businessId, "Bytes2",
                ",\"ids\":{\"patient\":\"" + created.patientId() + "\"}").getBytes(StandardCharsets.UTF_8));
        UpdateResult u = client.update(created.patientId(), update, rid2);
        assertEquals(rid2, u.requestId());
        assertEquals(200, u.status());
        assertTrue(client.read(created.patientId()).patientJson().contains("Bytes2"));
    }

    @Test
    void duplicateCreateIsAServerExceptionWithItsOutcome() {
        String input = TestSupport.patientInput(uniqueId(), "Twice");
        client.create(Pfhir.buildBundle(input));
        ServerException e = assertThrows(ServerException.class, () -> client.create(Pfhir.buildBundle(input)));
        assertSame(ServerException.class, e.getClass());
        assertSame(ServerException.Kind.INVALID, e.kind());
        assertSame(ErrorCode.SERVER_INVALID, e.code());
        assertEquals(42, e.rawCode());
        assertEquals(409, e.httpStatus());
        String outcome = e.outcomeJson().orElseThrow();
        Map<String, Object> oo = MiniJson.object(MiniJson.parse(outcome));
        assertEquals("OperationOutcome", oo.get("resourceType"));
        assertEquals("invalid", MiniJson.object(MiniJson.array(oo.get("issue")).get(0)).get("code"));
        assertFalse(e.requestId().orElseThrow().isEmpty());
        assertFalse(e.isRetrySafe());
        assertFalse(e.mayHaveBeenProcessed(), "refused: the platform created nothing");
        assertFalse(e.getMessage().isEmpty());
        assertTrue(e.toString().contains("409"), e.toString());
    }

    @Test
    void unknownIdIsNotFound() {
        NotFoundException e = assertThrows(NotFoundException.class, () -> client.read("no-such-patient-id"));
        assertEquals(404, e.httpStatus());
        assertSame(ServerException.Kind.NOT_FOUND, e.kind());
        assertSame(ErrorCode.NOT_FOUND, e.code());
        assertTrue(e.requestId().isPresent());
        String bundle = Pfhir.buildBundle(TestSupport.patientInput(uniqueId(), "Ghost", ",\"ids\":{\"patient\":\"no-such-id\"}"));
        assertThrows(NotFoundException.class, () -> client.update("no-such-id", bundle));
    }

    @Test
    void wrongSecretIsForbidden() {
        try (Client bad = new Client(sandbox.config().clientSecret("wrong-secret").build())) {
            ForbiddenException e = assertThrows(ForbiddenException.class, () -> bad.read("whatever"));
            assertEquals(403, e.httpStatus());
            assertSame(ErrorCode.FORBIDDEN, e.code());
            assertInstanceOf(ServerException.class, e);
            assertTrue(e.outcomeJson().isEmpty(), "a bare 403 has no OperationOutcome");
            assertFalse(e.getMessage().contains("wrong-secret"), "no secret in messages");
        }
    }

    @Test
    void localValidationFailsBeforeSending() {
        String bundle = Pfhir.buildBundle(TestSupport.patientInput(uniqueId(), "Invalid")).replace("\"female\"", "\"robot\"");
        ValidationException e = assertThrows(ValidationException.class, () -> client.create(bundle));
        assertSame(ErrorCode.VALIDATION, e.code());
        assertEquals(0, e.httpStatus());
        assertTrue(e.requestId().isEmpty(), "nothing was sent");
        assertFalse(e.mayHaveBeenProcessed(), "nothing was sent");
        assertTrue(e.outcomeJson().orElseThrow().contains("OperationOutcome"));
        // The same findings, typed (pfhir_error_outcome), with the FHIRPath and a position.
        Outcome typed = e.validationOutcome().orElseThrow();
        assertTrue(typed.hasErrors());
        assertTrue(typed.issues().stream().anyMatch(i -> i.expression().endsWith(".gender") && i.line() > 0),
                typed.issues().toString());
        assertSame(TlsCause.NONE, e.tlsCause());
        assertTrue(e.retryAfter().isEmpty());
        assertThrows(ValidationException.class, () -> client.create("not json"));
    }

    @Test
    void tlsAndConnectFailures() {
        ClientConfig noCa = ClientConfig.builder()
                .baseUrl(sandbox.baseUrl()).orgId(Sandbox.ORG_ID).clientId(Sandbox.CLIENT_ID)
                .clientSecret(Sandbox.CLIENT_SECRET)
                .certPem(sandbox.certs().resolve("client.pem")).keyPem(sandbox.certs().resolve("client-key.pem"))
                .retry(1, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(5))
                .build();
        try (Client c = new Client(noCa)) {
            TlsException e = assertThrows(TlsException.class, () -> c.read("x"));
            assertSame(ErrorCode.TLS, e.code());
            assertEquals(0, e.httpStatus());
            assertSame(TlsCause.UNKNOWN_CA, e.tlsCause(), "the sandbox's CA is in no trust store");
        }
        // No client certificate: refused up front (mutual TLS is required).
        ClientConfig noCert = ClientConfig.builder()
                .baseUrl(sandbox.baseUrl()).orgId(Sandbox.ORG_ID).clientId(Sandbox.CLIENT_ID)
                .clientSecret(Sandbox.CLIENT_SECRET).caPem(sandbox.certs().resolve("ca.pem"))
                .build();
        ConfigException noCertError = assertThrows(ConfigException.class, () -> new Client(noCert));
        assertTrue(noCertError.getMessage().contains("cert"), noCertError.getMessage());
        ClientConfig closedPort = sandbox.config().baseUrl("https://127.0.0.1:1/partners/fhir/stu3/api/")
                .retry(1, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(5)).build();
        try (Client c = new Client(closedPort)) {
            ConnectException e = assertThrows(ConnectException.class, () -> c.read("x"));
            assertSame(ErrorCode.CONNECT, e.code());
            assertTrue(e.isRetrySafe(), "nothing was sent");
            assertFalse(e.mayHaveBeenProcessed(), "nothing was sent");
        }
    }

    @Test
    void configurationErrors() {
        ConfigException e = assertThrows(ConfigException.class, () -> new Client(ClientConfig.builder().build()));
        assertSame(ErrorCode.CONFIG, e.code());
        assertThrows(ConfigException.class, () -> new Client(sandbox.config().baseUrl("http://127.0.0.1:1/").build()));
        assertThrows(ConfigException.class, () -> new Client(sandbox.config().keyPem("not a key").build()));
        assertThrows(IllegalArgumentException.class, () -> ClientConfig.builder().timeouts(Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> ClientConfig.builder().retry(0, Duration.ZERO, Duration.ZERO, Duration.ZERO));
        String shown = sandbox.config().build().toString();
        assertFalse(shown.contains(Sandbox.CLIENT_SECRET), shown);
        assertFalse(shown.contains("PRIVATE KEY"), shown);
    }

    @Test
    void nullArgumentsNeverReachC() {
        assertThrows(NullPointerException.class, () -> new Client(null));
        assertThrows(NullPointerException.class, () -> client.create((String) null));
        assertThrows(NullPointerException.class, () -> client.create((byte[]) null));
        assertThrows(NullPointerException.class, () -> client.create("{}", null));
        assertThrows(NullPointerException.class, () -> client.update(null, "{}"));
        assertThrows(NullPointerException.class, () -> client.update("id", (String) null));
        assertThrows(NullPointerException.class, () -> client.read(null));
        assertThrows(NullPointerException.class, () -> ClientConfig.builder().baseUrl(null));
        assertThrows(NullPointerException.class, () -> ClientConfig.builder().validatorOptions(null));
        assertThrows(IllegalArgumentException.class, () -> client.read("\ud800"));
        assertThrows(IllegalArgumentException.class, () -> client.create("{}", ""));
    }

    @Test
    void oneClientSharedByFourThreads() throws Exception {
        long connectionsBefore = client.connectionCount();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> {
                    List<String> ids = new ArrayList<>();
                    for (int k = 0; k < 3; k++) {
                        String businessId = uniqueId();
                        CreateResult c = client.create(Pfhir.buildBundle(TestSupport.patientInput(businessId, "Thread")));
                        ReadResult r = client.read(c.patientId());
                        assertTrue(r.patientJson().contains(businessId));
                        ids.add(c.patientId());
                    }
                    return ids;
                }));
            }
            Set<String> all = new HashSet<>();
            for (Future<List<String>> f : futures) {
                all.addAll(f.get(120, TimeUnit.SECONDS));
            }
            assertEquals(12, all.size(), "12 distinct patients");
        } finally {
            pool.shutdownNow();
        }
        long opened = client.connectionCount() - connectionsBefore;
        assertTrue(opened <= 8, "24 requests from 4 threads reuse connections; opened " + opened);
    }

    @Test
    void transientFailuresAreRetriedAndReported() throws Exception {
        // One 503 then success: an update (PUT, idempotent) is retried; a create (POST) is not.
        try (Client retrying = new Client(sandbox.config()
                .retry(3, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(20)).build())) {
            String businessId = uniqueId();
            CreateResult c = retrying.create(Pfhir.buildBundle(TestSupport.patientInput(businessId, "Retry")));
            sandbox.faults("{\"method\":\"PUT\",\"pathPrefix\":\"v2/Bundle\",\"times\":1,"
                    + "\"fault\":{\"kind\":\"status\",\"status\":503}}");
            UpdateResult u = retrying.update(c.patientId(), Pfhir.buildBundle(TestSupport.patientInput(businessId,
                    "Retried", ",\"ids\":{\"patient\":\"" + c.patientId() + "\"}")));
            assertEquals(2, u.attempts(), u.toString());
            sandbox.faults("{\"method\":\"POST\",\"pathPrefix\":\"v2/Bundle\",\"times\":1,"
                    + "\"fault\":{\"kind\":\"status\",\"status\":503}}");
            UnavailableException e = assertThrows(UnavailableException.class, () -> retrying.create(
                    Pfhir.buildBundle(TestSupport.patientInput(uniqueId(), "NotRetried"))));
            assertEquals(503, e.httpStatus());
            assertFalse(e.isRetrySafe(), "a POST that reached the platform is not retry-safe");
        }
        try (Client once = new Client(sandbox.config().retry(1, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(20)).build())) {
            // A gateway page: UnavailableException with the raw body.
            sandbox.faults("{\"method\":\"GET\",\"pathPrefix\":\"Patient/\",\"times\":1,"
                    + "\"fault\":{\"kind\":\"status\",\"status\":502,\"body\":\"<html>bad gateway</html>\"}}");
            UnavailableException u = assertThrows(UnavailableException.class, () -> once.read("x"));
            assertEquals(502, u.httpStatus());
            assertSame(ServerException.Kind.UNAVAILABLE, u.kind());
            assertTrue(u.body().orElseThrow().contains("bad gateway"), u.body().toString());
            assertTrue(u.isRetrySafe(), "a GET may be sent again");
            // 429.
            sandbox.faults("{\"method\":\"GET\",\"pathPrefix\":\"Patient/\",\"times\":1,"
                    + "\"fault\":{\"kind\":\"status\",\"status\":429,\"retryAfter\":1}}");
            RateLimitedException r = assertThrows(RateLimitedException.class, () -> once.read("x"));
            assertEquals(429, r.httpStatus());
            assertEquals(Duration.ofSeconds(1), r.retryAfter().orElseThrow(), "Retry-After: 1");
            // The connection drops after the platform processed the create: the outcome is
            // unknown and the patient may exist. The sandbox de-duplicates by request id, so
            // re-sending with the same one gives the recorded answer here (the partner guide
            // does not promise that of the platform: see droppedV1CreateIsFoundByBusinessId).
            String bundle = Pfhir.buildBundle(TestSupport.patientInput(uniqueId(), "Dropped"));
            sandbox.faults("{\"method\":\"POST\",\"pathPrefix\":\"v2/Bundle\",\"times\":1,"
                    + "\"fault\":{\"kind\":\"dropAfterBody\"}}");
            OutcomeUnknownException lost = assertThrows(OutcomeUnknownException.class, () -> once.create(bundle));
            assertSame(ErrorCode.OUTCOME_UNKNOWN, lost.code());
            assertTrue(lost.mayHaveBeenProcessed(), "sent, answer lost: it may have been processed");
            assertEquals(0, lost.httpStatus());
            String rid = lost.requestId().orElseThrow();
            CreateResult resent = once.create(bundle, rid);
            assertEquals(rid, resent.requestId());
            assertEquals(200, once.read(resent.patientId()).status());
        }
    }

    @Test
    void serverAnswersMayHaveBeenProcessedOnlyForInternalErrors() throws Exception {
        try (Client once = new Client(sandbox.config().retry(1, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(20)).build())) {
            sandbox.faults("{\"method\":\"POST\",\"pathPrefix\":\"v2/Bundle\",\"times\":1,"
                    + "\"fault\":{\"kind\":\"status\",\"status\":400,\"outcome\":{\"code\":\"structure\"}}}");
            ServerException bad = assertThrows(ServerException.class, () -> once.create(
                    Pfhir.buildBundle(TestSupport.patientInput(uniqueId(), "Structure"))));
            assertEquals(400, bad.httpStatus());
            assertSame(ErrorCode.SERVER_STRUCTURE, bad.code());
            assertFalse(bad.mayHaveBeenProcessed(), "a 400 refused the request");
            sandbox.faults("{\"method\":\"POST\",\"pathPrefix\":\"v2/Bundle\",\"times\":1,"
                    + "\"fault\":{\"kind\":\"status\",\"status\":500,\"outcome\":{\"code\":\"exception\"}}}");
            ServerException internal = assertThrows(ServerException.class, () -> once.create(
                    Pfhir.buildBundle(TestSupport.patientInput(uniqueId(), "Exception"))));
            assertSame(ErrorCode.SERVER_EXCEPTION, internal.code());
            assertTrue(internal.mayHaveBeenProcessed(), "an internal exception may follow the processing");
        }
    }

    @Test
    void droppedV1CreateIsFoundByBusinessId() throws Exception {
        // On v1 the safe way after an uncertain create: read Patient/{business id}.
        try (Client v1 = new Client(sandbox.config().apiVersion(ApiVersion.V1)
                .retry(1, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(20)).build())) {
            String businessId = uniqueId();
            String bundle = Pfhir.buildBundle(TestSupport.patientInput(businessId, "DroppedV1"));
            sandbox.faults("{\"method\":\"POST\",\"pathPrefix\":\"Bundle\",\"times\":1,"
                    + "\"fault\":{\"kind\":\"dropAfterBody\"}}");
            OutcomeUnknownException lost = assertThrows(OutcomeUnknownException.class, () -> v1.create(bundle));
            assertTrue(lost.mayHaveBeenProcessed());
            ReadResult found = v1.read(businessId);
            assertEquals(200, found.status());
            assertTrue(found.patientJson().contains("DroppedV1"), found.patientJson());
            // Creating it again with a fresh request id is a second create: refused (409).
            ServerException again = assertThrows(ServerException.class, () -> v1.create(bundle));
            assertEquals(409, again.httpStatus());
            assertFalse(again.mayHaveBeenProcessed());
        }
    }

    @Test
    void updateWithAnotherPatientsBundleIsRefusedBeforeSending() throws Exception {
        String businessId = uniqueId();
        CreateResult target = client.create(Pfhir.buildBundle(TestSupport.patientInput(businessId, "Target")));
        CreateResult other = client.create(Pfhir.buildBundle(TestSupport.patientInput(uniqueId(), "Other")));
        Map<String, Object> before = sandbox.stats();
        List<String> wrong = List.of(
                // v2 (the default): Patient.id is the other patient's id...
                Pfhir.buildBundle(TestSupport.patientInput(businessId, "Overwritten",
                        ",\"ids\":{\"patient\":\"" + other.patientId() + "\"}")),
                // ... or one of its own (no ids.patient)
                Pfhir.buildBundle(TestSupport.patientInput(businessId, "Overwritten")));
        for (String bundle : wrong) {
            UpdateTargetMismatchException e = assertThrows(UpdateTargetMismatchException.class,
                    () -> client.update(target.patientId(), bundle));
            assertSame(ErrorCode.UPDATE_TARGET_MISMATCH, e.code());
            assertEquals(21, e.rawCode());
            assertEquals(0, e.httpStatus());
            assertTrue(e.requestId().isEmpty(), "nothing was sent");
            assertTrue(e.outcomeJson().isEmpty());
            assertFalse(e.isRetrySafe());
            assertFalse(e.mayHaveBeenProcessed());
            assertTrue(e.getMessage().contains("nothing was sent"), e.getMessage());
            assertFalse(e.toString().contains(target.patientId()), "no id in the message: " + e);
            assertFalse(e.toString().contains(other.patientId()), "no id in the message: " + e);
        }
        Map<String, Object> after = sandbox.stats();
        // +1: the stats request itself; no update reached the sandbox.
        assertEquals(((Number) before.get("requests")).longValue() + 1, ((Number) after.get("requests")).longValue());
        assertEquals(before.get("patients"), after.get("patients"));
        assertTrue(client.read(target.patientId()).patientJson().contains("Target"));
        assertTrue(client.read(other.patientId()).patientJson().contains("Other"));
    }

    private static final String DROP_AFTER_BODY_V2 = "{\"method\":\"POST\",\"pathPrefix\":\"v2/Bundle\",\"times\":1,"
            + "\"fault\":{\"kind\":\"dropAfterBody\"}}";

    private static long number(Map<String, Object> json, String key) {
        return ((Number) json.get(key)).longValue();
    }

    private ClientConfig.Builder once() {
        return sandbox.config().retry(1, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(20));
    }

    @Test
    void resolveUncertainCreateResendsToADeduplicatingServer() throws Exception {
        // (a) The sandbox de-duplicates by request id (its default): the re-send replays the
        // recorded answer, so the patient is known by id and was not created twice.
        assertEquals(Boolean.TRUE, sandbox.settings().get("dedup"));
        try (Client c = new Client(once().uncertainCreate(UncertainCreatePolicy.resendDeduplicating()).build())) {
            String bundle = Pfhir.buildBundle(TestSupport.patientInput(uniqueId(), "Resolved"));
            long before = number(sandbox.stats(), "patients");
            sandbox.faults(DROP_AFTER_BODY_V2);
            OutcomeUnknownException lost = assertThrows(OutcomeUnknownException.class, () -> c.create(bundle));
            assertTrue(lost.mayHaveBeenProcessed());
            assertEquals(before + 1, number(sandbox.stats(), "patients"), "it was processed");
            UncertainCreate found = c.resolveUncertainCreate(bundle, lost.requestId().orElseThrow());
            assertSame(CreateState.CREATED, found.state());
            String id = found.patientId().orElseThrow();
            assertFalse(id.isEmpty());
            assertEquals(before + 1, number(sandbox.stats(), "patients"), "not created twice");
            assertTrue(c.read(id).patientJson().contains("Resolved"));
        }
    }

    @Test
    void resolveUncertainCreateByDefaultSendsNothingOnV2() throws Exception {
        // (b) The default policy: created, logical id unknown, and no request is sent.
        try (Client c = new Client(once().build())) {
            assertEquals(UncertainCreatePolicy.askAPerson(), once().build().uncertainCreate());
            String bundle = Pfhir.buildBundle(TestSupport.patientInput(uniqueId(), "AskAPerson"));
            sandbox.faults(DROP_AFTER_BODY_V2);
            OutcomeUnknownException lost = assertThrows(OutcomeUnknownException.class, () -> c.create(bundle));
            Map<String, Object> before = sandbox.stats();
            UncertainCreate found = c.resolveUncertainCreate(bundle, lost.requestId().orElseThrow());
            Map<String, Object> after = sandbox.stats();
            assertEquals(new UncertainCreate(CreateState.CREATED_ID_UNKNOWN, java.util.Optional.empty()), found);
            // +1: the stats request itself
            assertEquals(number(before, "requests") + 1, number(after, "requests"));
            assertEquals(number(before, "patients"), number(after, "patients"));
        }
    }

    @Test
    void resolveUncertainCreateOnV1AfterDropBeforeBodyIsNotCreated() throws Exception {
        // (c) v1: the connection dropped before the sandbox read the create: 404, not created.
        try (Client v1 = new Client(once().apiVersion(ApiVersion.V1).build())) {
            String businessId = uniqueId();
            String bundle = Pfhir.buildBundle(TestSupport.patientInput(businessId, "NotCreated"));
            long before = number(sandbox.stats(), "patients");
            sandbox.faults("{\"method\":\"POST\",\"pathPrefix\":\"Bundle\",\"times\":1,"
                    + "\"fault\":{\"kind\":\"dropBeforeBody\"}}");
            PfhirException lost = assertThrows(PfhirException.class, () -> v1.create(bundle));
            assertTrue(lost.mayHaveBeenProcessed(), lost.toString());
            String rid = lost.requestId().orElseThrow();
            assertEquals(before, number(sandbox.stats(), "patients"));
            UncertainCreate found = v1.resolveUncertainCreate(bundle, rid);
            assertSame(CreateState.NOT_CREATED, found.state());
            assertTrue(found.patientId().isEmpty());
            assertEquals(businessId, v1.create(bundle).patientId(), "a new create is safe");
            assertEquals(new UncertainCreate(CreateState.CREATED, java.util.Optional.of(businessId)),
                    v1.resolveUncertainCreate(bundle.getBytes(StandardCharsets.UTF_8), rid));
        }
    }

    @Test
    void resolveUncertainCreateReadsTheDuplicateStatusWithoutDedup() throws Exception {
        // Against a server that does not de-duplicate, the re-send is a second create of the
        // identifier, refused with 409: created, id unknown. Dedup is turned back on.
        try (Client c = new Client(once().uncertainCreate(UncertainCreatePolicy.resendDuplicateStatus(409)).build())) {
            String bundle = Pfhir.buildBundle(TestSupport.patientInput(uniqueId(), "Duplicate"));
            sandbox.dedup(false);
            try {
                long before = number(sandbox.stats(), "patients");
                sandbox.faults(DROP_AFTER_BODY_V2);
                OutcomeUnknownException lost = assertThrows(OutcomeUnknownException.class, () -> c.create(bundle));
                UncertainCreate found = c.resolveUncertainCreate(bundle, lost.requestId().orElseThrow());
                assertSame(CreateState.CREATED_ID_UNKNOWN, found.state());
                assertTrue(found.patientId().isEmpty());
                assertEquals(before + 1, number(sandbox.stats(), "patients"));
            } finally {
                sandbox.dedup(true);
                sandbox.clearFaults();
            }
        }
        assertEquals(Boolean.TRUE, sandbox.settings().get("dedup"));
    }

    @Test
    void uncertainCreateArgumentsAreChecked() {
        assertEquals(409, UncertainCreatePolicy.resendDuplicateStatus(409).duplicateStatus());
        for (int status : new int[] {0, 200, 399, 500}) {
            assertThrows(IllegalArgumentException.class, () -> UncertainCreatePolicy.resendDuplicateStatus(status));
        }
        assertThrows(IllegalArgumentException.class,
                () -> new UncertainCreatePolicy(UncertainCreatePolicy.Kind.RESEND_DEDUPLICATING, 409));
        assertThrows(NullPointerException.class, () -> new UncertainCreatePolicy(null, 0));
        assertThrows(NullPointerException.class, () -> sandbox.config().uncertainCreate(null));
        assertThrows(IllegalArgumentException.class,
                () -> new UncertainCreate(CreateState.NOT_CREATED, java.util.Optional.of("x")));
        String bundle = Pfhir.buildBundle(TestSupport.patientInput(uniqueId(), "Args"));
        assertThrows(IllegalArgumentException.class, () -> client.resolveUncertainCreate(bundle, ""));
        assertThrows(NullPointerException.class, () -> client.resolveUncertainCreate(bundle, null));
        assertThrows(NullPointerException.class, () -> client.resolveUncertainCreate((String) null, "rid"));
        Client closed = new Client(sandbox.config().build());
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.resolveUncertainCreate(bundle, "rid"));
    }

    @Test
    void contentTypeSetting() {
        ClientConfig fhirJson = sandbox.config().contentType("application/fhir+json").build();
        assertEquals("application/fhir+json", fhirJson.contentType());
        assertTrue(fhirJson.toString().contains("contentType=application/fhir+json"), fhirJson.toString());
        try (Client c = new Client(fhirJson)) {
            assertEquals(200, c.create(Pfhir.buildBundle(TestSupport.patientInput(uniqueId(), "FhirJson"))).status());
        }
        ArgumentException bad = assertThrows(ArgumentException.class,
                () -> new Client(sandbox.config().contentType("text/plain").build()));
        assertSame(ErrorCode.INVALID_ARGUMENT, bad.code());
        assertThrows(NullPointerException.class, () -> sandbox.config().contentType(null));
    }

    @Test
    void closedClientIsRefused() {
        Client c = new Client(sandbox.config().build());
        c.close();
        c.close();
        assertThrows(IllegalStateException.class, () -> c.read("x"));
        assertThrows(IllegalStateException.class, c::connectionCount);
    }
}
