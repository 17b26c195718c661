// pfhir.hpp: building partner Bundles with build_bundle and Builder, and their errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

#include "mini_json.h"
#include "pfhir.hpp"
#include "support.hpp"

namespace {

bool has_field(const pfhir::Error& e, const std::string& field) {
  return std::any_of(e.fields().begin(), e.fields().end(),
                     [&](const pfhir::FieldError& f) { return f.field == field && !f.message.empty(); });
}

TEST(BuildBundle, FromPatientInputJson) {
  const std::string bundle = pfhir::build_bundle(
      R"({"authority":"cip","patientId":"C123","familyName":"Test","gender":"female",)"
      R"("birthDate":"1980-01-02","diabetes":"type1","organizationOid":"2.16.724.4.2"})");
  EXPECT_NE(bundle.find("\"resourceType\":\"Bundle\""), std::string::npos);
  EXPECT_FALSE(pfhir::Validator().validate(bundle).has_errors());
}

TEST(BuildBundle, WrongFieldsAreNamed) {
  try {
    pfhir::build_bundle(R"({"authority":"cip","patientId":"C1","shoeSize":44})");
    FAIL() << "no exception";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::Input);
    EXPECT_TRUE(has_field(e, "shoeSize"));
  }
  try {
    pfhir::build_bundle(
        R"({"authority":"cip","patientId":"C1","gender":"zzqq","birthDate":"1975-13-01",)"
        R"("organizationOid":"2.16.724.4.2"})");
    FAIL() << "no exception";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::Input);
    EXPECT_TRUE(has_field(e, "gender"));
    EXPECT_TRUE(has_field(e, "birthDate"));
    EXPECT_EQ(std::string(e.what()).find("zzqq"), std::string::npos);
  }
}

TEST(BuildBundle, NotJsonIsJsonError) {
  try {
    pfhir::build_bundle("{\"authority\":");
    FAIL() << "no exception";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::Json);
    EXPECT_TRUE(e.fields().empty());
  }
}

TEST(Builder, EveryFieldThenBuild) {
  pfhir::Builder b;
  b.authority("cip")
      .patient_id("CIPC123456789")
      .family_name("P\xc3\xa9rez")
      .given_name("Ana")
      .given_name("Mar\xc3\xad" "a")
      .gender("F")
      .birth_date("19800102")
      .phone("600000001", "mobile")
      .phone("910000002")
      .email("ana@example.org")
      .diabetes("type2")
      .onset("2001-05-06")
      .organization_oid("2.16.724.4.2")
      .software("cpp-tests", "1.0.0")
      .patient_logical_id("logical-1")
      .timestamp("2024-01-02T03:04:05Z");
  const std::string bundle = b.build();
  EXPECT_NE(bundle.find("\"logical-1\""), std::string::npos);
  EXPECT_NE(bundle.find("1980-01-02"), std::string::npos);
  EXPECT_FALSE(pfhir::Validator().validate(bundle).has_errors());
  const std::string input = b.to_json();
  EXPECT_NE(input.find("\"patientId\":\"CIPC123456789\""), std::string::npos);
  EXPECT_FALSE(pfhir::Validator().validate(pfhir::build_bundle(input)).has_errors());
}

TEST(Builder, CodedConditionStatusAndActive) {
  pfhir::Builder b;
  b.authority("meteda")
      .patient_id("M-42")
      .gender("male")
      .birth_date("1975-06-16")
      .organization_oid("2.16.724.4.2")
      .condition("http://snomed.info/sct", "44054006", "Diabetes mellitus type 2")
      .clinical_status("remission")
      .active(false);
  const std::string bundle = b.build();
  EXPECT_NE(bundle.find("\"44054006\""), std::string::npos);
  EXPECT_NE(bundle.find("\"remission\""), std::string::npos);
  EXPECT_NE(bundle.find("\"active\":false"), std::string::npos);
  EXPECT_FALSE(pfhir::Validator().validate(bundle).has_errors());
  b.condition("http://snomed.info/sct", "46635009").clinical_status("dormant");
  try {
    b.build();
    FAIL() << "no exception";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::Input);
    EXPECT_TRUE(has_field(e, "clinicalStatus"));
  }
}

TEST(Builder, MissingFieldsThrowInputErrors) {
  pfhir::Builder b;
  try {
    b.build();
    FAIL() << "no exception";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::Input);
    EXPECT_TRUE(has_field(e, "authority"));
    EXPECT_TRUE(has_field(e, "patientId"));
    EXPECT_EQ(e.http_status(), 0);
  }
  try {
    b.gender("\x80");
    FAIL() << "no exception";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::InvalidUtf8);
  }
}

// The wide patient of docs/patient-input.md (what an EMR sends) as PatientInput JSON; the
// same patient is filled with Builder in WidePatientBuilder below.
const char* const kWideJson =
    R"({"identifiers":[)"
    R"({"system":"cip","value":"WIDE0000000001","use":"official","type":"JHN","assigner":"SERMAS"},)"
    R"({"system":"urn:oid:2.16.724.4.40","value":"12345678Z","use":"secondary","type":"NNESP"},)"
    R"({"system":"urn:oid:1.3.6.1.4.1.19126.3","value":"MR-778899","use":"usual","type":"MR",)"
    R"("assigner":"Hospital Universitario"}],)"
    R"("fathersFamily":"Pérez","mothersFamily":"Fuster","givenNames":["Manolo"],)"
    R"("gender":"male","birthDate":"1975-06-16","deceased":"2024-02-03T10:20:00+01:00",)"
    R"("maritalStatus":"M","language":"es",)"
    R"("communication":[{"language":"ca","preferred":false},{"language":"en-GB","preferred":false}],)"
    R"("emails":[{"value":"manolo@example.org","use":"home"},{"value":"m.perez@example.com","use":"work"}],)"
    R"("addresses":[)"
    R"({"lines":["Calle Mayor 1","Piso 3 B"],"city":"Madrid","postalCode":"28013","country":"ES",)"
    R"("use":"home","type":"both"},)"
    R"({"lines":["Avenida Diagonal 200"],"city":"Barcelona","district":"Les Corts","state":"Barcelona",)"
    R"("postalCode":"08018","country":"ES","use":"work","type":"physical"}],)"
    R"("managingOrganization":{"system":"urn:ietf:rfc:3986","value":"urn:oid:2.16.724.4.2",)"
    R"("display":"Hospital Universitario"},)"
    R"("diabetes":"type2","onset":"2010-05-01","verificationStatus":"confirmed",)"
    R"("conditions":[{"codings":[)"
    R"({"system":"http://snomed.info/sct","code":"38341003","display":"Hypertensive disorder"},)"
    R"({"system":"http://hl7.org/fhir/sid/icd-10","code":"I10"}],)"
    R"("onset":"2015-03-04","clinicalStatus":"active","verificationStatus":"provisional"}],)"
    R"("organizationOid":"2.16.724.4.2","softwareName":"wide-test","softwareVersion":"1.0.0",)"
    R"("ids":{"bundle":"bundle-wide","messageHeader":"mh-wide","patient":"patient-wide",)"
    R"("conditions":["cond-a","cond-b"]},"timestamp":"2024-03-01T12:00:00Z"})";

pfhir::Builder WidePatientBuilder() {
  pfhir::Builder b;
  b.add_identifier("cip", "WIDE0000000001", "official", "JHN", "SERMAS")
      .add_identifier("urn:oid:2.16.724.4.40", "12345678Z", "secondary", "NNESP")
      .add_identifier("urn:oid:1.3.6.1.4.1.19126.3", "MR-778899", "usual", "MR",
                      "Hospital Universitario")
      .fathers_family("P\xc3\xa9rez")
      .mothers_family("Fuster")
      .given_name("Manolo")
      .gender("male")
      .birth_date("1975-06-16")
      .deceased(false)
      .deceased_date_time("2024-02-03T10:20:00+01:00")
      .marital_status("M")
      .language("es")
      .add_communication("ca", false)
      .add_communication("en-GB")
      .add_email("manolo@example.org", "home")
      .add_email("m.perez@example.com", "work")
      .add_address("home", "both", "Madrid", {}, {}, "28013", "ES")
      .add_address_line("Calle Mayor 1")
      .add_address_line("Piso 3 B")
      .add_address("work", "physical", "Barcelona", "Les Corts", "Barcelona", "08018", "ES")
      .add_address_line("Avenida Diagonal 200")
      .managing_organization({}, "urn:ietf:rfc:3986", "urn:oid:2.16.724.4.2",
                             "Hospital Universitario")
      .diabetes("type2")
      .onset("2010-05-01")
      .verification_status("confirmed")
      .add_condition({}, "2015-03-04", "active", "provisional")
      .add_condition_coding("http://snomed.info/sct", "38341003", "Hypertensive disorder")
      .add_condition_coding("http://hl7.org/fhir/sid/icd-10", "I10")
      .organization_oid("2.16.724.4.2")
      .software("wide-test", "1.0.0")
      .ids("bundle-wide", "mh-wide", "patient-wide")
      .add_condition_id("cond-a")
      .add_condition_id("cond-b")
      .timestamp("2024-03-01T12:00:00Z");
  return b;
}

/// A parsed JSON document, freed with mj_free.
using Json = std::unique_ptr<mj_value, void (*)(mj_value*)>;

Json parse(const std::string& text) { return Json(mj_parse(text.data(), text.size()), mj_free); }

/// The string at a path of members (names) and items (numbers as text), or "" when absent.
std::string at(const mj_value* v, std::initializer_list<const char*> path) {
  for (const char* step : path) {
    if (v != nullptr && v->kind == MJ_ARRAY) {
      v = mj_at(v, std::stoul(step));
    } else {
      v = mj_get(v, step);
    }
  }
  const char* s = mj_str(v);
  return s != nullptr ? std::string(s) : std::string();
}

/// The resources of a Bundle of the given type, in entry order.
std::vector<const mj_value*> resources(const mj_value* bundle, const std::string& type) {
  std::vector<const mj_value*> out;
  const mj_value* entries = mj_get(bundle, "entry");
  for (std::size_t i = 0; entries != nullptr && i < entries->count; ++i) {
    const mj_value* r = mj_get(mj_at(entries, i), "resource");
    if (at(r, {"resourceType"}) == type) out.push_back(r);
  }
  return out;
}

std::size_t count(const pfhir::Outcome& o, pfhir::Severity s) {
  const std::vector<pfhir::Issue> issues = o.issues();
  return static_cast<std::size_t>(
      std::count_if(issues.begin(), issues.end(), [&](const pfhir::Issue& i) { return i.severity == s; }));
}

TEST(Builder, WidePatientBuildsACleanBundle) {
  pfhir::Builder b = WidePatientBuilder();
  const std::string bundle = b.build();
  const pfhir::Outcome outcome = pfhir::Validator().validate(bundle);
  EXPECT_EQ(count(outcome, pfhir::Severity::Fatal) + count(outcome, pfhir::Severity::Error), 0u)
      << outcome.to_json();
  EXPECT_EQ(count(outcome, pfhir::Severity::Warning), 0u) << outcome.to_json();

  Json doc = parse(bundle);
  ASSERT_NE(doc, nullptr);
  EXPECT_EQ(at(doc.get(), {"id"}), "bundle-wide");
  const std::vector<const mj_value*> patients = resources(doc.get(), "Patient");
  ASSERT_EQ(patients.size(), 1u);
  const mj_value* p = patients[0];
  EXPECT_EQ(at(p, {"id"}), "patient-wide");
  EXPECT_EQ(at(p, {"identifier", "0", "system"}), "urn:oid:2.16.724.4.41");
  EXPECT_EQ(at(p, {"identifier", "0", "assigner", "display"}), "SERMAS");
  EXPECT_EQ(at(p, {"identifier", "1", "type", "coding", "0", "code"}), "NNESP");
  EXPECT_EQ(at(p, {"identifier", "1", "type", "coding", "0", "system"}), "http://hl7.org/fhir/v2/0203");
  EXPECT_EQ(at(p, {"identifier", "2", "use"}), "usual");
  EXPECT_EQ(at(p, {"name", "0", "family"}), "P\xc3\xa9rez Fuster");
  EXPECT_EQ(at(p, {"name", "0", "_family", "extension", "0", "url"}),
            "http://hl7.org/fhir/StructureDefinition/humanname-fathers-family");
  EXPECT_EQ(at(p, {"name", "0", "_family", "extension", "0", "valueString"}), "P\xc3\xa9rez");
  EXPECT_EQ(at(p, {"name", "0", "_family", "extension", "1", "url"}),
            "http://hl7.org/fhir/StructureDefinition/humanname-mothers-family");
  EXPECT_EQ(at(p, {"name", "0", "_family", "extension", "1", "valueString"}), "Fuster");
  EXPECT_EQ(at(p, {"deceasedDateTime"}), "2024-02-03T10:20:00+01:00");
  EXPECT_EQ(mj_get(p, "deceasedBoolean"), nullptr) << "the date-time replaced the flag";
  EXPECT_EQ(at(p, {"maritalStatus", "coding", "0", "code"}), "M");
  EXPECT_EQ(at(p, {"communication", "0", "language", "coding", "0", "code"}), "es");
  EXPECT_EQ(at(p, {"communication", "2", "language", "coding", "0", "code"}), "en-GB");
  EXPECT_EQ(at(p, {"telecom", "1", "system"}), "email");
  EXPECT_EQ(at(p, {"telecom", "1", "use"}), "work");
  EXPECT_EQ(at(p, {"address", "0", "line", "1"}), "Piso 3 B");
  EXPECT_EQ(at(p, {"address", "1", "district"}), "Les Corts");
  EXPECT_EQ(at(p, {"managingOrganization", "identifier", "value"}), "urn:oid:2.16.724.4.2");

  const std::vector<const mj_value*> conditions = resources(doc.get(), "Condition");
  ASSERT_EQ(conditions.size(), 2u);
  EXPECT_EQ(at(conditions[0], {"id"}), "cond-a");
  EXPECT_EQ(at(conditions[0], {"verificationStatus"}), "confirmed");
  EXPECT_EQ(at(conditions[1], {"id"}), "cond-b");
  EXPECT_EQ(at(conditions[1], {"verificationStatus"}), "provisional");
  EXPECT_EQ(at(conditions[1], {"code", "coding", "1", "code"}), "I10");
  EXPECT_EQ(at(conditions[1], {"subject", "reference"}), "Patient/patient-wide");

  // The builder and the PatientInput JSON are two forms of the same input: the same bytes,
  // and to_json() builds them again.
  EXPECT_EQ(bundle, pfhir::build_bundle(kWideJson));
  EXPECT_EQ(bundle, pfhir::build_bundle(b.to_json()));
}

TEST(Builder, DeceasedFlagAndDateTimeReplaceEachOther) {
  pfhir::Builder b = WidePatientBuilder();
  b.deceased(true);
  Json doc = parse(b.build());
  const mj_value* p = resources(doc.get(), "Patient").at(0);
  const mj_value* flag = mj_get(p, "deceasedBoolean");
  ASSERT_NE(flag, nullptr);
  EXPECT_EQ(flag->kind, MJ_BOOL);
  EXPECT_TRUE(flag->boolean);
  EXPECT_EQ(mj_get(p, "deceasedDateTime"), nullptr);
}

TEST(Builder, WrongNewMembersAreNamedWithoutTheirValues) {
  pfhir::Builder b = WidePatientBuilder();
  b.add_identifier("urn:oid:2.16.724.4.40", "99999999R", "secondary", "Z9  QQSECRET")
      .marital_status("QQMARITAL")
      .add_address("mobile", {}, "Madrid")
      .add_condition("type2")
      .add_condition_coding("not a uri", "QQCODE");
  try {
    b.build();
    FAIL() << "no exception";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::Input);
    EXPECT_TRUE(has_field(e, "identifiers[3].type"));
    EXPECT_TRUE(has_field(e, "maritalStatus"));
    EXPECT_TRUE(has_field(e, "addresses[2].use"));
    EXPECT_TRUE(has_field(e, "conditions[1].codings[0].system"));
    for (const char* value : {"QQSECRET", "QQMARITAL", "mobile", "not a uri"}) {
      EXPECT_EQ(std::string(e.what()).find(value), std::string::npos) << value;
      for (const pfhir::FieldError& f : e.fields()) {
        EXPECT_EQ(f.message.find(value), std::string::npos) << f.field << ": " << value;
      }
    }
  }
}

TEST(Builder, DeploymentOptions) {
  pfhir::Builder b;
  b.authority("urn:oid:1.3.6.1.4.1.99999.7.1")
      .patient_id("CPP-OPT-1")
      .organization_oid("2.16.724.4.2")
      .diabetes("type1");
  try {
    b.build();
    FAIL() << "an authority that is not accepted built";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::Input);
  }
  try {
    b.add_accepted_authority("not a uri");
    FAIL() << "no exception";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::InvalidArgument);
  }
  b.add_accepted_authority("urn:oid:1.3.6.1.4.1.99999.7.1")
      .source_endpoint("urn:oid:2.16.724.4.2.7")
      .omit_bundle_id();
  const std::string bundle = b.build();
  EXPECT_NE(bundle.find("\"endpoint\":\"urn:oid:2.16.724.4.2.7\""), std::string::npos) << bundle;
  EXPECT_EQ(bundle.rfind("{\"resourceType\":\"Bundle\",\"type\"", 0), 0u) << bundle;  // no id
  b.omit_bundle_id(false);
  EXPECT_EQ(b.build().rfind("{\"resourceType\":\"Bundle\",\"id\"", 0), 0u);
  b.source_endpoint("not a uri");
  try {
    b.build();
    FAIL() << "a source endpoint that is not a URI built";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::Input);
    ASSERT_FALSE(e.fields().empty());
    EXPECT_EQ(e.fields()[0].field, "sourceEndpoint");
  }
}

TEST(Builder, InputJsonTakesTheBuildersOptions) {
  const std::string input =
      R"({"authority":"urn:oid:1.3.6.1.4.1.99999.7.1","patientId":"CPP-JSON-1","familyName":"Json",)"
      R"("gender":"female","birthDate":"1980-01-02","diabetes":"type1","organizationOid":"2.16.724.4.2",)"
      R"("ids":{"bundle":"b-json"}})";
  try {
    pfhir::build_bundle(input);
    FAIL() << "an authority that is not accepted built";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::Input);
    ASSERT_EQ(e.fields().size(), 1u);
    EXPECT_EQ(e.fields()[0].field, "authority");
  }
  pfhir::Builder b;
  b.family_name("Replaced").input_json(input);
  EXPECT_EQ(b.to_json().find("Replaced"), std::string::npos) << b.to_json();  // replaced
  b.add_accepted_authority("urn:oid:1.3.6.1.4.1.99999.7.1")
      .source_endpoint("urn:oid:2.16.724.4.2.9")
      .omit_bundle_id();
  const std::string bundle = b.build();
  EXPECT_NE(bundle.find(R"({"system":"urn:oid:1.3.6.1.4.1.99999.7.1","value":"CPP-JSON-1"})"),
            std::string::npos)
      << bundle;
  EXPECT_NE(bundle.find(R"("endpoint":"urn:oid:2.16.724.4.2.9")"), std::string::npos) << bundle;
  EXPECT_EQ(bundle.find("b-json"), std::string::npos) << bundle;  // no Bundle.id
  // Bad JSON: the error, and the builder unchanged.
  const std::string before = b.to_json();
  try {
    b.input_json("[1,2]");
    FAIL() << "no exception";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::Json);
  }
  try {
    b.input_json(R"({"authority":"cip","patientId":"X","gender":3})");
    FAIL() << "no exception";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::Input);
    ASSERT_FALSE(e.fields().empty());
    EXPECT_EQ(e.fields()[0].field, "gender");
  }
  EXPECT_EQ(b.to_json(), before);
}

TEST(Builder, AddressLineAndConditionCodingNeedAnEarlierItem) {
  pfhir::Builder b;
  b.authority("cip").patient_id("C1");
  const std::string before = b.to_json();
  try {
    b.add_address_line("Calle Mayor 1");
    FAIL() << "no exception";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::InvalidArgument);
    EXPECT_EQ(std::string(e.what()).find("Calle"), std::string::npos);
  }
  try {
    b.add_condition_coding("http://snomed.info/sct", "44054006");
    FAIL() << "no exception";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::InvalidArgument);
  }
  EXPECT_EQ(b.to_json(), before) << "a refused call changes nothing";
  // With an address and a Condition they are accepted.
  b.add_address("home").add_address_line("Calle Mayor 1");
  b.add_condition().add_condition_coding("http://snomed.info/sct", "44054006");
  EXPECT_NE(b.to_json().find("Calle Mayor 1"), std::string::npos);
  EXPECT_NE(b.to_json().find("44054006"), std::string::npos);
}

TEST(Builder, NewSettersOnAMovedFromBuilderAndBadUtf8) {
  pfhir::Builder b;
  pfhir::Builder owner = std::move(b);
  const auto expect_null = [](const char* what, auto&& call) {
    try {
      call();
      ADD_FAILURE() << what << ": no exception";
    } catch (const pfhir::Error& e) {
      EXPECT_EQ(e.code(), pfhir::Code::NullArgument) << what;
    }
  };
  // A moved-from builder holds the NULL handle: every call is refused with NullArgument.
  expect_null("add_identifier", [&] { b.add_identifier("cip", "X"); });
  expect_null("fathers_family", [&] { b.fathers_family("A"); });
  expect_null("mothers_family", [&] { b.mothers_family("B"); });
  expect_null("deceased", [&] { b.deceased(true); });
  expect_null("deceased_date_time", [&] { b.deceased_date_time("2024-01-01"); });
  expect_null("marital_status", [&] { b.marital_status("M"); });
  expect_null("language", [&] { b.language("es"); });
  expect_null("add_communication", [&] { b.add_communication("ca", true); });
  expect_null("add_email", [&] { b.add_email("a@example.org"); });
  expect_null("add_address", [&] { b.add_address("home"); });
  expect_null("add_address_line", [&] { b.add_address_line("x"); });
  expect_null("managing_organization", [&] { b.managing_organization("Organization/1"); });
  expect_null("verification_status", [&] { b.verification_status("confirmed"); });
  expect_null("add_condition", [&] { b.add_condition("type1"); });
  expect_null("add_condition_coding", [&] { b.add_condition_coding("http://snomed.info/sct", "1"); });
  expect_null("ids", [&] { b.ids("b", "m", "p"); });
  expect_null("add_condition_id", [&] { b.add_condition_id("c"); });

  const std::string before = owner.to_json();
  try {
    owner.add_identifier("cip", "X1", {}, "J\x80N");
    FAIL() << "no exception";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::InvalidUtf8);
  }
  try {
    owner.add_address("home", {}, "Madr\xffid");
    FAIL() << "no exception";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::InvalidUtf8);
  }
  EXPECT_EQ(owner.to_json(), before) << "a refused call changes nothing";
}

}  // namespace
