// pfhir.hpp: building partner Bundles with build_bundle and Builder, and their errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

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

}  // namespace
