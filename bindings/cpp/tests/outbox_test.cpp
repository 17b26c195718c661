// pfhir::Outbox against a real `pfhir sandbox` over mutual TLS: a Bundle and an HL7 message
// submitted while the platform cannot be reached, the outbox closed and reopened, both
// delivered; a re-send; an update through the id map; refusals; an unknown id.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <string>
#include <thread>

#include <unistd.h>

#include "pfhir.hpp"
#include "support.hpp"
#include "test_util.h"

namespace {

class OutboxTest : public ::testing::Test {
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
    char tmpl[] = "/tmp/pfhir-cpp-outbox-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    const std::string cmd = "rm -rf '" + dir_ + "'";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
  }

  static pfhir::ClientConfig config(const std::string& url) {
    pfhir::ClientConfig c;
    c.base_url(url)
        .cert_pem(std::string_view(sb_.cert_pem, sb_.cert_len))
        .key_pem(std::string_view(sb_.key_pem, sb_.key_len))
        .ca_pem(std::string_view(sb_.ca_pem, sb_.ca_len))
        .org_id("2.16.724.4.2")
        .client_id("1234567890")
        .client_secret("sandbox-secret")
        .retry(1, std::chrono::milliseconds(0), std::chrono::milliseconds(0),
               std::chrono::milliseconds(0));
    return c;
  }
  static std::string bundle(const std::string& pid, const std::string& family,
                            const std::string& logical_id = "") {
    pfhir::Builder b;
    b.authority("cip")
        .patient_id(pid)
        .family_name(family)
        .gender("male")
        .birth_date("1975-06-16")
        .diabetes("type1")
        .organization_oid("2.16.724.4.2");
    if (!logical_id.empty()) b.patient_logical_id(logical_id);
    return b.build();
  }
  static std::string adt(const std::string& type, const std::string& event,
                         const std::string& ctrl, const std::string& pid) {
    return "MSH|^~\\&|HIS|HOSPITAL^2.16.724.4.2^ISO|PFHIR|PARTNER|20240315103000+0100||" + type +
           "|" + ctrl + "|P|2.5.1\rEVN|" + event + "|20240315103000\rPID|1||" + pid +
           "^^^CIP^JHN||GARCIA^MARIA||19750616|F\rDG1|1||E11^Type 2 diabetes mellitus^I10||20100501|F\r";
  }
  static pfhir::MessageStatus wait_state(const pfhir::Outbox& o, std::uint64_t id,
                                         pfhir::OutboxState state) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    for (;;) {
      pfhir::MessageStatus s = o.status(id);
      if (s.state == state || std::chrono::steady_clock::now() > deadline) return s;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  static t_sandbox sb_;
  static bool started_;
  static std::string run_;
  std::string dir_;
};

t_sandbox OutboxTest::sb_{};
bool OutboxTest::started_ = false;
std::string OutboxTest::run_;

TEST_F(OutboxTest, SubmittedWhileDownIsDeliveredAfterReopen) {
  const std::string pid1 = "CPO1-" + run_, pid2 = "CPO2-" + run_;
  const std::string b = bundle(pid1, "GARCIA");
  pfhir::Submission sb, sh;
  {
    pfhir::Outbox o(dir_, config("https://127.0.0.1:1/partners/fhir/stu3/api/"), nullptr, 1);
    sb = o.submit_bundle(b);
    EXPECT_EQ(sb.received, pfhir::Received::Stored);
    EXPECT_TRUE(sb.stored());
    EXPECT_TRUE(sb.ack.empty());
    sh = o.submit_hl7(adt("ADT^A04^ADT_A01", "A04", "CPP1", pid2));
    EXPECT_EQ(sh.received, pfhir::Received::Stored);
    EXPECT_NE(sh.ack.find("MSA|AA|CPP1"), std::string::npos) << sh.ack;
    const pfhir::MessageStatus w = wait_state(o, sb.id, pfhir::OutboxState::Waiting);
    EXPECT_EQ(w.state, pfhir::OutboxState::Waiting);
    EXPECT_FALSE(w.final());
    EXPECT_FALSE(w.logical_id.has_value());
    ASSERT_TRUE(w.detail.has_value());
    EXPECT_EQ(w.detail->find(pid1), std::string::npos);
  }  // closed by the destructor
  pfhir::Outbox o(dir_, config(sb_.url));
  const pfhir::MessageStatus d = wait_state(o, sb.id, pfhir::OutboxState::Delivered);
  ASSERT_EQ(d.state, pfhir::OutboxState::Delivered);
  EXPECT_TRUE(d.final());
  ASSERT_TRUE(d.logical_id.has_value());
  EXPECT_EQ(wait_state(o, sh.id, pfhir::OutboxState::Delivered).state,
            pfhir::OutboxState::Delivered);
  const pfhir::Submission again = o.submit_bundle(b);
  EXPECT_EQ(again.received, pfhir::Received::Duplicate);
  EXPECT_EQ(again.id, sb.id);
  const pfhir::Submission u =
      o.submit_bundle(bundle(pid1, "MARTIN", *d.logical_id), pfhir::OutboxKind::Update);
  EXPECT_EQ(wait_state(o, u.id, pfhir::OutboxState::Delivered).state,
            pfhir::OutboxState::Delivered);
  pfhir::Client client(config(sb_.url));
  EXPECT_NE(client.read(*d.logical_id).patient_json.find("MARTIN"), std::string::npos);
  o.close();
  o.close();
  EXPECT_EQ(o.get(), nullptr);
}

TEST_F(OutboxTest, RefusalsStoreNothing) {
  pfhir::Outbox o(dir_, config("https://127.0.0.1:1/partners/fhir/stu3/api/"));
  try {
    o.submit_bundle(R"({"resourceType":"Bundle","type":"message"})");
    FAIL() << "an invalid Bundle was accepted";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::Validation);
  }
  const pfhir::Submission r =
      o.submit_hl7(adt("ORU^R01^ORU_R01", "R01", "CPR1", "CPR-" + run_));
  EXPECT_EQ(r.received, pfhir::Received::Refused);
  EXPECT_FALSE(r.stored());
  EXPECT_EQ(r.id, 0u);
  EXPECT_NE(r.ack.find("MSA|AR|CPR1"), std::string::npos) << r.ack;
  try {
    (void)o.status(4242);
    FAIL() << "an unknown id has a status";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::NotFound);
  }
  pfhir::Hl7Options opts;
  opts.tz("+01:00");
  pfhir::Hl7Options moved = std::move(opts);
  EXPECT_THROW(pfhir::Outbox(dir_ + "/x", config(sb_.url), &opts), pfhir::Error);
  pfhir::Outbox with_options(dir_ + "/y", config(sb_.url), &moved, 1);
  EXPECT_NE(with_options.get(), nullptr);
}

}  // namespace
