package dev.pfhir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * HL7 v2 in ({@link Hl7}): the corpus tests/fixtures/hl7v2 (the Bundle and OperationOutcome as
 * JSON values, the ACK byte for byte, the ACK code, the event kind and every located error of
 * .expected.json), mistakes, and a converted Bundle created on the sandbox.
 */
class Hl7Test {
    static Path dir() {
        return TestSupport.root().resolve("tests/fixtures/hl7v2");
    }

    static List<Path> messages() throws IOException {
        try (Stream<Path> files = Files.list(dir())) {
            return files.filter(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".hl7") && !n.endsWith(".ack.hl7");
            }).sorted().collect(Collectors.toList());
        }
    }

    static Path sibling(Path message, String suffix) {
        String n = message.getFileName().toString();
        return message.resolveSibling(n.substring(0, n.length() - ".hl7".length()) + suffix);
    }

    static Object json(Path p) throws IOException {
        return MiniJson.parse(Files.readString(p, StandardCharsets.UTF_8));
    }

    /** options.json, then the message's own NAME.options.json over it. */
    static Hl7Options optionsOf(Path message) throws IOException {
        Map<String, Object> o = new java.util.LinkedHashMap<>(MiniJson.object(json(dir().resolve("options.json"))));
        Path own = sibling(message, ".options.json");
        if (Files.exists(own)) {
            o.putAll(MiniJson.object(json(own)));
        }
        Hl7Options.Builder b = Hl7Options.builder();
        if (o.get("hl7Authorities") != null) {
            for (Object spec : MiniJson.array(o.get("hl7Authorities"))) {
                String[] parts = ((String) spec).split("=", 2);
                b.namespace(parts[0], parts[1]);
            }
        }
        if (o.get("authorities") != null) {
            for (Object a : MiniJson.array(o.get("authorities"))) {
                b.authority((String) a);
            }
        }
        if (o.get("tz") != null) {
            b.tz((String) o.get("tz"));
        }
        if (o.get("orgId") != null) {
            b.orgId((String) o.get("orgId"));
        }
        if (o.get("sourceEndpoint") != null) {
            b.sourceEndpoint((String) o.get("sourceEndpoint"));
        }
        if (o.get("patientId") != null) {
            b.patientId((String) o.get("patientId"));
        }
        if (o.get("charset") != null) {
            b.charset((String) o.get("charset"));
        }
        if (o.get("maxBytes") != null) {
            b.maxBytes((Long) o.get("maxBytes"));
        }
        if (o.get("ackControlId") != null) {
            b.ackControlId((String) o.get("ackControlId"));
        }
        if (o.get("ackTime") != null) {
            b.ackTime((String) o.get("ackTime"));
        }
        Map<String, Object> ids = MiniJson.object(o.get("ids"));
        String s = ((String) ids.get("bundle")).substring("bundle-".length());
        assertEquals(Map.of("bundle", "bundle-" + s, "messageHeader", "header-" + s, "patient", "patient-" + s,
                "condition", "condition-" + s), ids, "the corpus's ids are the fixed-ids form");
        b.fixedIds(s);
        return b.build();
    }

    @Test
    void corpusIsThere() throws IOException {
        assertTrue(messages().size() >= 40, "the HL7 corpus needs at least 40 messages");
    }

    @TestFactory
    List<DynamicTest> corpus() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path m : messages()) {
            tests.add(DynamicTest.dynamicTest(m.getFileName().toString(), () -> replay(m)));
        }
        return tests;
    }

    static void replay(Path m) throws IOException {
        String name = m.getFileName().toString();
        Hl7Options options = optionsOf(m);
        byte[] bytes = Files.readAllBytes(m);
        Hl7Result r = Hl7.toBundle(bytes, options);
        Map<String, Object> expected = MiniJson.object(json(sibling(m, ".expected.json")));
        Path bundleFile = sibling(m, ".bundle.json");
        if (Files.exists(bundleFile)) {
            assertTrue(r.isValid(), name);
            assertEquals(json(bundleFile), MiniJson.parse(r.bundle().orElseThrow()), name + ": the Bundle");
        } else {
            assertFalse(r.bundle().isPresent(), name);
        }
        assertEquals(json(sibling(m, ".outcome.json")), MiniJson.parse(r.outcomeJson()), name + ": the outcome");
        assertArrayEquals(Files.readAllBytes(sibling(m, ".ack.hl7")), r.ack(), name + ": the ACK");
        assertArrayEquals(r.ack(), Hl7.ack(bytes, options), name + ": Hl7.ack");
        assertEquals(expected.get("ack"), r.ackCode(), name + ": the ACK code");
        Object kind = expected.get("kind");
        assertEquals(kind == null ? null : Hl7Result.Kind.valueOf(((String) kind).toUpperCase(java.util.Locale.ROOT)),
                r.kind().orElse(null), name + ": create or update");
        List<Object> errors = new ArrayList<>();
        for (Hl7Issue i : r.issues()) {
            assertFalse(i.message().isEmpty());
            if (i.isError()) {
                errors.add(List.of(i.messageId(), i.location() == null ? "" : i.location()));
            }
        }
        assertEquals(expected.get("errors"), errors, name + ": the located errors");
    }

    static final String BAD_DATE = "MSH|^~\\&|HIS|HOSP^2.16.724.4.2^ISO|PFHIR|PLAT|20260101120000+0100||"
            + "ADT^A04^ADT_A01|M1|P|2.5.1\rPID|1||12345678^^^CIP||Garcia^Ana||19801340|F\r";

    @Test
    void errorLocatedAtItsFieldWithoutValue() {
        Hl7Result r = Hl7.toBundle(BAD_DATE.getBytes(StandardCharsets.UTF_8), Hl7Options.builder().tz("+01:00").build());
        assertEquals("AE", r.ackCode());
        assertEquals(Hl7Result.Kind.CREATE, r.kind().orElseThrow());
        Hl7Issue bad = r.issues().stream().filter(i -> "PID-7".equals(i.location())).findFirst().orElseThrow();
        assertEquals("PFHIR-H0304", bad.messageId());
        assertEquals(102, bad.hl7Code());
        assertEquals(2, bad.line());
        assertFalse(bad.message().contains("19801340"));
        assertFalse(r.outcomeJson().contains("19801340"));
    }

    @Test
    void mistakes() {
        byte[] msg = BAD_DATE.getBytes(StandardCharsets.UTF_8);
        assertThrows(ArgumentException.class, () -> Hl7.toBundle(msg, Hl7Options.builder().tz("Europe/Madrid").build()));
        assertThrows(ArgumentException.class, () -> Hl7.toBundle(msg, Hl7Options.builder().charset("EBCDIC").build()));
        assertThrows(ArgumentException.class,
                () -> Hl7.toBundle(msg, Hl7Options.builder().namespace("A=B", "urn:oid:1.2").build()));
        assertThrows(ArgumentException.class,
                () -> Hl7.toBundle(msg, Hl7Options.builder().authority("not a system").build()));
        assertThrows(IllegalArgumentException.class, () -> Hl7Options.builder().maxBytes(0));
        assertThrows(NullPointerException.class, () -> Hl7Options.builder().tz(null));
        assertThrows(NullPointerException.class, () -> Hl7.toBundle(null));
        for (byte[] junk : List.of(new byte[0], new byte[] {0, (byte) 0xff, 0x0b, 0x1c, 13},
                "{\"resourceType\":\"Patient\"}".getBytes(StandardCharsets.UTF_8))) {
            Hl7Result r = Hl7.toBundle(junk);
            assertEquals("AR", r.ackCode());
            assertTrue(new String(r.ack(), StandardCharsets.ISO_8859_1).contains("\rMSA|AR|"));
        }
        byte[] huge = new byte[2 << 20];
        System.arraycopy(msg, 0, huge, 0, msg.length);
        Hl7Result r = Hl7.toBundle(huge);
        assertEquals("AR", r.ackCode());
        assertEquals("PFHIR-H0101", r.issues().get(0).messageId());
    }

    @Test
    void convertedBundleIsCreatedOnTheSandbox() throws Exception {
        Hl7Result r = Hl7.toBundle(Files.readAllBytes(dir().resolve("001-a04-cip-v251.hl7")),
                Hl7Options.builder().tz("+01:00").orgId(Sandbox.ORG_ID).build());
        assertTrue(r.isValid(), r.outcomeJson());
        try (Sandbox sandbox = new Sandbox(); Client client = new Client(sandbox.config().build())) {
            CreateResult created = client.create(r.bundle().orElseThrow());
            assertTrue(created.status() >= 200 && created.status() < 300);
            assertNotNull(created.patientId());
        }
    }
}
