// pfhir.hpp: versions and codes, validation, options, outcomes, move-only owners, threads,
// and the conformance corpus (tests/fixtures/validation) replayed fixture by fixture.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "mini_json.h"
#include "pfhir.hpp"
#include "support.hpp"

namespace {

// RAII owners are move-only.
static_assert(!std::is_copy_constructible_v<pfhir::Validator>);
static_assert(!std::is_copy_assignable_v<pfhir::Validator>);
static_assert(std::is_nothrow_move_constructible_v<pfhir::Validator>);
static_assert(!std::is_copy_constructible_v<pfhir::ValidatorOptions>);
static_assert(std::is_nothrow_move_constructible_v<pfhir::ValidatorOptions>);
static_assert(!std::is_copy_constructible_v<pfhir::Outcome>);
static_assert(std::is_nothrow_move_constructible_v<pfhir::Outcome>);
static_assert(!std::is_copy_constructible_v<pfhir::Builder>);
static_assert(!std::is_copy_constructible_v<pfhir::ClientConfig>);
static_assert(!std::is_copy_constructible_v<pfhir::Client>);
static_assert(std::is_nothrow_move_constructible_v<pfhir::Client>);
// Exceptions are cheap to copy.
static_assert(std::is_nothrow_copy_constructible_v<pfhir::Error>);
static_assert(std::is_base_of_v<std::runtime_error, pfhir::Error>);

constexpr char kBadPatient[] =
    "{\n  \"resourceType\": \"Patient\",\n  \"gender\": \"zzqq\",\n"
    "  \"birthDate\": \"1975-13-01\"\n}\n";

template <class F>
pfhir::Error thrown(F&& f) {
  try {
    f();
  } catch (const pfhir::Error& e) {
    return e;
  }
  ADD_FAILURE() << "no pfhir::Error was thrown";
  return pfhir::Error(pfhir::Code::Ok, "none");
}

TEST(Version, HeaderAndLibraryAgree) {
  EXPECT_EQ(pfhir::version(), pfhir::header_version);
  EXPECT_EQ(pfhir::header_version, PFHIR_VERSION_STRING);
}

TEST(Codes, NamesAndNumbers) {
  EXPECT_EQ(pfhir::code_name(pfhir::Code::NotFound), "not_found");
  EXPECT_EQ(pfhir::code_name(pfhir::Code::ServerInvalid), "server_invalid");
  EXPECT_EQ(pfhir::code_name(static_cast<pfhir::Code>(9999)), "");
  EXPECT_EQ(static_cast<std::uint32_t>(pfhir::Code::InvalidResponse), 60u);
  EXPECT_EQ(static_cast<std::uint32_t>(pfhir::Code::UpdateTargetMismatch), 21u);
  EXPECT_EQ(pfhir::code_name(pfhir::Code::UpdateTargetMismatch), "update_target_mismatch");
  // An error the binding makes itself has nothing the platform could have processed.
  EXPECT_FALSE(pfhir::Error(pfhir::Code::NullArgument, "x").may_have_been_processed());
  EXPECT_EQ(pfhir::to_string(pfhir::Severity::Warning), "warning");
}

TEST(Validator, GoodBundleHasNoIssue) {
  pfhir::Validator v;
  pfhir::Outcome o = v.validate(pfhir_test::good_bundle());
  EXPECT_FALSE(o.has_errors());
  EXPECT_TRUE(o.empty());
  EXPECT_EQ(o.to_json().rfind("{\"resourceType\":\"OperationOutcome\"", 0), 0u);
}

TEST(Validator, IssuesInDocumentOrder) {
  pfhir::Validator v;
  pfhir::Outcome o = v.validate(kBadPatient);
  ASSERT_TRUE(o.has_errors());
  std::vector<pfhir::Issue> issues = o.issues();
  ASSERT_EQ(issues.size(), o.size());
  auto gender = std::find_if(issues.begin(), issues.end(),
                             [](const pfhir::Issue& i) { return i.expression == "Patient.gender"; });
  ASSERT_NE(gender, issues.end());
  EXPECT_EQ(gender->severity, pfhir::Severity::Error);
  EXPECT_EQ(gender->code, "invalid");
  EXPECT_EQ(gender->line, 3u);
  EXPECT_EQ(gender->column, 13u);
  EXPECT_EQ(gender->message_id.rfind("PFHIR-V", 0), 0u);
  EXPECT_EQ(gender->message.find("zzqq"), std::string::npos);
  auto partner = std::find_if(issues.begin(), issues.end(), [](const pfhir::Issue& i) {
    return i.key == std::optional<std::string>("partner-bundle");
  });
  EXPECT_NE(partner, issues.end());
  EXPECT_THROW(o.issue(o.size()), std::out_of_range);
  EXPECT_NE(o.to_json().find("Patient.gender"), std::string::npos);
}

TEST(Validator, HugeLengthIsTooLongWithoutReading) {
  pfhir::Validator v;
  const char one = '{';
  pfhir::Outcome o = v.validate(&one, SIZE_MAX);
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0].code, "too-long");
  EXPECT_EQ(o[0].severity, pfhir::Severity::Fatal);
  EXPECT_EQ(o[0].key, std::nullopt);
}

TEST(Validator, BytesNotText) {
  pfhir::Validator v;
  // Invalid UTF-8 and an embedded NUL are findings, not errors.
  pfhir::Outcome o = v.validate(std::string_view("{\"resourceType\":\"Pat\xff\0ient\"}", 28));
  EXPECT_TRUE(o.has_errors());
  EXPECT_EQ(o[0].severity, pfhir::Severity::Fatal);
}

TEST(ValidatorOptions, ConfigureAndCopy) {
  pfhir::ValidatorOptions opts;
  opts.profile(pfhir::Profile::Partner)
      .rule("partner-bundle", pfhir::RuleSeverity::Off)
      .authority("urn:oid:1.3.6.1.4.1.99999.7.1")
      .limits(0, 32)
      .include_values(true);
  pfhir::Validator v(opts);
  opts.limits(128, 0);  // copied: the validator keeps its own
  EXPECT_EQ(v.max_bytes(), 1024u * 1024u);
  EXPECT_EQ(pfhir::Validator(opts).max_bytes(), 128u);
  pfhir::Outcome o = v.validate(kBadPatient);
  bool value_shown = false;
  for (const pfhir::Issue& i : o.issues()) {
    EXPECT_NE(i.key, std::optional<std::string>("partner-bundle"));
    value_shown = value_shown || i.message.find("zzqq") != std::string::npos;
  }
  EXPECT_TRUE(value_shown);

  pfhir::ValidatorOptions base;
  base.profile(pfhir::Profile::Base);
  EXPECT_TRUE(pfhir::Validator(base).validate("{\"resourceType\":\"Patient\"}").empty());
}

// 30000 numbers where strings belong: one error per number, in document order.
std::string many_issues() {
  std::string doc = "{\"resourceType\":\"Patient\",\"name\":[{\"given\":[1";
  for (int i = 1; i < 30000; ++i) doc += ",1";
  return doc + "]}]}";
}

TEST(ValidatorOptions, IssueCapListsTheFirstIssuesAndCountsTheRest) {
  pfhir::ValidatorOptions base;
  base.profile(pfhir::Profile::Base);
  const pfhir::Outcome o = pfhir::Validator(base).validate(many_issues());
  ASSERT_EQ(o.size(), 1001u);
  for (std::size_t i = 0; i < 1000; ++i) {
    EXPECT_EQ(o[i].expression, "Patient.name[0].given[" + std::to_string(i) + "]");
  }
  const pfhir::Issue last = o[1000];
  EXPECT_EQ(last.code, "too-costly");
  EXPECT_EQ(last.message_id, "PFHIR-V0108");
  EXPECT_EQ(last.severity, pfhir::Severity::Error);
  EXPECT_EQ(last.message.rfind("Not reported: 29000 more issues (", 0), 0u) << last.message;
}

TEST(ValidatorOptions, MaxIssuesSetsTheCap) {
  pfhir::ValidatorOptions opts;
  opts.profile(pfhir::Profile::Base).max_issues(0);
  const pfhir::Outcome all = pfhir::Validator(opts).validate(many_issues());
  ASSERT_EQ(all.size(), 30000u);
  EXPECT_EQ(all[29999].code, "structure");
  opts.max_issues(10);
  const pfhir::Outcome ten = pfhir::Validator(opts).validate(many_issues());
  ASSERT_EQ(ten.size(), 11u);
  EXPECT_EQ(ten[10].code, "too-costly");
  EXPECT_EQ(ten[10].severity, pfhir::Severity::Error);
  EXPECT_EQ(ten[10].message.rfind("Not reported: 29990 more issues (", 0), 0u) << ten[10].message;
}

TEST(ValidatorOptions, MistakesThrowWithTheirCode) {
  pfhir::ValidatorOptions opts;
  pfhir::Error e = thrown([&] { opts.rule("no-such-rule", "off"); });
  EXPECT_EQ(e.code(), pfhir::Code::InvalidArgument);
  EXPECT_EQ(e.code_name(), "invalid_argument");
  EXPECT_FALSE(e.message().empty());
  EXPECT_STREQ(e.what(), e.message().c_str());
  EXPECT_EQ(e.http_status(), 0);
  EXPECT_FALSE(e.outcome_json().has_value());
  EXPECT_FALSE(e.request_id().has_value());
  EXPECT_FALSE(e.retry_safe());
  EXPECT_EQ(thrown([&] { opts.rule("partner-bundle", "loud"); }).code(),
            pfhir::Code::InvalidArgument);
  EXPECT_EQ(thrown([&] { opts.limits(0, 129); }).code(), pfhir::Code::InvalidArgument);
  EXPECT_NO_THROW(opts.limits(0, 128));  // the deepest nesting limit
  EXPECT_EQ(thrown([&] { opts.max_issues(4294967296u); }).code(), pfhir::Code::InvalidArgument);
  // A negative number converts to a huge size_t: refused the same way.
  EXPECT_EQ(thrown([&] { opts.max_issues(static_cast<std::size_t>(-1)); }).code(),
            pfhir::Code::InvalidArgument);
  EXPECT_NO_THROW(opts.max_issues(4294967295u));
  EXPECT_EQ(thrown([&] { opts.authority(""); }).code(), pfhir::Code::InvalidArgument);
  EXPECT_EQ(thrown([&] { opts.authority("urn:\xff"); }).code(), pfhir::Code::InvalidUtf8);
  EXPECT_EQ(thrown([&] { opts.profile(static_cast<pfhir::Profile>(7)); }).code(),
            pfhir::Code::InvalidArgument);
}

TEST(Ownership, MovedFromObjectsThrowNullArgument) {
  pfhir::ValidatorOptions a;
  pfhir::ValidatorOptions b = std::move(a);
  b.limits(4096, 0);
  EXPECT_EQ(thrown([&] { a.limits(1, 1); }).code(), pfhir::Code::NullArgument);
  EXPECT_EQ(thrown([&] { pfhir::Validator v(a); }).code(), pfhir::Code::NullArgument);

  pfhir::Validator v1(b);
  pfhir::Validator v2 = std::move(v1);
  EXPECT_FALSE(v2.validate(pfhir_test::good_bundle()).has_errors());
  EXPECT_EQ(thrown([&] { v1.validate("{}"); }).code(), pfhir::Code::NullArgument);

  pfhir::Outcome o1 = v2.validate(kBadPatient);
  const std::size_t n = o1.size();
  pfhir::Outcome o2 = std::move(o1);
  EXPECT_EQ(o2.size(), n);
  EXPECT_EQ(o1.size(), 0u);
  EXPECT_EQ(thrown([&] { o1.to_json(); }).code(), pfhir::Code::NullArgument);
  // An outcome outlives its validator.
  { pfhir::Validator gone = std::move(v2); }
  EXPECT_EQ(o2.size(), n);
}

TEST(Validator, SharedByFourThreads) {
  const pfhir::Validator v;
  const std::string good = pfhir_test::good_bundle();
  const std::size_t expected = v.validate(kBadPatient).size();
  std::vector<int> failures(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        if (v.validate(good).has_errors()) failures[t]++;
        if (v.validate(kBadPatient).size() != expected) failures[t]++;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int f : failures) EXPECT_EQ(f, 0);
}

// ---- the conformance corpus ---------------------------------------------------------------

std::vector<std::string> fixture_inputs() {
  std::vector<std::string> names;
  const std::filesystem::path dir = pfhir_test::root() + "/tests/fixtures/validation";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    auto ends = [&](const std::string& s) {
      return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
    };
    if (ends(".json") && !ends(".expected.json") && !ends(".outcome.json")) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

struct Json {
  explicit Json(const std::string& text) : v(mj_parse(text.data(), text.size())) {}
  ~Json() { mj_free(v); }
  Json(const Json&) = delete;
  Json& operator=(const Json&) = delete;
  mj_value* v;
};

std::optional<std::string> json_str(const mj_value* v) {
  if (v == nullptr || v->kind != MJ_STRING) return std::nullopt;
  return std::string(v->string, v->string_len);
}

class Corpus : public ::testing::TestWithParam<std::string> {};

TEST(CorpusSize, AtLeastFortyInputs) { EXPECT_GE(fixture_inputs().size(), 40u); }

TEST_P(Corpus, SameIssuesAndOutcome) {
  const std::string dir = pfhir_test::root() + "/tests/fixtures/validation/";
  const std::string name = GetParam();
  const std::string stem = dir + name.substr(0, name.size() - 5);
  const std::string input = pfhir_test::read_file(dir + name);
  const std::string outcome_json = pfhir_test::read_file(stem + ".outcome.json");
  Json expected(pfhir_test::read_file(stem + ".expected.json"));
  ASSERT_NE(expected.v, nullptr) << "the .expected.json is not JSON";

  pfhir::ValidatorOptions opts;
  const std::optional<std::string> profile = json_str(mj_get(expected.v, "profile"));
  ASSERT_TRUE(profile == "partner" || profile == "base");
  opts.profile(profile == "base" ? pfhir::Profile::Base : pfhir::Profile::Partner);
  const mj_value* options = mj_get(expected.v, "options");
  if (const mj_value* rules = mj_get(options, "rules")) {
    for (std::size_t i = 0; i < rules->count; ++i) {
      opts.rule(rules->keys[i], json_str(rules->items[i]).value_or(""));
    }
  }
  if (const mj_value* auth = mj_get(options, "authorities")) {
    for (std::size_t i = 0; i < auth->count; ++i) opts.authority(json_str(auth->items[i]).value_or(""));
  }
  const mj_value* max_bytes = mj_get(options, "maxBytes");
  const mj_value* max_depth = mj_get(options, "maxDepth");
  opts.limits(max_bytes != nullptr ? static_cast<std::size_t>(max_bytes->number) : 0,
              max_depth != nullptr ? static_cast<std::size_t>(max_depth->number) : 0);

  const pfhir::Outcome outcome = pfhir::Validator(opts).validate(input);
  const mj_value* want = mj_get(expected.v, "issues");
  ASSERT_NE(want, nullptr);
  const std::vector<pfhir::Issue> got = outcome.issues();
  ASSERT_EQ(got.size(), want->count);
  for (std::size_t i = 0; i < got.size(); ++i) {
    const mj_value* w = want->items[i];
    SCOPED_TRACE("issue " + std::to_string(i));
    EXPECT_EQ(pfhir::to_string(got[i].severity), json_str(mj_get(w, "severity")).value_or("?"));
    EXPECT_EQ(got[i].code, json_str(mj_get(w, "code")));
    EXPECT_EQ(got[i].message_id, json_str(mj_get(w, "id")));
    EXPECT_EQ(got[i].key, json_str(mj_get(w, "key")));  // null -> nullopt
    EXPECT_EQ(got[i].expression, json_str(mj_get(w, "expression")));
    EXPECT_EQ(got[i].line, static_cast<std::uint32_t>(mj_get(w, "line")->number));
    EXPECT_EQ(got[i].column, static_cast<std::uint32_t>(mj_get(w, "column")->number));
    EXPECT_FALSE(got[i].message.empty());
  }
  EXPECT_EQ(outcome.to_json(), outcome_json);  // byte for byte
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string n = "f" + info.param.substr(0, info.param.size() - 5);
  for (char& c : n) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return n;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Corpus, ::testing::ValuesIn(fixture_inputs()), test_name);

}  // namespace
