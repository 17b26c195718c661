package dev.pfhir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BuildBundleTest {
    static final String FIXED = ",\"ids\":{\"bundle\":\"b-1\",\"messageHeader\":\"m-1\",\"patient\":\"p-1\","
            + "\"condition\":\"c-1\"},\"timestamp\":\"2024-01-02T03:04:05Z\"";

    @Test
    void buildsAValidPartnerBundle() {
        String bundle = Pfhir.buildBundle(TestSupport.patientInput("J123", "Test"));
        Map<String, Object> b = MiniJson.object(MiniJson.parse(bundle));
        assertEquals("Bundle", b.get("resourceType"));
        assertEquals("message", b.get("type"));
        List<Object> entries = MiniJson.array(b.get("entry"));
        List<Object> types = entries.stream()
                .map(e -> MiniJson.object(MiniJson.object(e).get("resource")).get("resourceType"))
                .collect(Collectors.toList());
        assertEquals(List.of("MessageHeader", "Patient", "Condition"), types);
        assertTrue(bundle.contains("\"J123\""));
        try (Validator v = new Validator()) {
            Outcome o = v.validate(bundle);
            assertFalse(o.hasErrors(), o.toJson());
        }
    }

    @Test
    void bytesAndStringAgreeAndIdsAreKept() {
        String input = TestSupport.patientInput("J124", "Mu\u00f1oz", FIXED);
        String s = Pfhir.buildBundle(input);
        byte[] b = Pfhir.buildBundle(input.getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(s.getBytes(StandardCharsets.UTF_8), b);
        assertTrue(s.contains("\"id\":\"b-1\""), s);
        assertTrue(s.contains("\"id\":\"p-1\""), s);
        assertTrue(s.contains("Mu\u00f1oz"), s);
        assertEquals(s, Pfhir.buildBundle(input), "fixed ids and timestamp: the same bundle");
    }

    @Test
    void inputErrorsListTheFields() {
        String input = "{\"authority\":\"cip\",\"patientId\":\"J1\",\"gender\":\"robot\",\"birthDate\":\"1980-13-45\","
                + "\"organizationOid\":\"2.16.724.4.2\"}";
        InputException e = assertThrows(InputException.class, () -> Pfhir.buildBundle(input));
        assertSame(ErrorCode.INPUT, e.code());
        List<String> fields = e.fields().stream().map(FieldError::field).collect(Collectors.toList());
        assertTrue(fields.contains("gender"), fields.toString());
        assertTrue(fields.contains("birthDate"), fields.toString());
        for (FieldError f : e.fields()) {
            assertFalse(f.message().isEmpty(), f.toString());
            assertFalse(f.message().contains("robot") || f.message().contains("1980-13-45"), "no values: " + f);
        }
        assertFalse(e.getMessage().contains("robot"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> e.fields().clear());
        assertEquals(0, e.httpStatus());
        assertTrue(e.requestId().isEmpty());
        assertFalse(e.isRetrySafe());
    }

    @Test
    void unknownMembersAreNamed() {
        InputException e = assertThrows(InputException.class,
                () -> Pfhir.buildBundle(TestSupport.patientInput("J2", "Test", ",\"favouriteColour\":\"blue\"")));
        assertEquals(List.of("favouriteColour"), e.fields().stream().map(FieldError::field).collect(Collectors.toList()));
    }

    @Test
    void missingRequiredFields() {
        InputException e = assertThrows(InputException.class, () -> Pfhir.buildBundle("{}"));
        List<String> fields = e.fields().stream().map(FieldError::field).collect(Collectors.toList());
        assertTrue(fields.containsAll(List.of("authority", "patientId", "organizationOid")), fields.toString());
    }

    @Test
    void unreadableJsonIsAnInputError() {
        PfhirException e = assertThrows(InputException.class, () -> Pfhir.buildBundle("{not json"));
        assertSame(ErrorCode.JSON, e.code(), e.toString());
        assertTrue(e.fields().isEmpty());
        assertThrows(InputException.class, () -> Pfhir.buildBundle(new byte[] {'{', '"', (byte) 0xFF, '"', '}'}));
        assertThrows(InputException.class, () -> Pfhir.buildBundle(new byte[0]));
    }

    @Test
    void nullArguments() {
        assertThrows(NullPointerException.class, () -> Pfhir.buildBundle((String) null));
        assertThrows(NullPointerException.class, () -> Pfhir.buildBundle((byte[]) null));
        assertThrows(IllegalArgumentException.class, () -> Pfhir.buildBundle("{\"familyName\":\"\udc00\"}"));
    }

    static final String EXTRA = "urn:oid:1.3.6.1.4.1.99999.7.1";
    static final String EXTRA_INPUT = "{\"authority\":\"" + EXTRA + "\",\"patientId\":\"J-EXTRA\","
            + "\"familyName\":\"Test\",\"gender\":\"female\",\"birthDate\":\"1980-01-02\","
            + "\"diabetes\":\"type1\",\"organizationOid\":\"2.16.724.4.2\"}";

    static Map<String, Object> resource(String bundle, int entry) {
        List<Object> entries = MiniJson.array(MiniJson.object(MiniJson.parse(bundle)).get("entry"));
        return MiniJson.object(MiniJson.object(entries.get(entry)).get("resource"));
    }

    @Test
    void anAcceptedExtraAuthorityMakesARefusedInputBuild() {
        InputException refused = assertThrows(InputException.class, () -> Pfhir.buildBundle(EXTRA_INPUT));
        assertEquals(List.of("authority"), refused.fields().stream().map(FieldError::field).collect(Collectors.toList()));
        assertThrows(InputException.class, () -> Pfhir.buildBundle(EXTRA_INPUT, BuildOptions.defaults()));
        BuildOptions opts = BuildOptions.builder().acceptedAuthority(EXTRA).build();
        assertEquals(List.of(EXTRA), opts.acceptedAuthorities());
        String bundle = Pfhir.buildBundle(EXTRA_INPUT, opts);
        Map<String, Object> id = MiniJson.object(MiniJson.array(resource(bundle, 1).get("identifier")).get(0));
        assertEquals(EXTRA, id.get("system"));
        assertEquals("J-EXTRA", id.get("value"));
        try (Validator v = Validator.builder().authority(EXTRA).build()) {
            assertFalse(v.validate(bundle).hasErrors(), "valid for a validator that accepts the authority");
        }
        byte[] bytes = Pfhir.buildBundle(EXTRA_INPUT.getBytes(StandardCharsets.UTF_8), opts);
        assertTrue(new String(bytes, StandardCharsets.UTF_8).contains(EXTRA));
    }

    @Test
    void sourceEndpointIsExactlyTheGivenOne() {
        String input = TestSupport.patientInput("J-EP", "Test");
        assertEquals("urn:oid:2.16.724.4.2",
                MiniJson.object(resource(Pfhir.buildBundle(input), 0).get("source")).get("endpoint"));
        for (String endpoint : List.of("urn:oid:2.16.724.4.2.7", "https://emr.example.org/fhir/Endpoint/1")) {
            String bundle = Pfhir.buildBundle(input, BuildOptions.builder().sourceEndpoint(endpoint).build());
            assertEquals(endpoint, MiniJson.object(resource(bundle, 0).get("source")).get("endpoint"));
        }
    }

    @Test
    void withoutBundleIdTheBundleHasNoId() {
        String input = TestSupport.patientInput("J-NOID", "Test", FIXED);
        assertEquals("b-1", MiniJson.object(MiniJson.parse(Pfhir.buildBundle(input))).get("id"));
        String bundle = Pfhir.buildBundle(input, BuildOptions.builder().omitBundleId(true).build());
        Map<String, Object> b = MiniJson.object(MiniJson.parse(bundle));
        assertFalse(b.containsKey("id"), bundle);
        assertEquals("p-1", resource(bundle, 1).get("id"), "only the Bundle's id is left out");
        assertEquals("b-1", MiniJson.object(MiniJson.parse(Pfhir.buildBundle(input,
                BuildOptions.builder().omitBundleId(false).build()))).get("id"));
    }

    @Test
    void aBadSourceEndpointIsAnInputErrorNamingSourceEndpoint() {
        for (String endpoint : List.of("not a uri", "")) {
            InputException e = assertThrows(InputException.class, () -> Pfhir.buildBundle(
                    TestSupport.patientInput("J-BADEP", "Test"), BuildOptions.builder().sourceEndpoint(endpoint).build()));
            assertSame(ErrorCode.INPUT, e.code());
            assertEquals(List.of("sourceEndpoint"), e.fields().stream().map(FieldError::field).collect(Collectors.toList()));
            assertFalse(!endpoint.isEmpty() && e.getMessage().contains(endpoint), e.getMessage());
        }
    }

    @Test
    void optionMistakesAndErrorsThroughTheBuilder() {
        assertThrows(ArgumentException.class, () -> Pfhir.buildBundle(TestSupport.patientInput("J-A", "Test"),
                BuildOptions.builder().acceptedAuthority("not a uri").build()));
        assertThrows(NullPointerException.class, () -> BuildOptions.builder().acceptedAuthority(null));
        assertThrows(NullPointerException.class, () -> Pfhir.buildBundle(TestSupport.patientInput("J-A", "Test"), null));
        BuildOptions noId = BuildOptions.builder().omitBundleId(true).build();
        PfhirException json = assertThrows(InputException.class, () -> Pfhir.buildBundle("[1,2]", noId));
        assertSame(ErrorCode.JSON, json.code());
        InputException values = assertThrows(InputException.class, () -> Pfhir.buildBundle(
                TestSupport.patientInput("J-V", "Test", ",\"gender\":\"robot\"").replace("\"gender\":\"female\",", ""),
                noId));
        assertEquals(List.of("gender"), values.fields().stream().map(FieldError::field).collect(Collectors.toList()));
        assertFalse(values.getMessage().contains("robot"), values.getMessage());
    }

    @Test
    void version() {
        assertEquals(Pfhir.ABI_VERSION, Pfhir.version());
    }
}
