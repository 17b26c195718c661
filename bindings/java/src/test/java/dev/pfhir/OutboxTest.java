package dev.pfhir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The embedded outbox against `pfhir sandbox` over mutual TLS: submitted while the platform
 * cannot be reached, closed, reopened, delivered; a re-send; an update; refusals.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboxTest {
    private static final String DOWN = "https://127.0.0.1:1/partners/fhir/stu3/api/";
    private Sandbox sandbox;

    @BeforeAll
    void start() throws Exception {
        sandbox = new Sandbox();
    }

    @AfterAll
    void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private ClientConfig config(String url) {
        return sandbox.config().baseUrl(url)
                .retry(1, Duration.ZERO, Duration.ZERO, Duration.ZERO).build();
    }

    private static byte[] adt(String type, String event, String ctrl, String pid) {
        return ("MSH|^~\\&|HIS|HOSPITAL^2.16.724.4.2^ISO|PFHIR|PARTNER|20240315103000+0100||" + type + "|" + ctrl
                + "|P|2.5.1\rEVN|" + event + "|20240315103000\rPID|1||" + pid
                + "^^^CIP^JHN||GARCIA^MARIA||19750616|F\rDG1|1||E11^Type 2 diabetes mellitus^I10||20100501|F\r")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static MessageStatus waitFor(Outbox o, long id, MessageStatus.State state) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        MessageStatus s = o.status(id);
        while (s.state() != state && System.nanoTime() < deadline) {
            Thread.sleep(50);
            s = o.status(id);
        }
        assertEquals(state, s.state(), "message " + id + ": " + s);
        return s;
    }

    private static void delete(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void submittedWhileDownIsDeliveredAfterCloseAndReopen() throws Exception {
        Path dir = Files.createTempDirectory("pfhir-java-outbox-");
        String pid = ClientSandboxTest.uniqueId();
        String bundle = Pfhir.buildBundle(TestSupport.patientInput(pid, "Garcia"));
        Submission sb;
        Submission sh;
        try (Outbox o = new Outbox(dir, config(DOWN), Hl7Options.defaults(), 1)) {
            sb = o.submitBundle(bundle);
            assertEquals(Submission.Received.STORED, sb.received());
            assertTrue(sb.stored() && sb.id() > 0);
            assertEquals(0, sb.ack().length);
            sh = o.submitHl7(adt("ADT^A04^ADT_A01", "A04", "JV1", ClientSandboxTest.uniqueId()));
            assertEquals(Submission.Received.STORED, sh.received());
            assertTrue(new String(sh.ack(), StandardCharsets.UTF_8).contains("MSA|AA|JV1"));
            MessageStatus w = waitFor(o, sb.id(), MessageStatus.State.WAITING);
            assertFalse(w.isFinal());
            assertTrue(w.logicalId().isEmpty());
            assertFalse(w.detail().orElse("").contains(pid));
        }
        try (Outbox o = new Outbox(dir, config(sandbox.baseUrl()))) {
            MessageStatus d = waitFor(o, sb.id(), MessageStatus.State.DELIVERED);
            assertTrue(d.isFinal());
            String logical = d.logicalId().orElseThrow();
            waitFor(o, sh.id(), MessageStatus.State.DELIVERED);
            Submission again = o.submitBundle(bundle);
            assertEquals(Submission.Received.DUPLICATE, again.received());
            assertEquals(sb.id(), again.id());
            Submission u = o.submitBundle(Pfhir.buildBundle(TestSupport.patientInput(pid, "Martin",
                    ",\"ids\":{\"patient\":\"" + logical + "\"}")), true);
            waitFor(o, u.id(), MessageStatus.State.DELIVERED);
            try (Client c = new Client(config(sandbox.baseUrl()))) {
                assertTrue(c.read(logical).patientJson().contains("Martin"));
            }
            o.close();
            assertTrue(o.isClosed());
            assertThrows(IllegalStateException.class, () -> o.status(sb.id()));
        } finally {
            delete(dir);
        }
    }

    @Test
    void refusalsStoreNothing() throws Exception {
        Path dir = Files.createTempDirectory("pfhir-java-outbox-");
        try (Outbox o = new Outbox(dir, config(DOWN))) {
            assertThrows(ValidationException.class,
                    () -> o.submitBundle("{\"resourceType\":\"Bundle\",\"type\":\"message\"}"));
            Submission r = o.submitHl7(adt("ORU^R01^ORU_R01", "R01", "JVR", ClientSandboxTest.uniqueId()));
            assertEquals(Submission.Received.REFUSED, r.received());
            assertFalse(r.stored());
            assertEquals(0, r.id());
            assertTrue(new String(r.ack(), StandardCharsets.UTF_8).contains("MSA|AR|JVR"));
            byte[] ack = r.ack();
            ack[0] = 0;
            assertArrayEquals(r.ack(), r.ack());
            assertFalse(r.ack()[0] == 0, "ack() returns a copy");
            assertThrows(NotFoundException.class, () -> o.status(4242));
            assertThrows(IllegalArgumentException.class, () -> o.status(-1));
            assertThrows(NullPointerException.class, () -> o.submitHl7(null));
        } finally {
            delete(dir);
        }
        assertThrows(IllegalArgumentException.class,
                () -> new Outbox(dir, config(DOWN), Hl7Options.defaults(), -1));
    }
}
