// HL7 v2 in through pfhir.hpp (Hl7Options, hl7_to_bundle, Hl7Result, hl7_ack): the corpus
// tests/fixtures/hl7v2 (one test per message: the Bundle and OperationOutcome as JSON values,
// the ACK byte for byte, the ACK code, the event kind and every located error of
// .expected.json), mistakes as exceptions, and a converted Bundle created on the sandbox.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "mini_json.h"
#include "pfhir.hpp"
#include "support.hpp"
#include "test_util.h"

namespace {

const std::string kDir = pfhir_test::root() + "/tests/fixtures/hl7v2";

struct Json {
  explicit Json(const std::string& text) : v(mj_parse(text.data(), text.size())) {}
  ~Json() { mj_free(v); }
  Json(const Json&) = delete;
  Json& operator=(const Json&) = delete;
  mj_value* v;
};

bool equal(const mj_value* a, const mj_value* b) {
  if (a == nullptr || b == nullptr || a->kind != b->kind) return false;
  switch (a->kind) {
    case MJ_NULL: return true;
    case MJ_BOOL: return a->boolean == b->boolean;
    case MJ_NUMBER: return a->number == b->number;
    case MJ_STRING:
      return a->string_len == b->string_len && std::memcmp(a->string, b->string, a->string_len) == 0;
    case MJ_ARRAY:
    case MJ_OBJECT:
      if (a->count != b->count) return false;
      for (std::size_t i = 0; i < a->count; ++i) {
        if (a->kind == MJ_OBJECT && std::strcmp(a->keys[i], b->keys[i]) != 0) return false;
        if (!equal(a->items[i], b->items[i])) return false;
      }
      return true;
  }
  return false;
}

std::optional<std::string> str(const mj_value* v) {
  if (v == nullptr || v->kind != MJ_STRING) return std::nullopt;
  return std::string(v->string, v->string_len);
}

std::vector<std::string> messages() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kDir)) {
    const std::string n = entry.path().filename().string();
    auto ends = [&](const std::string& s) {
      return n.size() >= s.size() && n.compare(n.size() - s.size(), s.size(), s) == 0;
    };
    if (ends(".hl7") && !ends(".ack.hl7")) names.push_back(n);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string sibling(const std::string& name, const std::string& suffix) {
  return kDir + "/" + name.substr(0, name.size() - 4) + suffix;
}

/// options.json, then the message's own NAME.options.json over it.
pfhir::Hl7Options options_of(const std::string& name) {
  Json base(pfhir_test::read_file(kDir + "/options.json"));
  std::optional<Json> own;
  if (std::filesystem::exists(sibling(name, ".options.json"))) {
    own.emplace(pfhir_test::read_file(sibling(name, ".options.json")));
  }
  auto pick = [&](const char* key) -> const mj_value* {
    if (own && mj_get(own->v, key) != nullptr) return mj_get(own->v, key);
    return mj_get(base.v, key);
  };
  pfhir::Hl7Options o;
  if (const mj_value* list = pick("hl7Authorities")) {
    for (std::size_t i = 0; i < list->count; ++i) {
      const std::string spec = str(mj_at(list, i)).value_or("");
      const auto eq = spec.find('=');
      o.namespace_system(spec.substr(0, eq), spec.substr(eq + 1));
    }
  }
  if (const mj_value* list = pick("authorities")) {
    for (std::size_t i = 0; i < list->count; ++i) o.authority(str(mj_at(list, i)).value_or(""));
  }
  auto text = [&](pfhir::Hl7Option which, const char* key) {
    if (auto v = str(pick(key))) {
      o.set(which, *v);
    } else {
      o.reset(which);
    }
  };
  text(pfhir::Hl7Option::Tz, "tz");
  text(pfhir::Hl7Option::OrgId, "orgId");
  text(pfhir::Hl7Option::SourceEndpoint, "sourceEndpoint");
  text(pfhir::Hl7Option::PatientId, "patientId");
  text(pfhir::Hl7Option::Charset, "charset");
  text(pfhir::Hl7Option::AckControlId, "ackControlId");
  text(pfhir::Hl7Option::AckTime, "ackTime");
  if (const mj_value* n = pick("maxBytes"); n != nullptr && n->kind == MJ_NUMBER) {
    o.max_bytes(static_cast<std::size_t>(n->number));
  }
  const std::string bundle_id = str(mj_get(pick("ids"), "bundle")).value_or("");
  if (bundle_id.rfind("bundle-", 0) != 0) throw std::runtime_error("ids.bundle is not bundle-S");
  const std::string s = bundle_id.substr(7);
  if (str(mj_get(pick("ids"), "patient")) != "patient-" + s) {
    throw std::runtime_error("the corpus ids do not follow one S");
  }
  o.fixed_ids(s);
  return o;
}

bool is_error(pfhir::Severity s) {
  return s == pfhir::Severity::Fatal || s == pfhir::Severity::Error;
}

class Hl7Corpus : public ::testing::TestWithParam<std::string> {};

TEST(Hl7CorpusSize, AtLeastFortyMessages) { EXPECT_GE(messages().size(), 40u); }

TEST_P(Hl7Corpus, SameBundleIssuesAndAck) {
  const std::string name = GetParam();
  const pfhir::Hl7Options options = options_of(name);
  const std::string message = pfhir_test::read_file(kDir + "/" + name);
  const pfhir::Hl7Result r = pfhir::hl7_to_bundle(message, options);
  Json expected(pfhir_test::read_file(sibling(name, ".expected.json")));
  ASSERT_NE(expected.v, nullptr);

  if (std::filesystem::exists(sibling(name, ".bundle.json"))) {
    ASSERT_TRUE(r.valid());
    Json want(pfhir_test::read_file(sibling(name, ".bundle.json")));
    Json got(*r.bundle());
    EXPECT_TRUE(equal(want.v, got.v)) << "the Bundle differs";
  } else {
    EXPECT_FALSE(r.bundle().has_value());
  }
  Json want_outcome(pfhir_test::read_file(sibling(name, ".outcome.json")));
  Json got_outcome(r.outcome_json());
  EXPECT_TRUE(equal(want_outcome.v, got_outcome.v)) << "the OperationOutcome differs";
  EXPECT_EQ(r.ack(), pfhir_test::read_file(sibling(name, ".ack.hl7")));
  EXPECT_EQ(pfhir::hl7_ack(message, options), r.ack());
  EXPECT_EQ(r.ack_code(), str(mj_get(expected.v, "ack")));
  const std::optional<std::string> kind = str(mj_get(expected.v, "kind"));
  EXPECT_EQ(r.kind(), !kind                ? pfhir::Hl7Kind::None
                      : *kind == "create" ? pfhir::Hl7Kind::Create
                                          : pfhir::Hl7Kind::Update);
  std::vector<std::pair<std::string, std::string>> got, want;
  for (const pfhir::Hl7Issue& i : r.issues()) {
    EXPECT_FALSE(i.message.empty());
    if (is_error(i.severity)) got.emplace_back(i.message_id, i.location.value_or(""));
  }
  const mj_value* errors = mj_get(expected.v, "errors");
  ASSERT_NE(errors, nullptr);
  for (std::size_t i = 0; i < errors->count; ++i) {
    want.emplace_back(str(mj_at(mj_at(errors, i), 0)).value_or("?"),
                      str(mj_at(mj_at(errors, i), 1)).value_or(""));
  }
  EXPECT_EQ(got, want);
}

std::string hl7_test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string n = "m" + info.param.substr(0, info.param.size() - 4);
  for (char& c : n) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return n;
}

INSTANTIATE_TEST_SUITE_P(Hl7Fixtures, Hl7Corpus, ::testing::ValuesIn(messages()), hl7_test_name);

const std::string kBadDate =
    "MSH|^~\\&|HIS|HOSP^2.16.724.4.2^ISO|PFHIR|PLAT|20260101120000+0100||ADT^A04^ADT_A01|M1|P|"
    "2.5.1\rPID|1||12345678^^^CIP||Garcia^Ana||19801340|F\r";

TEST(Hl7, ErrorLocatedAtItsFieldWithoutValue) {
  pfhir::Hl7Options o;
  o.tz("+01:00");
  const pfhir::Hl7Result r = pfhir::hl7_to_bundle(kBadDate, o);
  EXPECT_EQ(r.ack_code(), "AE");
  EXPECT_EQ(r.kind(), pfhir::Hl7Kind::Create);
  bool found = false;
  for (const pfhir::Hl7Issue& i : r.issues()) {
    if (i.location == std::optional<std::string>("PID-7")) {
      found = true;
      EXPECT_EQ(i.message_id, "PFHIR-H0304");
      EXPECT_EQ(i.hl7_code, 102u);
      EXPECT_EQ(i.line, 2u);
      EXPECT_EQ(i.message.find("19801340"), std::string::npos);
    }
  }
  EXPECT_TRUE(found);
  EXPECT_THROW(r.issue(r.size()), std::out_of_range);
}

TEST(Hl7, MistakesThrowWithTheirCode) {
  auto code_of = [](auto&& f) {
    try {
      f();
    } catch (const pfhir::Error& e) {
      return e.code();
    }
    return pfhir::Code::Ok;
  };
  pfhir::Hl7Options o;
  EXPECT_EQ(code_of([&] { o.tz("Europe/Madrid"); }), pfhir::Code::InvalidArgument);
  EXPECT_EQ(code_of([&] { o.charset("EBCDIC"); }), pfhir::Code::InvalidArgument);
  EXPECT_EQ(code_of([&] { o.tz("\xff"); }), pfhir::Code::InvalidUtf8);
  EXPECT_EQ(code_of([&] { o.namespace_system("A=B", "urn:oid:1.2"); }),
            pfhir::Code::InvalidArgument);
  EXPECT_EQ(code_of([&] { o.authority("not a system"); }), pfhir::Code::InvalidArgument);
  EXPECT_EQ(code_of([&] { o.max_bytes(0); }), pfhir::Code::InvalidArgument);
  pfhir::Hl7Options moved = std::move(o);
  EXPECT_EQ(code_of([&] { pfhir::hl7_to_bundle(kBadDate, o); }), pfhir::Code::NullArgument);
  // Any bytes give an AR and an ACK, never an exception.
  for (const std::string& junk : {std::string(), std::string("\0\xff\x0b\x1c\r", 5),
                                 std::string("{\"resourceType\":\"Patient\"}")}) {
    const pfhir::Hl7Result r = pfhir::hl7_to_bundle(junk, moved);
    EXPECT_EQ(r.ack_code(), "AR");
    EXPECT_NE(r.ack().find("\rMSA|AR|"), std::string::npos);
  }
  const pfhir::Hl7Result huge = pfhir::hl7_to_bundle(kBadDate + std::string(2 << 20, 'A'));
  EXPECT_EQ(huge.ack_code(), "AR");
  EXPECT_EQ(huge.issue(0).message_id, "PFHIR-H0101");
}

TEST(Hl7Sandbox, ConvertedBundleIsCreated) {
  t_sandbox sb;
  ASSERT_TRUE(t_sandbox_start(&sb, PFHIR_TEST_CLI)) << "the sandbox did not start";
  struct Stop {
    t_sandbox* sb;
    ~Stop() { t_sandbox_stop(sb); }
  } stop{&sb};
  pfhir::Hl7Options o;
  o.tz("+01:00").org_id("2.16.724.4.2");
  const pfhir::Hl7Result r =
      pfhir::hl7_to_bundle(pfhir_test::read_file(kDir + "/001-a04-cip-v251.hl7"), o);
  ASSERT_TRUE(r.valid()) << r.outcome_json();
  EXPECT_EQ(r.kind(), pfhir::Hl7Kind::Create);
  pfhir::ClientConfig c;
  c.base_url(sb.url)
      .cert_pem(std::string_view(sb.cert_pem, sb.cert_len))
      .key_pem(std::string_view(sb.key_pem, sb.key_len))
      .ca_pem(std::string_view(sb.ca_pem, sb.ca_len))
      .org_id("2.16.724.4.2")
      .client_id("1234567890")
      .client_secret("sandbox-secret")
      .api_version("v2");
  pfhir::Client client(c);
  const pfhir::CreateResult created = client.create(*r.bundle());
  EXPECT_GE(created.status, 200);
  EXPECT_LT(created.status, 300);
  EXPECT_FALSE(created.patient_id.empty());
}

}  // namespace
