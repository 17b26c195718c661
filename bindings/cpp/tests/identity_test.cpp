// Issue #12 items 5 and 6 in C++, against a real `pfhir sandbox` over mutual TLS: creates with
// a PKCS#12 identity (OpenSSL 3's AES default and the legacy 3DES/RC2 form) and with an
// encrypted PKCS#8 key; a wrong password throws Code::WrongPassword without showing it; the
// trust store: without ca_pem the sandbox's CA is unknown to the system store (the default)
// and to the Mozilla roots (Code::Tls, unknown CA). The PKCS#12 files and the encrypted key
// are made from the sandbox's client certificate with the `openssl` command at run time.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <string>

#include <unistd.h>

#include "pfhir.hpp"
#include "support.hpp"
#include "test_util.h"

namespace {

constexpr const char* kPassword = "cpp-test-pw-2024";
constexpr const char* kWrong = "cpp-wrong-pw-1999";

class Identity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    started_ = t_sandbox_start(&sb_, PFHIR_TEST_CLI);
    run_ = std::to_string(getpid()) + "-" + std::to_string(std::time(nullptr));
    if (!started_) return;
    made_ = openssl("pkcs12 -export -in client.pem -inkey client-key.pem -certfile ca.pem"
                    " -passout pass:" + std::string(kPassword) + " -out id.p12") &&
            openssl("pkcs12 -export -legacy -in client.pem -inkey client-key.pem"
                    " -passout pass:" + std::string(kPassword) + " -out id-legacy.p12") &&
            openssl("pkcs8 -topk8 -v2 aes-256-cbc -in client-key.pem -passout pass:" +
                    std::string(kPassword) + " -out id-key.pem");
  }
  static void TearDownTestSuite() {
    if (started_) {
      for (const char* f : {"id.p12", "id-legacy.p12", "id-key.pem"}) {
        std::remove((std::string(sb_.dir) + "/" + f).c_str());
      }
      t_sandbox_stop(&sb_);
    }
    started_ = false;
  }
  void SetUp() override {
    ASSERT_TRUE(started_) << "the sandbox did not start (" PFHIR_TEST_CLI " sandbox)";
    ASSERT_TRUE(made_) << "openssl could not make the PKCS#12 files (is openssl installed?)";
  }

  static bool openssl(const std::string& args) {
    const std::string cmd =
        "cd '" + std::string(sb_.dir) + "' && openssl " + args + " >/dev/null 2>&1";
    return std::system(cmd.c_str()) == 0;
  }
  static std::string file(const std::string& name) {
    return pfhir_test::read_file(std::string(sb_.dir) + "/" + name);
  }
  static std::string_view cert() { return {sb_.cert_pem, sb_.cert_len}; }
  static std::string_view key() { return {sb_.key_pem, sb_.key_len}; }

  /// Settings for the sandbox without a client identity; with its CA when `with_ca`.
  static pfhir::ClientConfig config(bool with_ca = true) {
    pfhir::ClientConfig c;
    c.base_url(sb_.url)
        .org_id("2.16.724.4.2")
        .client_id("1234567890")
        .client_secret("sandbox-secret")
        .retry(1, std::chrono::milliseconds(0), std::chrono::milliseconds(0),
               std::chrono::milliseconds(0));
    if (with_ca) c.ca_pem(std::string_view(sb_.ca_pem, sb_.ca_len));
    return c;
  }

  static void creates(const pfhir::ClientConfig& c, const std::string& what) {
    pfhir::Client client(c);
    pfhir::Builder b;
    b.authority("cip")
        .patient_id("ID-" + what + "-" + run_)
        .family_name("Identity")
        .gender("female")
        .birth_date("1980-01-02")
        .diabetes("type1")
        .organization_oid("2.16.724.4.2");
    const auto r = client.create(b.build());
    EXPECT_GE(r.status, 200) << what;
    EXPECT_LT(r.status, 300) << what;
    EXPECT_FALSE(r.patient_id.empty()) << what;
  }

  static void wrong_password(const pfhir::ClientConfig& c, const std::string& says) {
    try {
      pfhir::Client client(c);
      ADD_FAILURE() << "a wrong password was accepted (" << says << ")";
    } catch (const pfhir::Error& e) {
      EXPECT_EQ(e.code(), pfhir::Code::WrongPassword) << e.what();
      EXPECT_EQ(e.code_name(), "wrong_password");
      EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).find(kWrong), std::string::npos) << e.what();
    }
  }

  static inline t_sandbox sb_{};
  static inline bool started_ = false;
  static inline bool made_ = false;
  static inline std::string run_;
};

TEST_F(Identity, Pkcs12AesAndLegacyCreate) {
  auto c = config();
  c.pkcs12(file("id.p12"), kPassword);
  creates(c, "aes");
  auto legacy = config();
  legacy.cert_pem(cert()).pkcs12(file("id-legacy.p12"), kPassword);  // replaces the PEM
  creates(legacy, "legacy");
}

TEST_F(Identity, EncryptedKeyCreates) {
  auto c = config();
  c.cert_pem(cert()).key_pem(file("id-key.pem")).key_password(kPassword);
  creates(c, "pkcs8");
}

TEST_F(Identity, WrongPasswordsThrowWrongPassword) {
  auto c = config();
  c.pkcs12(file("id.p12"), kWrong);
  wrong_password(c, "pkcs12 password");
  auto legacy = config();
  legacy.pkcs12(file("id-legacy.p12"), kWrong);
  wrong_password(legacy, "pkcs12 password");
  auto k = config();
  k.cert_pem(cert()).key_pem(file("id-key.pem")).key_password(kWrong);
  wrong_password(k, "key_password");
  // No password for an encrypted key: a configuration error.
  auto none = config();
  none.cert_pem(cert()).key_pem(file("id-key.pem"));
  try {
    pfhir::Client client(none);
    ADD_FAILURE() << "an encrypted key without a password was accepted";
  } catch (const pfhir::Error& e) {
    EXPECT_EQ(e.code(), pfhir::Code::Config) << e.what();
  }
}

TEST_F(Identity, WithoutCaPemTheSandboxCaIsUnknown) {
  for (int i = 0; i < 3; i++) {
    auto c = config(false);
    c.cert_pem(cert()).key_pem(key());
    if (i == 1) c.trust_store(pfhir::TrustStore::System);
    if (i == 2) c.trust_store(pfhir::TrustStore::Mozilla);
    pfhir::Client client(c);
    try {
      client.read("no-such-patient");
      ADD_FAILURE() << "an unknown CA was trusted (" << i << ")";
    } catch (const pfhir::Error& e) {
      EXPECT_EQ(e.code(), pfhir::Code::Tls) << e.what();
      EXPECT_NE(std::string(e.what()).find("not signed by a trusted CA"), std::string::npos)
          << e.what();
    }
  }
  // ca_pem wins over the trust store.
  auto c = config(true);
  c.cert_pem(cert()).key_pem(key()).trust_store(pfhir::TrustStore::Mozilla);
  creates(c, "ca-pem");
  EXPECT_THROW(config().trust_store(static_cast<pfhir::TrustStore>(9)), pfhir::Error);
}

}  // namespace
