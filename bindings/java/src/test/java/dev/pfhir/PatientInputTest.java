package dev.pfhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The wide PatientInput of docs/patient-input.md (what an EMR sends: several identifiers with
 * type, use and assigner, the Spanish surname pair, deceased, marital status, languages,
 * several e-mails and addresses, the managing organization, two Conditions), with fixed ids.
 */
class PatientInputTest {
    static final String WIDE = """
            {"identifiers": [
               {"system": "cip", "value": "WIDE0000000001", "use": "official", "type": "JHN", "assigner": "SERMAS"},
               {"system": "urn:oid:2.16.724.4.40", "value": "12345678Z", "use": "secondary", "type": "NNESP"},
               {"system": "urn:oid:1.3.6.1.4.1.19126.3", "value": "MR-778899", "use": "usual", "type": "MR",
                "assigner": "Hospital Universitario"}],
             "fathersFamily": "P\u00e9rez", "mothersFamily": "Fuster", "givenNames": ["Manolo"],
             "gender": "male", "birthDate": "1975-06-16", "deceased": "2024-02-03T10:20:00+01:00",
             "maritalStatus": "M", "language": "es",
             "communication": [{"language": "ca", "preferred": false}, {"language": "en-GB"}],
             "emails": [{"value": "manolo@example.org", "use": "home"}, {"value": "m.perez@example.com", "use": "work"}],
             "addresses": [
               {"lines": ["Calle Mayor 1", "Piso 3 B"], "city": "Madrid", "postalCode": "28013", "country": "ES",
                "use": "home", "type": "both"},
               {"lines": ["Avenida Diagonal 200"], "city": "Barcelona", "district": "Les Corts", "state": "Barcelona",
                "postalCode": "08018", "country": "ES", "use": "work", "type": "physical"}],
             "managingOrganization": {"system": "urn:ietf:rfc:3986", "value": "urn:oid:2.16.724.4.2",
                                      "display": "Hospital Universitario"},
             "diabetes": "type2", "onset": "2010-05-01", "verificationStatus": "confirmed",
             "conditions": [
               {"codings": [{"system": "http://snomed.info/sct", "code": "38341003", "display": "Hypertensive disorder"},
                            {"system": "http://hl7.org/fhir/sid/icd-10", "code": "I10"}],
                "onset": "2015-03-04", "clinicalStatus": "active", "verificationStatus": "provisional"}],
             "organizationOid": "2.16.724.4.2", "softwareName": "wide-test", "softwareVersion": "1.0.0",
             "ids": {"bundle": "bundle-wide", "messageHeader": "mh-wide", "patient": "patient-wide",
                     "conditions": ["cond-a", "cond-b"]},
             "timestamp": "2024-03-01T12:00:00Z"}
            """;

    /** The value at a path of member names (String) and item indices (Integer). */
    static Object at(Object doc, Object... path) {
        Object v = doc;
        for (Object step : path) {
            v = step instanceof Integer i ? MiniJson.array(v).get(i) : MiniJson.object(v).get((String) step);
        }
        return v;
    }

    static List<Object> resources(Object bundle, String type) {
        return MiniJson.array(at(bundle, "entry")).stream()
                .map(e -> at(e, "resource"))
                .filter(r -> type.equals(at(r, "resourceType")))
                .collect(Collectors.toList());
    }

    @Test
    void widePatientBuildsABundleWithoutErrorsOrWarnings() {
        String bundle = Pfhir.buildBundle(WIDE);
        try (Validator v = new Validator()) {
            Outcome o = v.validate(bundle);
            assertFalse(o.hasErrors(), o.toJson());
            assertEquals(0, o.issues().stream().filter(i -> i.severity() == Severity.WARNING).count(), o.toJson());
        }

        Object doc = MiniJson.parse(bundle);
        assertEquals("bundle-wide", at(doc, "id"));
        List<Object> patients = resources(doc, "Patient");
        assertEquals(1, patients.size());
        Object p = patients.get(0);
        assertEquals("patient-wide", at(p, "id"));
        assertEquals("urn:oid:2.16.724.4.41", at(p, "identifier", 0, "system"));
        assertEquals("SERMAS", at(p, "identifier", 0, "assigner", "display"));
        assertEquals("NNESP", at(p, "identifier", 1, "type", "coding", 0, "code"));
        assertEquals("http://hl7.org/fhir/v2/0203", at(p, "identifier", 1, "type", "coding", 0, "system"));
        assertEquals("MR-778899", at(p, "identifier", 2, "value"));
        assertEquals("P\u00e9rez Fuster", at(p, "name", 0, "family"));
        assertEquals(List.of(
                Map.of("url", "http://hl7.org/fhir/StructureDefinition/humanname-fathers-family", "valueString", "P\u00e9rez"),
                Map.of("url", "http://hl7.org/fhir/StructureDefinition/humanname-mothers-family", "valueString", "Fuster")),
                at(p, "name", 0, "_family", "extension"));
        assertEquals("2024-02-03T10:20:00+01:00", at(p, "deceasedDateTime"));
        assertFalse(MiniJson.object(p).containsKey("deceasedBoolean"));
        assertEquals("M", at(p, "maritalStatus", "coding", 0, "code"));
        assertEquals(3, MiniJson.array(at(p, "communication")).size());
        assertEquals(Boolean.TRUE, at(p, "communication", 0, "preferred"));
        assertEquals("en-GB", at(p, "communication", 2, "language", "coding", 0, "code"));
        assertEquals("m.perez@example.com", at(p, "telecom", 1, "value"));
        assertEquals(List.of("Calle Mayor 1", "Piso 3 B"), at(p, "address", 0, "line"));
        assertEquals("Les Corts", at(p, "address", 1, "district"));
        assertEquals("urn:oid:2.16.724.4.2", at(p, "managingOrganization", "identifier", "value"));

        List<Object> conditions = resources(doc, "Condition");
        assertEquals(2, conditions.size());
        assertEquals(List.of("cond-a", "cond-b"), conditions.stream().map(c -> at(c, "id")).collect(Collectors.toList()));
        assertEquals(List.of("confirmed", "provisional"),
                conditions.stream().map(c -> at(c, "verificationStatus")).collect(Collectors.toList()));
        assertEquals("I10", at(conditions.get(1), "code", "coding", 1, "code"));
        assertEquals("Patient/patient-wide", at(conditions.get(1), "subject", "reference"));

        assertEquals(bundle, Pfhir.buildBundle(WIDE), "fixed ids and timestamp: the same bytes");
    }

    /** Each case: a member of WIDE as written there, its wrong form (every wrong value holds QQ), the field. */
    static Stream<Arguments> wrongMembers() {
        return Stream.of(
                Arguments.of("\"type\": \"NNESP\"", "\"type\": \"Z9  QQSECRET\"", "identifiers[1].type"),
                Arguments.of("\"type\": \"MR\"", "\"tipe\": \"QQSECRET\"", "identifiers[2].tipe"),
                Arguments.of("\"deceased\": \"2024-02-03T10:20:00+01:00\"", "\"deceased\": \"QQ-2024\"", "deceased"),
                Arguments.of("\"maritalStatus\": \"M\"", "\"maritalStatus\": \"QQMARITAL\"", "maritalStatus"),
                Arguments.of("{\"language\": \"ca\"", "{\"language\": \"QQ LANG\"", "communication[0].language"),
                Arguments.of("\"m.perez@example.com\"", "\"QQ not an e-mail\"", "emails[1].value"),
                Arguments.of("\"use\": \"work\", \"type\": \"physical\"", "\"use\": \"QQUSE\", \"type\": \"physical\"",
                        "addresses[1].use"),
                Arguments.of("\"managingOrganization\": {", "\"managingOrganization\": {\"reference\": \"QQREF\", ",
                        "managingOrganization.reference"),
                Arguments.of("\"verificationStatus\": \"provisional\"", "\"verificationStatus\": \"QQSTATUS\"",
                        "conditions[0].verificationStatus"),
                Arguments.of("\"http://hl7.org/fhir/sid/icd-10\"", "\"QQ not a uri\"", "conditions[0].codings[1].system"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("wrongMembers")
    void wrongWideMemberIsNamedWithoutItsValue(String member, String wrong, String field) {
        assertTrue(WIDE.contains(member), "the case must change WIDE: " + member);
        String input = WIDE.replace(member, wrong);
        InputException e = assertThrows(InputException.class, () -> Pfhir.buildBundle(input));
        assertSame(ErrorCode.INPUT, e.code());
        assertEquals(List.of(field), e.fields().stream().map(FieldError::field).collect(Collectors.toList()));
        for (FieldError f : e.fields()) {
            assertFalse(f.message().isEmpty(), f.toString());
            assertFalse(f.message().contains("QQ"), "no value: " + f);
        }
        assertFalse(e.getMessage().contains("QQ"), e.getMessage());
    }
}
