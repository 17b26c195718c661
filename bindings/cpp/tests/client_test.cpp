// pfhir.hpp against a real `pfhir sandbox` over mutual TLS: create, update, read, server
// errors as exceptions (code, HTTP status, OperationOutcome, request id), whether the
// platform may have processed a failed request, settling an uncertain create
// (resolve_uncertain_create, each policy, v1 and v2), updates of another patient's Bundle refused
// before sending, configuration errors, local validation, and one client shared by 4 threads.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "pfhir.hpp"
#include "support.hpp"
#include "test_util.h"

namespace {

class Sandbox : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    started_ = t_sandbox_start(&sb_, PFHIR_TEST_CLI);
    run_ = std::to_string(getpid()) + "-" + std::to_string(std::time(nullptr));
  }
  static void TearDownTestSuite() {
    if (started_) t_sandbox_stop(&sb_);
    started_ = false;
  }
  void SetUp() override {
    ASSERT_TRUE(started_) << "the sandbox did not start (" PFHIR_TEST_CLI " sandbox)";
  }

  static pfhir::ClientConfig config() {
    pfhir::ClientConfig c;
    c.base_url(sb_.url)
        .cert_pem(std::string_view(sb_.cert_pem, sb_.cert_len))
        .key_pem(std::string_view(sb_.key_pem, sb_.key_len))
        .ca_pem(std::string_view(sb_.ca_pem, sb_.ca_len))
        .org_id("2.16.724.4.2")
        .client_id("1234567890")
        .client_secret("sandbox-secret")
        .api_version("v2")
        .timeouts(std::chrono::seconds(10), std::chrono::seconds(30));
    return c;
  }

  /// A Bundle for patient `pid` (unique per run).
  static std::string bundle(const std::string& pid, const std::string& family,
                            const std::string& logical_id = "") {
    pfhir::Builder b;
    b.authority("cip")
        .patient_id(pid + "-" + run_)
        .family_name(family)
        .gender("male")
        .birth_date("1975-06-16")
        .diabetes("type1")
        .organization_oid("2.16.724.4.2");
    if (!logical_id.empty()) b.patient_logical_id(logical_id);
    return b.build();
  }

  /// A request to the sandbox's /_sandbox/ endpoints with curl over the same mutual TLS:
  /// the 2xx answer's body (throws otherwise).
  static std::string admin(const std::string& method, const std::string& path) {
    const std::string url = sb_.url;
    const std::string origin = url.substr(0, url.find('/', std::string("https://").size()));
    const std::string dir = sb_.dir;
    const std::string cmd = "curl -sS --fail --max-time 10 --cacert '" + dir + "/ca.pem' --cert '" +
                            dir + "/client.pem' --key '" + dir + "/client-key.pem' -X " + method +
                            " '" + origin + path + "'";
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) throw std::runtime_error("popen curl failed");
    std::string out;
    char buf[512];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
    if (pclose(p) != 0) throw std::runtime_error("curl " + method + " " + path + " failed: " + out);
    return out;
  }
  /// A number of GET /_sandbox/stats: "requests" (its own included), "patients"...
  static long stat(const std::string& name) {
    const std::string json = admin("GET", "/_sandbox/stats");
    const std::string key = "\"" + name + "\":";
    const size_t at = json.find(key);
    if (at == std::string::npos) throw std::runtime_error("no " + name + " in " + json);
    return std::stol(json.substr(at + key.size()));
  }
  /// Turns the sandbox's de-duplication by x-origin-request-id on or off.
  static void set_dedup(bool on) {
    ASSERT_EQ(t_sandbox_curl(&sb_, "POST", "/_sandbox/settings",
                             on ? R"({"dedup":true})" : R"({"dedup":false})"),
              0);
    EXPECT_NE(admin("GET", "/_sandbox/settings").find(on ? "\"dedup\":true" : "\"dedup\":false"),
              std::string::npos);
  }
  static pfhir::ClientConfig once(pfhir::ClientConfig c) {
    c.retry(1, std::chrono::milliseconds(0), std::chrono::milliseconds(0),
            std::chrono::milliseconds(0));
    return c;
  }
  /// Creates `body` with the next create dropped (`kind`); returns the error's request id.
  static std::string lost_create(const pfhir::Client& client, const std::string& body,
                                 const char* path_prefix, const char* kind) {
    const std::string rule = std::string(R"({"method":"POST","pathPrefix":")") + path_prefix +
                             R"(","times":1,"fault":{"kind":")" + kind + R"("}})";
    EXPECT_EQ(t_sandbox_curl(&sb_, "POST", "/_sandbox/faults", rule.c_str()), 0);
    try {
      client.create(body);
    } catch (const pfhir::Error& e) {
      EXPECT_TRUE(e.may_have_been_processed()) << e.code_name();
      EXPECT_TRUE(e.request_id().has_value());
      return e.request_id().value_or("");
    }
    ADD_FAILURE() << "the dropped create succeeded";
    return "";
  }

  static t_sandbox sb_;
  static bool started_;
  static std::string run_;
};

t_sandbox Sandbox::sb_;
bool Sandbox::started_ = false;
std::string Sandbox::run_;

TEST_F(Sandbox, CreateUpdateRead) {
  const pfhir::Client client(config());
  const pfhir::CreateResult created = client.create(bundle("CPP-CRU", "Garc\xc3\xad" "a"));
  EXPECT_GE(created.status, 200);
  EXPECT_LT(created.status, 300);
  EXPECT_EQ(created.attempts, 1u);
  ASSERT_FALSE(created.patient_id.empty());
  EXPECT_FALSE(created.bundle_id.empty());
  EXPECT_FALSE(created.request_id.empty());
  EXPECT_NE(created.bundle_json.find(created.patient_id), std::string::npos);

  const pfhir::UpdateResult updated =
      client.update(created.patient_id, bundle("CPP-CRU", "Updated", created.patient_id));
  EXPECT_GE(updated.status, 200);
  EXPECT_LT(updated.status, 300);
  EXPECT_FALSE(updated.request_id.empty());
  const pfhir::UpdateResult again = client.update(
      created.patient_id, bundle("CPP-CRU", "Updated", created.patient_id), "cpp-update-" + run_);
  EXPECT_EQ(again.request_id, "cpp-update-" + run_);

  const pfhir::ReadResult read = client.read(created.patient_id);
  EXPECT_EQ(read.status, 200);
  EXPECT_NE(read.patient_json.find("\"resourceType\":\"Patient\""), std::string::npos);
  EXPECT_NE(read.patient_json.find("Updated"), std::string::npos);
  EXPECT_EQ(client.connection_count(), 1u);  // one kept-alive connection
}

TEST_F(Sandbox, CreateWithRequestIdIsIdempotent) {
  const pfhir::Client client(config());
  const std::string body = bundle("CPP-RID", "Replay");
  const std::string rid = "cpp-create-" + run_;
  const pfhir::CreateResult first = client.create(body, rid);
  const pfhir::CreateResult second = client.create(body, rid);
  EXPECT_EQ(first.request_id, rid);
  EXPECT_EQ(first.patient_id, second.patient_id);
}

TEST_F(Sandbox, ServerErrorIsAnException) {
  const pfhir::Client client(config());
  client.create(bundle("CPP-DUP", "First"));
  const std::string rid = "cpp-dup-" + run_;
  try {
    client.create(bundle("CPP-DUP", "Second"), rid);
    FAIL() << "a duplicate identifier was accepted";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::ServerInvalid);
    EXPECT_EQ(e.code_name(), "server_invalid");
    EXPECT_EQ(e.http_status(), 409);
    ASSERT_TRUE(e.outcome_json().has_value());
    EXPECT_NE(e.outcome_json()->find("\"resourceType\":\"OperationOutcome\""), std::string::npos);
    EXPECT_NE(e.outcome_json()->find("duplicate identifier"), std::string::npos);
    EXPECT_EQ(e.request_id(), std::optional<std::string>(rid));
    EXPECT_FALSE(e.retry_safe());
    EXPECT_FALSE(e.may_have_been_processed());  // refused: the platform created nothing
    EXPECT_FALSE(e.message().empty());
    EXPECT_EQ(e.validation_outcome(), nullptr);
    EXPECT_EQ(e.tls_cause(), pfhir::TlsCause::None);
  }
}

TEST_F(Sandbox, NotFoundForbiddenAndLocalValidation) {
  const pfhir::Client client(config());
  try {
    client.read("no-such-patient");
    FAIL() << "no exception";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::NotFound);
    EXPECT_EQ(e.http_status(), 404);
    EXPECT_TRUE(e.request_id().has_value());
  }
  try {
    client.create("{\"resourceType\":\"Bundle\"}");
    FAIL() << "no exception";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::Validation);
    EXPECT_EQ(e.http_status(), 0);
    EXPECT_TRUE(e.outcome_json().has_value());
    EXPECT_FALSE(e.request_id().has_value());  // nothing was sent
    EXPECT_FALSE(e.may_have_been_processed());
    ASSERT_NE(e.validation_outcome(), nullptr);  // the findings, issue by issue
    EXPECT_TRUE(e.validation_outcome()->has_errors());
    EXPECT_FALSE(e.validation_outcome()->issues().empty());
  }
  pfhir::ClientConfig wrong = config();
  wrong.client_secret("wrong-secret").retry(1, std::chrono::milliseconds(0),
                                            std::chrono::milliseconds(0),
                                            std::chrono::milliseconds(0));
  const pfhir::Client refused(wrong);
  try {
    refused.read("anything");
    FAIL() << "no exception";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::Forbidden);
    EXPECT_EQ(e.http_status(), 403);
    EXPECT_FALSE(e.outcome_json().has_value());
  }
}

TEST_F(Sandbox, TlsAndRateLimitDetails) {
  // No CA: the sandbox's certificate is not trusted by the compiled-in Mozilla roots
  // (webpki-roots).
  pfhir::ClientConfig untrusted;
  untrusted.base_url(sb_.url)
      .cert_pem(std::string_view(sb_.cert_pem, sb_.cert_len))
      .key_pem(std::string_view(sb_.key_pem, sb_.key_len))
      .org_id("2.16.724.4.2")
      .client_id("1234567890")
      .client_secret("sandbox-secret")
      .retry(1, std::chrono::milliseconds(0), std::chrono::milliseconds(0),
             std::chrono::milliseconds(0));
  try {
    pfhir::Client(untrusted).read("anything");
    FAIL() << "no exception";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::Tls);
    EXPECT_EQ(e.tls_cause(), pfhir::TlsCause::UnknownCa);
  }
  // 429 with Retry-After (a fault rule pushed with curl).
  ASSERT_EQ(t_sandbox_curl(&sb_, "POST", "/_sandbox/faults",
                           R"({"method":"GET","pathPrefix":"Patient/cpp-rate","times":2,)"
                           R"("fault":{"kind":"status","status":429,"retryAfter":3}})"),
            0);
  pfhir::ClientConfig once = config();
  once.retry(1, std::chrono::milliseconds(0), std::chrono::milliseconds(0),
             std::chrono::milliseconds(0));
  try {
    pfhir::Client(once).read("cpp-rate");
    FAIL() << "no exception";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::RateLimited);
    EXPECT_EQ(e.http_status(), 429);
    EXPECT_EQ(e.retry_after(), std::chrono::seconds(3));
    EXPECT_TRUE(e.retry_safe());
  }
}

/// The connection drops after the sandbox processed the create: the outcome is unknown and
/// the patient may exist. (The sandbox de-duplicates by request id, so the same id replays the
/// answer here; the partner guide does not promise that of the platform.)
TEST_F(Sandbox, DroppedCreateMayHaveBeenProcessed) {
  pfhir::ClientConfig once = config();
  once.retry(1, std::chrono::milliseconds(0), std::chrono::milliseconds(0),
             std::chrono::milliseconds(0));
  const pfhir::Client client(once);
  const std::string body = bundle("CPP-DROP", "Dropped");
  ASSERT_EQ(t_sandbox_curl(&sb_, "POST", "/_sandbox/faults",
                           R"({"method":"POST","pathPrefix":"v2/Bundle","times":1,)"
                           R"("fault":{"kind":"dropAfterBody"}})"),
            0);
  std::string rid;
  try {
    client.create(body);
    FAIL() << "the dropped create succeeded";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::OutcomeUnknown);
    EXPECT_TRUE(e.may_have_been_processed());
    EXPECT_EQ(e.http_status(), 0);
    ASSERT_TRUE(e.request_id().has_value());
    rid = *e.request_id();
  }
  const pfhir::CreateResult replayed = client.create(body, rid);
  EXPECT_EQ(replayed.request_id, rid);
  EXPECT_EQ(client.read(replayed.patient_id).status, 200);
}

/// On v1 the safe way after an uncertain create: read Patient/{business id}.
TEST_F(Sandbox, DroppedV1CreateIsFoundByBusinessId) {
  pfhir::ClientConfig v1 = config();
  v1.api_version("v1").retry(1, std::chrono::milliseconds(0), std::chrono::milliseconds(0),
                             std::chrono::milliseconds(0));
  const pfhir::Client client(v1);
  const std::string body = bundle("CPP-DROP1", "DroppedV1");
  ASSERT_EQ(t_sandbox_curl(&sb_, "POST", "/_sandbox/faults",
                           R"({"method":"POST","pathPrefix":"Bundle","times":1,)"
                           R"("fault":{"kind":"dropAfterBody"}})"),
            0);
  try {
    client.create(body);
    FAIL() << "the dropped create succeeded";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::OutcomeUnknown);
    EXPECT_TRUE(e.may_have_been_processed());
  }
  const pfhir::ReadResult found = client.read("CPP-DROP1-" + run_);  // the business id
  EXPECT_EQ(found.status, 200);
  EXPECT_NE(found.patient_json.find("DroppedV1"), std::string::npos);
  try {
    client.create(body);  // a fresh request id: a second create, refused
    FAIL() << "a second create of the same patient was accepted";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::ServerInvalid);
    EXPECT_EQ(e.http_status(), 409);
    EXPECT_FALSE(e.may_have_been_processed());
  }
}

TEST_F(Sandbox, ServerAnswersMayHaveBeenProcessedOnlyForInternalErrors) {
  pfhir::ClientConfig once = config();
  once.retry(1, std::chrono::milliseconds(0), std::chrono::milliseconds(0),
             std::chrono::milliseconds(0));
  const pfhir::Client client(once);
  ASSERT_EQ(t_sandbox_curl(&sb_, "POST", "/_sandbox/faults",
                           R"([{"method":"POST","pathPrefix":"v2/Bundle","times":1,)"
                           R"("fault":{"kind":"status","status":400,"outcome":{"code":"structure"}}},)"
                           R"({"method":"POST","pathPrefix":"v2/Bundle","times":1,)"
                           R"("fault":{"kind":"status","status":500,"outcome":{"code":"exception"}}}])"),
            0);
  try {
    client.create(bundle("CPP-400", "Structure"));
    FAIL() << "no exception";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::ServerStructure);
    EXPECT_EQ(e.http_status(), 400);
    EXPECT_FALSE(e.may_have_been_processed());
  }
  try {
    client.create(bundle("CPP-500", "Exception"));
    FAIL() << "no exception";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::ServerException);
    EXPECT_TRUE(e.may_have_been_processed());
  }
}

/// v2 (the default): an update whose Bundle's Patient.id is not the id updated is refused
/// before anything is sent. A fault rule queued for the next PUT shows it: the rule is still
/// there for the first update that is sent.
TEST_F(Sandbox, UpdateWithAnotherPatientsBundleIsRefusedBeforeSending) {
  const pfhir::Client client(config());
  const std::string target = client.create(bundle("CPP-TGT", "Target")).patient_id;
  const std::string other = client.create(bundle("CPP-OTH", "Other")).patient_id;
  ASSERT_EQ(t_sandbox_curl(&sb_, "POST", "/_sandbox/faults",
                           R"({"method":"PUT","pathPrefix":"v2/Bundle","times":1,)"
                           R"("fault":{"kind":"status","status":418}})"),
            0);
  for (const std::string& wrong : {bundle("CPP-TGT", "Overwritten", other),
                                   bundle("CPP-TGT", "Overwritten")}) {
    try {
      client.update(target, wrong);
      FAIL() << "an update with another patient's Bundle was accepted";
    } catch (const pfhir::Error& e) {
      EXPECT_EQ(e.code(), pfhir::Code::UpdateTargetMismatch);
      EXPECT_EQ(e.code_name(), "update_target_mismatch");
      EXPECT_EQ(e.http_status(), 0);
      EXPECT_FALSE(e.request_id().has_value());  // nothing was sent
      EXPECT_FALSE(e.outcome_json().has_value());
      EXPECT_FALSE(e.retry_safe());
      EXPECT_FALSE(e.may_have_been_processed());
      EXPECT_NE(e.message().find("nothing was sent"), std::string::npos) << e.message();
      EXPECT_EQ(e.message().find(target), std::string::npos) << e.message();
      EXPECT_EQ(e.message().find(other), std::string::npos) << e.message();
    }
  }
  // The first update that is sent meets the queued fault: none was sent before it.
  try {
    client.update(target, bundle("CPP-TGT", "Updated", target));
    FAIL() << "the queued fault was already used";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::HttpStatus);
    EXPECT_EQ(e.http_status(), 418);
  }
  EXPECT_NE(client.read(target).patient_json.find("Target"), std::string::npos);
  EXPECT_NE(client.read(other).patient_json.find("Other"), std::string::npos);
}

/// (a) The sandbox de-duplicates by request id (its default): with ResendDeduplicating the
/// lost create is re-sent with its request id and its answer replayed: Created, with the
/// patient's id, and no second patient.
TEST_F(Sandbox, ResolveUncertainCreateResendsToADeduplicatingServer) {
  pfhir::ClientConfig cfg = once(config());
  cfg.uncertain_create(pfhir::UncertainPolicy::ResendDeduplicating);
  const pfhir::Client client(cfg);
  EXPECT_NE(admin("GET", "/_sandbox/settings").find("\"dedup\":true"), std::string::npos);
  const std::string body = bundle("CPP-RES", "Resolved");
  const long before = stat("patients");
  const std::string rid = lost_create(client, body, "v2/Bundle", "dropAfterBody");
  ASSERT_FALSE(rid.empty());
  EXPECT_EQ(stat("patients"), before + 1);  // it was processed
  const pfhir::UncertainCreate found = client.resolve_uncertain_create(body, rid);
  EXPECT_EQ(found.state, pfhir::CreateState::Created);
  ASSERT_FALSE(found.patient_id.empty());
  EXPECT_EQ(stat("patients"), before + 1);  // not created twice
  EXPECT_NE(client.read(found.patient_id).patient_json.find("Resolved"), std::string::npos);
}

/// (b) The default policy on v2 sends nothing: created, logical id unknown.
TEST_F(Sandbox, ResolveUncertainCreateByDefaultSendsNothingOnV2) {
  const pfhir::Client client(once(config()));
  const std::string body = bundle("CPP-ASK", "AskAPerson");
  const std::string rid = lost_create(client, body, "v2/Bundle", "dropAfterBody");
  const long requests = stat("requests");
  const pfhir::UncertainCreate found = client.resolve_uncertain_create(body, rid);
  EXPECT_EQ(found.state, pfhir::CreateState::CreatedIdUnknown);
  EXPECT_TRUE(found.patient_id.empty());
  EXPECT_EQ(stat("requests"), requests + 1);  // +1: this stats request only
}

/// (c) v1: the connection dropped before the sandbox read the create; Patient/{business id}
/// is 404: not created, and a new create is then safe.
TEST_F(Sandbox, ResolveUncertainCreateOnV1AfterDropBeforeBodyIsNotCreated) {
  pfhir::ClientConfig v1 = once(config());
  v1.api_version("v1");
  const pfhir::Client client(v1);
  const std::string body = bundle("CPP-NOT", "NotCreated");
  const long before = stat("patients");
  const std::string rid = lost_create(client, body, "Bundle", "dropBeforeBody");
  EXPECT_EQ(stat("patients"), before);
  const pfhir::UncertainCreate found = client.resolve_uncertain_create(body, rid);
  EXPECT_EQ(found.state, pfhir::CreateState::NotCreated);
  EXPECT_TRUE(found.patient_id.empty());
  EXPECT_EQ(client.create(body).patient_id, "CPP-NOT-" + run_);
  const pfhir::UncertainCreate now = client.resolve_uncertain_create(body, rid);
  EXPECT_EQ(now.state, pfhir::CreateState::Created);
  EXPECT_EQ(now.patient_id, "CPP-NOT-" + run_);  // the business id
}

/// ResendDuplicateStatus(409) against a server that does not de-duplicate: the re-send is a
/// second create of the identifier, refused with 409: created, id unknown. Dedup restored.
TEST_F(Sandbox, ResolveUncertainCreateReadsTheDuplicateStatusWithoutDedup) {
  pfhir::ClientConfig cfg = once(config());
  cfg.uncertain_create(pfhir::UncertainPolicy::ResendDuplicateStatus, 409);
  const pfhir::Client client(cfg);
  set_dedup(false);
  const std::string body = bundle("CPP-409", "Duplicate");
  const long before = stat("patients");
  const std::string rid = lost_create(client, body, "v2/Bundle", "dropAfterBody");
  pfhir::UncertainCreate found;
  try {
    found = client.resolve_uncertain_create(body, rid);
  } catch (const pfhir::Error& e) {
    ADD_FAILURE() << "resolve threw " << e.code_name();
  }
  set_dedup(true);
  EXPECT_EQ(found.state, pfhir::CreateState::CreatedIdUnknown);
  EXPECT_TRUE(found.patient_id.empty());
  EXPECT_EQ(stat("patients"), before + 1);
}

TEST_F(Sandbox, UncertainCreateSettingIsChecked) {
  pfhir::ClientConfig cfg;
  for (const std::uint16_t status : std::initializer_list<std::uint16_t>{0, 200, 399, 500}) {
    try {
      cfg.uncertain_create(pfhir::UncertainPolicy::ResendDuplicateStatus, status);
      FAIL() << "duplicate status " << status << " accepted";
    } catch (const pfhir::Error& e) {
      EXPECT_EQ(e.code(), pfhir::Code::InvalidArgument);
    }
  }
  try {
    cfg.uncertain_create(static_cast<pfhir::UncertainPolicy>(7));
    FAIL() << "an unknown policy was accepted";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::InvalidArgument);
  }
  cfg.uncertain_create(pfhir::UncertainPolicy::ResendDuplicateStatus, 409)
      .uncertain_create(pfhir::UncertainPolicy::AskAPerson);
  // A moved-from client holds nothing.
  pfhir::Client client(config());
  pfhir::Client moved(std::move(client));
  try {
    (void)client.resolve_uncertain_create(bundle("CPP-MV", "Moved"), "rid");
    FAIL() << "a moved-from client resolved";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::NullArgument);
  }
}

TEST_F(Sandbox, ConfigurationErrors) {
  try {
    pfhir::Client c{pfhir::ClientConfig()};
    FAIL() << "an empty configuration made a client";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::Config);
  }
  pfhir::ClientConfig cfg;
  try {
    cfg.content_type("text/plain");
    FAIL() << "no exception";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::InvalidArgument);
  }
  // The sandbox accepts both Content-Types the guide allows.
  pfhir::ClientConfig fhir_json = config();
  fhir_json.content_type("application/fhir+json");
  EXPECT_EQ(pfhir::Client(fhir_json).create(bundle("CPP-CT", "FhirJson")).status, 200);
  try {
    cfg.api_version("v3");
    FAIL() << "no exception";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::InvalidArgument);
  }
  // Validation options travel with the configuration (copied).
  pfhir::ValidatorOptions small;
  small.limits(256, 0);
  pfhir::ClientConfig limited = config();
  limited.validator_options(small);
  const pfhir::Client client(limited);
  try {
    client.create(bundle("CPP-OPT", "Options"));
    FAIL() << "no exception";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::Validation);
    EXPECT_NE(e.outcome_json().value_or("").find("too-long"), std::string::npos);
  }
}

TEST_F(Sandbox, OneClientFourThreads) {
  const pfhir::Client client(config());
  const std::string id = client.create(bundle("CPP-THR", "Threads")).patient_id;
  std::vector<int> ok(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 8; ++i) {
        try {
          if (client.read(id).patient_json.find(id) != std::string::npos) ok[t]++;
        } catch (const pfhir::Error&) {
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int n : ok) EXPECT_EQ(n, 8);
  EXPECT_LE(client.connection_count(), 5u);
}

}  // namespace
