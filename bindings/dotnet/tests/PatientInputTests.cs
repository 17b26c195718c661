// The wide PatientInput (docs/patient-input.md: what an EMR sends) through PatientBuilder and
// through its JSON: a clean Bundle with the expected FHIR elements, and the builder's errors.

using System;
using System.Collections.Generic;
using System.Linq;

namespace PfhirSdk.Tests
{
    public static class PatientInputTests
    {
        /// <summary>The wide patient as PatientInput JSON; <see cref="WideBuilder"/> fills the same.</summary>
        public const string WideJson =
            "{\"identifiers\":[" +
            "{\"system\":\"cip\",\"value\":\"WIDE0000000001\",\"use\":\"official\",\"type\":\"JHN\",\"assigner\":\"SERMAS\"}," +
            "{\"system\":\"urn:oid:2.16.724.4.40\",\"value\":\"12345678Z\",\"use\":\"secondary\",\"type\":\"NNESP\"}," +
            "{\"system\":\"urn:oid:1.3.6.1.4.1.19126.3\",\"value\":\"MR-778899\",\"use\":\"usual\",\"type\":\"MR\",\"assigner\":\"Hospital Universitario\"}]," +
            "\"fathersFamily\":\"P\u00e9rez\",\"mothersFamily\":\"Fuster\",\"givenNames\":[\"Manolo\"]," +
            "\"gender\":\"male\",\"birthDate\":\"1975-06-16\",\"deceased\":\"2024-02-03T10:20:00+01:00\"," +
            "\"maritalStatus\":\"M\",\"language\":\"es\"," +
            "\"communication\":[{\"language\":\"ca\",\"preferred\":false},{\"language\":\"en-GB\",\"preferred\":false}]," +
            "\"emails\":[{\"value\":\"manolo@example.org\",\"use\":\"home\"},{\"value\":\"m.perez@example.com\",\"use\":\"work\"}]," +
            "\"addresses\":[" +
            "{\"lines\":[\"Calle Mayor 1\",\"Piso 3 B\"],\"city\":\"Madrid\",\"postalCode\":\"28013\",\"country\":\"ES\",\"use\":\"home\",\"type\":\"both\"}," +
            "{\"lines\":[\"Avenida Diagonal 200\"],\"city\":\"Barcelona\",\"district\":\"Les Corts\",\"state\":\"Barcelona\"," +
            "\"postalCode\":\"08018\",\"country\":\"ES\",\"use\":\"work\",\"type\":\"physical\"}]," +
            "\"managingOrganization\":{\"system\":\"urn:ietf:rfc:3986\",\"value\":\"urn:oid:2.16.724.4.2\",\"display\":\"Hospital Universitario\"}," +
            "\"diabetes\":\"type2\",\"onset\":\"2010-05-01\",\"verificationStatus\":\"confirmed\"," +
            "\"conditions\":[{\"codings\":[" +
            "{\"system\":\"http://snomed.info/sct\",\"code\":\"38341003\",\"display\":\"Hypertensive disorder\"}," +
            "{\"system\":\"http://hl7.org/fhir/sid/icd-10\",\"code\":\"I10\"}]," +
            "\"onset\":\"2015-03-04\",\"clinicalStatus\":\"active\",\"verificationStatus\":\"provisional\"}]," +
            "\"organizationOid\":\"2.16.724.4.2\",\"softwareName\":\"wide-test\",\"softwareVersion\":\"1.0.0\"," +
            "\"ids\":{\"bundle\":\"bundle-wide\",\"messageHeader\":\"mh-wide\",\"patient\":\"patient-wide\",\"conditions\":[\"cond-a\",\"cond-b\"]}," +
            "\"timestamp\":\"2024-03-01T12:00:00Z\"}";

        /// <summary>The wide patient, field by field (dispose it).</summary>
        static PatientBuilder WideBuilder()
        {
            var b = new PatientBuilder();
            b.AddIdentifier("cip", "WIDE0000000001", "official", "JHN", "SERMAS")
             .AddIdentifier("urn:oid:2.16.724.4.40", "12345678Z", "secondary", "NNESP")
             .AddIdentifier("urn:oid:1.3.6.1.4.1.19126.3", "MR-778899", use: "usual", type: "MR", assigner: "Hospital Universitario")
             .FathersFamily("P\u00e9rez").MothersFamily("Fuster").GivenName("Manolo")
             .Gender("male").BirthDate("1975-06-16")
             .Deceased(false).DeceasedDateTime("2024-02-03T10:20:00+01:00")
             .MaritalStatus("M")
             .Language("es").AddCommunication("ca", false).AddCommunication("en-GB")
             .AddEmail("manolo@example.org", "home").AddEmail("m.perez@example.com", "work")
             .AddAddress(use: "home", type: "both", city: "Madrid", postalCode: "28013", country: "ES")
             .AddAddressLine("Calle Mayor 1").AddAddressLine("Piso 3 B")
             .AddAddress("work", "physical", "Barcelona", "Les Corts", "Barcelona", "08018", "ES")
             .AddAddressLine("Avenida Diagonal 200")
             .ManagingOrganization(system: "urn:ietf:rfc:3986", value: "urn:oid:2.16.724.4.2", display: "Hospital Universitario")
             .Diabetes("type2").Onset("2010-05-01").VerificationStatus("confirmed")
             .AddCondition(onset: "2015-03-04", clinicalStatus: "active", verificationStatus: "provisional")
             .AddConditionCoding("http://snomed.info/sct", "38341003", "Hypertensive disorder")
             .AddConditionCoding("http://hl7.org/fhir/sid/icd-10", "I10")
             .OrganizationOid("2.16.724.4.2").Software("wide-test", "1.0.0")
             .Ids("bundle-wide", "mh-wide", "patient-wide").AddConditionId("cond-a").AddConditionId("cond-b")
             .Timestamp("2024-03-01T12:00:00Z");
            return b;
        }

        /// <summary>The value at a path of member names (string) and item indices (int); null when absent.</summary>
        static object At(object doc, params object[] path)
        {
            object v = doc;
            foreach (object step in path)
            {
                if (v == null) return null;
                if (step is int)
                {
                    var list = v as List<object>;
                    int i = (int)step;
                    v = list != null && i < list.Count ? list[i] : null;
                }
                else
                {
                    v = MiniJson.Get(v, (string)step);
                }
            }
            return v;
        }

        static List<object> Resources(object bundle, string type)
        {
            return ((List<object>)MiniJson.Get(bundle, "entry"))
                .Select(e => MiniJson.Get(e, "resource"))
                .Where(r => (string)MiniJson.Get(r, "resourceType") == type)
                .ToList();
        }

        static void AssertClean(string bundle)
        {
            using (var v = new Validator())
            using (var o = v.Validate(bundle))
            {
                string all = string.Join("; ", o.Issues.Select(i => i.ToString()));
                Assert.Equal(0, o.Issues.Count(i => i.Severity == Severity.Error || i.Severity == Severity.Fatal), "errors: " + all);
                Assert.Equal(0, o.Issues.Count(i => i.Severity == Severity.Warning), "warnings: " + all);
            }
        }

        [Test]
        public static void WidePatientBuildsACleanBundle()
        {
            string bundle;
            string input;
            using (var b = WideBuilder())
            {
                bundle = b.Build();
                input = b.ToJson();
            }
            AssertClean(bundle);
            object doc = MiniJson.Parse(bundle);
            Assert.Equal("bundle-wide", (string)At(doc, "id"), "Bundle.id");
            var patients = Resources(doc, "Patient");
            Assert.Equal(1, patients.Count, "one Patient");
            object p = patients[0];
            Assert.Equal("patient-wide", (string)At(p, "id"), "Patient.id");
            Assert.Equal("urn:oid:2.16.724.4.41", (string)At(p, "identifier", 0, "system"), "identifier[0].system (cip)");
            Assert.Equal("SERMAS", (string)At(p, "identifier", 0, "assigner", "display"), "identifier[0].assigner");
            Assert.Equal("NNESP", (string)At(p, "identifier", 1, "type", "coding", 0, "code"), "identifier[1].type.coding[0].code");
            Assert.Equal("http://hl7.org/fhir/v2/0203", (string)At(p, "identifier", 1, "type", "coding", 0, "system"), "identifier[1].type system");
            Assert.Equal("P\u00e9rez Fuster", (string)At(p, "name", 0, "family"), "name[0].family");
            Assert.Equal("http://hl7.org/fhir/StructureDefinition/humanname-fathers-family",
                (string)At(p, "name", 0, "_family", "extension", 0, "url"), "fathers-family extension");
            Assert.Equal("P\u00e9rez", (string)At(p, "name", 0, "_family", "extension", 0, "valueString"), "fathers-family value");
            Assert.Equal("http://hl7.org/fhir/StructureDefinition/humanname-mothers-family",
                (string)At(p, "name", 0, "_family", "extension", 1, "url"), "mothers-family extension");
            Assert.Equal("Fuster", (string)At(p, "name", 0, "_family", "extension", 1, "valueString"), "mothers-family value");
            Assert.Equal("2024-02-03T10:20:00+01:00", (string)At(p, "deceasedDateTime"), "deceasedDateTime");
            Assert.True(!MiniJson.Has(p, "deceasedBoolean"), "the date-time replaced the flag");
            Assert.Equal("M", (string)At(p, "maritalStatus", "coding", 0, "code"), "maritalStatus");
            Assert.Equal(3, ((List<object>)At(p, "communication")).Count, "language + 2 communication");
            Assert.Equal(true, (bool)At(p, "communication", 0, "preferred"), "language is preferred");
            Assert.Equal("en-GB", (string)At(p, "communication", 2, "language", "coding", 0, "code"), "communication[2]");
            Assert.Equal("m.perez@example.com", (string)At(p, "telecom", 1, "value"), "telecom[1] (second e-mail)");
            Assert.Equal("Piso 3 B", (string)At(p, "address", 0, "line", 1), "address[0].line[1]");
            Assert.Equal("Les Corts", (string)At(p, "address", 1, "district"), "address[1].district");
            Assert.Equal("urn:oid:2.16.724.4.2", (string)At(p, "managingOrganization", "identifier", "value"), "managingOrganization");

            var conditions = Resources(doc, "Condition");
            Assert.Equal(2, conditions.Count, "Condition count");
            Assert.Equal("cond-a", (string)At(conditions[0], "id"), "Condition[0].id");
            Assert.Equal("confirmed", (string)At(conditions[0], "verificationStatus"), "Condition[0].verificationStatus");
            Assert.Equal("cond-b", (string)At(conditions[1], "id"), "Condition[1].id");
            Assert.Equal("provisional", (string)At(conditions[1], "verificationStatus"), "Condition[1].verificationStatus");
            Assert.Equal("I10", (string)At(conditions[1], "code", "coding", 1, "code"), "Condition[1].code.coding[1]");

            // The builder and the JSON are two forms of one input: the same bytes, and ToJson()
            // builds them again.
            Assert.Equal(bundle, Pfhir.BuildBundle(WideJson), "PatientInput JSON gives the same Bundle");
            Assert.Equal(bundle, Pfhir.BuildBundle(input), "ToJson() gives the same Bundle");
        }

        [Test]
        public static void DeceasedFlagReplacesTheDateTime()
        {
            using (var b = WideBuilder())
            {
                object p = Resources(MiniJson.Parse(b.Deceased(true).Build()), "Patient")[0];
                Assert.Equal(true, (bool)At(p, "deceasedBoolean"), "deceasedBoolean");
                Assert.True(!MiniJson.Has(p, "deceasedDateTime"), "the flag replaced the date-time");
            }
        }

        [Test]
        public static void OlderSettersActiveConditionAndClinicalStatus()
        {
            using (var b = new PatientBuilder())
            {
                b.Authority("meteda").PatientId("M-42").FamilyName("Test").Gender("female").BirthDate("1980-01-02")
                 .OrganizationOid("2.16.724.4.2")
                 .Condition("http://snomed.info/sct", "44054006", "Diabetes mellitus type 2")
                 .ClinicalStatus("remission").VerificationStatus("differential").Active(false);
                string bundle = b.Build();
                AssertClean(bundle);
                object doc = MiniJson.Parse(bundle);
                Assert.Equal(false, (bool)At(Resources(doc, "Patient")[0], "active"), "Patient.active");
                object c = Resources(doc, "Condition").Single();
                Assert.Equal("44054006", (string)At(c, "code", "coding", 0, "code"), "the coded condition");
                Assert.Equal("remission", (string)At(c, "clinicalStatus"), "clinicalStatus");
                Assert.Equal("differential", (string)At(c, "verificationStatus"), "verificationStatus");
            }
        }

        [Test]
        public static void WrongNewMembersAreNamedWithoutTheirValues()
        {
            using (var b = WideBuilder())
            {
                b.AddIdentifier("urn:oid:2.16.724.4.40", "99999999R", "secondary", "Z9  QQSECRET")
                 .MaritalStatus("QQMARITAL")
                 .AddAddress(use: "mobile", city: "Madrid")
                 .AddCondition("type2").AddConditionCoding("not a uri", "QQCODE");
                var e = Assert.Throws<InputException>(() => b.Build(), "Build");
                Assert.Equal(ErrorCode.Input, e.Code, "code");
                var fields = e.Fields.Select(f => f.Field).ToList();
                foreach (string f in new[] { "identifiers[3].type", "maritalStatus", "addresses[2].use", "conditions[1].codings[0].system" })
                    Assert.True(fields.Contains(f), f + " in " + string.Join(", ", fields));
                foreach (string value in new[] { "QQSECRET", "QQMARITAL", "mobile", "not a uri" })
                {
                    Assert.True(!e.Message.Contains(value), "no value in the message: " + value);
                    Assert.True(!e.Fields.Any(f => f.Message.Contains(value)), "no value in the field messages: " + value);
                }
            }
        }

        [Test]
        public static void AddressLineAndConditionCodingNeedAnEarlierItem()
        {
            using (var b = new PatientBuilder())
            {
                b.Authority("cip").PatientId("C1");
                string before = b.ToJson();
                var line = Assert.Throws<PfhirArgumentException>(() => b.AddAddressLine("Calle Mayor 1"), "a line before any address");
                Assert.Equal(ErrorCode.InvalidArgument, line.Code, "code");
                Assert.True(!line.Message.Contains("Calle"), "no value in the message");
                var coding = Assert.Throws<PfhirArgumentException>(() => b.AddConditionCoding("http://snomed.info/sct", "44054006"), "a coding before any Condition");
                Assert.Equal(ErrorCode.InvalidArgument, coding.Code, "code");
                Assert.Equal(before, b.ToJson(), "a refused call changes nothing");
                b.AddAddress("home").AddAddressLine("Calle Mayor 1").AddCondition().AddConditionCoding("http://snomed.info/sct", "44054006");
                Assert.Contains("Calle Mayor 1", b.ToJson(), "the line after an address");
                Assert.Contains("44054006", b.ToJson(), "the coding after a Condition");
            }
        }

        [Test]
        public static void NullRequiredArgumentsAreRefusedBeforeC()
        {
            using (var b = new PatientBuilder())
            {
                string before = b.ToJson();
                var cases = new Dictionary<string, Action>
                {
                    { "AddIdentifier system", () => b.AddIdentifier(null, "X") },
                    { "AddIdentifier value", () => b.AddIdentifier("cip", null) },
                    { "FathersFamily", () => b.FathersFamily(null) },
                    { "MothersFamily", () => b.MothersFamily(null) },
                    { "DeceasedDateTime", () => b.DeceasedDateTime(null) },
                    { "MaritalStatus", () => b.MaritalStatus(null) },
                    { "Language", () => b.Language(null) },
                    { "AddCommunication", () => b.AddCommunication(null, true) },
                    { "AddEmail", () => b.AddEmail(null, "home") },
                    { "AddAddressLine", () => b.AddAddressLine(null) },
                    { "VerificationStatus", () => b.VerificationStatus(null) },
                    { "ClinicalStatus", () => b.ClinicalStatus(null) },
                    { "Condition", () => b.Condition("http://snomed.info/sct", null) },
                    { "AddConditionCoding", () => b.AddConditionCoding(null, "1") },
                    { "AddConditionId", () => b.AddConditionId(null) },
                };
                foreach (var c in cases) Assert.Throws<ArgumentNullException>(c.Value, c.Key);
                var surrogate = Assert.Throws<ArgumentException>(() => b.AddAddress(city: "Madr\ud800id"), "a lone surrogate");
                Assert.Equal("city", surrogate.ParamName, "ParamName");
                Assert.Equal(before, b.ToJson(), "nothing reached the builder");
                // Optional arguments may be null: they are left out.
                b.AddAddress(city: "Madrid").ManagingOrganization(display: "Hospital").Ids(patient: "p-1").AddCondition("type1");
                Assert.Contains("\"city\":\"Madrid\"", b.ToJson(), "the address");
            }
            var disposed = new PatientBuilder();
            disposed.Dispose();
            Assert.Throws<ObjectDisposedException>(() => disposed.AddIdentifier("cip", "X"), "AddIdentifier after Dispose");
            Assert.Throws<ObjectDisposedException>(() => disposed.Deceased(true), "Deceased after Dispose");
            Assert.Throws<ObjectDisposedException>(() => disposed.AddAddress(city: "Madrid"), "AddAddress after Dispose");
            Assert.Throws<ObjectDisposedException>(() => disposed.Ids("b"), "Ids after Dispose");
        }
    }
}
