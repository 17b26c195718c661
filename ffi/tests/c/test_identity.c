/*
 * Issue #12 items 5 and 6 through the C ABI, against a real `pfhir sandbox` over mutual TLS:
 *  - the client identity as a PKCS#12 file (OpenSSL 3's AES default and the legacy 3DES/RC2
 *    form), and as an encrypted PKCS#8 key with its password: a create succeeds with each;
 *  - a wrong password is PFHIR_CODE_WRONG_PASSWORD (never shown in the message); an
 *    encrypted key without a password is PFHIR_CODE_CONFIG;
 *  - the trust store: without ca_pem the sandbox's CA is unknown to the system store (the
 *    default) and to the Mozilla roots: PFHIR_CODE_TLS with PFHIR_TLS_CAUSE_UNKNOWN_CA; a bad
 *    store number is PFHIR_CODE_INVALID_ARGUMENT.
 * The PKCS#12 files and the encrypted key are made at run time from the sandbox's client
 * certificate with the `openssl` command (run.sh checks that it is installed).
 *
 * Usage: test_identity PFHIR_BIN
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pfhir.h"
#include "test_util.h"

#define U(s) (const uint8_t *)(s), (sizeof(s) - 1)
#define SV(s) (const uint8_t *)(s), strlen(s)

#define PASSWORD "c-test-pw-4711"
#define WRONG "c-wrong-pw-0815"

static t_sandbox sb;
static char g_run[32];

/* Runs an openssl command in the sandbox's folder; true when it succeeded. */
static bool openssl(const char *args) {
  char cmd[1024];
  snprintf(cmd, sizeof(cmd), "cd '%s' && openssl %s >/dev/null 2>&1", sb.dir, args);
  return CHECK_MSG(system(cmd) == 0, cmd);
}

static char *read_in_dir(const char *name, size_t *len) {
  char path[512];
  snprintf(path, sizeof(path), "%s/%s", sb.dir, name);
  char *data = t_read_file(path, len);
  CHECK_MSG(data != NULL, path);
  return data;
}

/* A configuration for the sandbox with the given CA (NULL: none) and no client identity. */
static pfhir_client_config *base_config(bool with_ca) {
  pfhir_client_config *cfg = NULL;
  if (!CHECK_OK(pfhir_client_config_new(&cfg))) {
    return NULL;
  }
  CHECK_OK(pfhir_client_config_set_base_url(cfg, SV(sb.url)));
  if (with_ca) {
    CHECK_OK(pfhir_client_config_set_ca_pem(cfg, (const uint8_t *)sb.ca_pem, sb.ca_len));
  }
  CHECK_OK(pfhir_client_config_set_org_id(cfg, U("2.16.724.4.2")));
  CHECK_OK(pfhir_client_config_set_client_id(cfg, U("1234567890")));
  CHECK_OK(pfhir_client_config_set_client_secret(cfg, U("sandbox-secret")));
  CHECK_OK(pfhir_client_config_set_retry(cfg, 1, 0, 0, 0));
  return cfg;
}

/* Makes a client from `cfg` (freed) and creates one patient with it. */
static void create_with(pfhir_client_config *cfg, const char *what) {
  pfhir_client *c = NULL;
  char id[96];
  if (cfg == NULL) {
    return;
  }
  if (CHECK_MSG(pfhir_client_new(cfg, &c) == NULL, what)) {
    snprintf(id, sizeof(id), "ID-%s-%s", g_run, what);
    for (char *p = id; *p != '\0'; p++) {
      if (*p == ' ') {
        *p = '-';
      }
    }
    pfhir_bytes bundle = t_make_bundle(id, "Identity", NULL);
    pfhir_create_result *cr = NULL;
    if (CHECK_OK(pfhir_client_create(c, bundle.data, bundle.len, &cr))) {
      uint16_t status = pfhir_create_result_status(cr);
      CHECK_MSG(status >= 200 && status < 300, what);
      CHECK_MSG(pfhir_create_result_patient_id(cr).len > 0, what);
      pfhir_create_result_free(cr);
    }
    pfhir_bytes_free(bundle);
    pfhir_client_free(c);
  }
  pfhir_client_config_free(cfg);
}

/* pfhir_client_new fails with `code`; the message never shows `secret`. */
static void refused_with(pfhir_client_config *cfg, uint32_t code, const char *secret,
                         const char *says) {
  pfhir_client *c = NULL;
  if (cfg == NULL) {
    return;
  }
  pfhir_error *err = pfhir_client_new(cfg, &c);
  CHECK(c == NULL);
  if (CHECK_MSG(err != NULL, says)) {
    pfhir_str m = pfhir_error_message(err);
    CHECK_MSG(m.data != NULL && strstr(m.data, says) != NULL, says);
    CHECK_MSG(m.data != NULL && strstr(m.data, secret) == NULL, "the message hides the password");
    CHECK_CODE(err, code);
  }
  pfhir_client_config_free(cfg);
}

static pfhir_client_config *with_pkcs12(const char *file, const char *password) {
  size_t len = 0;
  char *der = read_in_dir(file, &len);
  pfhir_client_config *cfg = base_config(true);
  if (der != NULL && cfg != NULL) {
    /* The PEM identity set first is replaced by the PKCS#12 one. */
    CHECK_OK(pfhir_client_config_set_cert_pem(cfg, (const uint8_t *)sb.cert_pem, sb.cert_len));
    CHECK_OK(pfhir_client_config_set_pkcs12(cfg, (const uint8_t *)der, len, SV(password)));
  }
  free(der);
  return cfg;
}

static pfhir_client_config *with_encrypted_key(const char *password) {
  size_t len = 0;
  char *key = read_in_dir("client-key-enc.pem", &len);
  pfhir_client_config *cfg = base_config(true);
  if (key != NULL && cfg != NULL) {
    CHECK_OK(pfhir_client_config_set_cert_pem(cfg, (const uint8_t *)sb.cert_pem, sb.cert_len));
    CHECK_OK(pfhir_client_config_set_key_pem(cfg, (const uint8_t *)key, len));
    if (password != NULL) {
      CHECK_OK(pfhir_client_config_set_key_password(cfg, SV(password)));
    }
  }
  free(key);
  return cfg;
}

static void test_identities(void) {
  if (!openssl("pkcs12 -export -in client.pem -inkey client-key.pem -certfile ca.pem"
               " -passout pass:" PASSWORD " -out client.p12") ||
      !openssl("pkcs12 -export -legacy -in client.pem -inkey client-key.pem"
               " -passout pass:" PASSWORD " -out client-legacy.p12") ||
      !openssl("pkcs8 -topk8 -v2 aes-256-cbc -in client-key.pem -passout pass:" PASSWORD
               " -out client-key-enc.pem")) {
    return;
  }
  create_with(with_pkcs12("client.p12", PASSWORD), "pkcs12 aes");
  create_with(with_pkcs12("client-legacy.p12", PASSWORD), "pkcs12 legacy");
  create_with(with_encrypted_key(PASSWORD), "encrypted pkcs8");

  refused_with(with_pkcs12("client.p12", WRONG), PFHIR_CODE_WRONG_PASSWORD, WRONG, "password");
  refused_with(with_pkcs12("client-legacy.p12", WRONG), PFHIR_CODE_WRONG_PASSWORD, WRONG,
               "password");
  refused_with(with_encrypted_key(WRONG), PFHIR_CODE_WRONG_PASSWORD, WRONG, "key_password");
  refused_with(with_encrypted_key(NULL), PFHIR_CODE_CONFIG, PASSWORD, "key_password");

  /* Setting the PEM identity after the PKCS#12 file replaces it (the wrong password of the
   * file no longer matters). */
  pfhir_client_config *cfg = with_pkcs12("client.p12", WRONG);
  if (cfg != NULL) {
    CHECK_OK(pfhir_client_config_set_cert_pem(cfg, (const uint8_t *)sb.cert_pem, sb.cert_len));
    CHECK_OK(pfhir_client_config_set_key_pem(cfg, (const uint8_t *)sb.key_pem, sb.key_len));
    create_with(cfg, "pem after pkcs12");
  }

  /* Arguments. */
  cfg = base_config(true);
  if (cfg != NULL) {
    CHECK_CODE(pfhir_client_config_set_pkcs12(NULL, U("x"), U("pw")), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_client_config_set_pkcs12(cfg, NULL, 3, U("pw")), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_client_config_set_pkcs12(cfg, U("x"), NULL, 2), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_client_config_set_pkcs12(cfg, U("x"), U("\xff")), PFHIR_CODE_INVALID_UTF8);
    CHECK_CODE(pfhir_client_config_set_pkcs12(cfg, NULL, 0, U("pw")),
               PFHIR_CODE_INVALID_ARGUMENT);
    CHECK_CODE(pfhir_client_config_set_key_password(NULL, U("pw")), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_client_config_set_key_password(cfg, U("\xff")), PFHIR_CODE_INVALID_UTF8);
    /* Not a PKCS#12 file: a configuration error. */
    CHECK_OK(pfhir_client_config_set_pkcs12(cfg, (const uint8_t *)sb.cert_pem, sb.cert_len,
                                            U("pw")));
    refused_with(cfg, PFHIR_CODE_CONFIG, "\x01", "pkcs12");
  }
}

/* Without ca_pem, the sandbox's CA is in neither the system store nor Mozilla's roots. */
static void test_trust_store(void) {
  const pfhir_trust_store stores[] = {PFHIR_TRUST_SYSTEM, PFHIR_TRUST_MOZILLA};
  for (size_t i = 0; i < 3; i++) {
    pfhir_client_config *cfg = base_config(false);
    pfhir_client *c = NULL;
    if (cfg == NULL) {
      continue;
    }
    CHECK_OK(pfhir_client_config_set_cert_pem(cfg, (const uint8_t *)sb.cert_pem, sb.cert_len));
    CHECK_OK(pfhir_client_config_set_key_pem(cfg, (const uint8_t *)sb.key_pem, sb.key_len));
    if (i < 2) { /* i == 2: the default, not set */
      CHECK_OK(pfhir_client_config_set_trust_store(cfg, stores[i]));
    }
    if (CHECK_OK(pfhir_client_new(cfg, &c))) {
      pfhir_read_result *rr = NULL;
      pfhir_error *err = pfhir_client_read(c, U("no-such-patient"), &rr);
      CHECK(rr == NULL);
      CHECK(pfhir_error_tls_cause(err) == PFHIR_TLS_CAUSE_UNKNOWN_CA);
      CHECK_CODE(err, PFHIR_CODE_TLS);
      pfhir_client_free(c);
    }
    pfhir_client_config_free(cfg);
  }
  /* ca_pem wins over the trust store: the sandbox is trusted. */
  pfhir_client_config *cfg = base_config(true);
  if (cfg != NULL) {
    CHECK_OK(pfhir_client_config_set_cert_pem(cfg, (const uint8_t *)sb.cert_pem, sb.cert_len));
    CHECK_OK(pfhir_client_config_set_key_pem(cfg, (const uint8_t *)sb.key_pem, sb.key_len));
    CHECK_OK(pfhir_client_config_set_trust_store(cfg, PFHIR_TRUST_MOZILLA));
    CHECK_CODE(pfhir_client_config_set_trust_store(cfg, 7), PFHIR_CODE_INVALID_ARGUMENT);
    CHECK_CODE(pfhir_client_config_set_trust_store(NULL, PFHIR_TRUST_SYSTEM),
               PFHIR_CODE_NULL_ARGUMENT);
    create_with(cfg, "ca_pem over mozilla");
  }
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s PFHIR_BIN\n", argv[0]);
    return 2;
  }
  snprintf(g_run, sizeof(g_run), "%ld-%ld", (long)getpid(), (long)time(NULL));
  if (!t_sandbox_start(&sb, argv[1])) {
    fprintf(stderr, "cannot start the sandbox with %s\n", argv[1]);
    return 1;
  }
  test_identities();
  test_trust_store();
  /* The files made here, so that the sandbox's folder can be removed. */
  const char *made[] = {"client.p12", "client-legacy.p12", "client-key-enc.pem"};
  for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++) {
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", sb.dir, made[i]);
    unlink(path);
  }
  t_sandbox_stop(&sb);
  return t_summary("test_identity");
}
