/*
 * The C ABI without a server: every function of pfhir.h that needs no client, with NULL
 * arguments (every pointer parameter of every function), invalid UTF-8, huge lengths,
 * out-of-range indices, `_free(NULL)`, out-parameters left alone on error, options,
 * validation, outcomes, building, and one validator shared by 4 threads.
 * (test_client.c does the same for the client functions, against the sandbox.)
 *
 * Usage: test_api REPO_ROOT
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pfhir.h"
#include "test_util.h"

/* A literal as (ptr, len). */
#define U(s) (const uint8_t *)(s), (sizeof(s) - 1)
/* Invalid UTF-8 (a lone continuation byte, then 0xFF). */
#define BAD U("ab\x80\xff")

static char *g_good_bundle;
static size_t g_good_len;

static const struct {
  uint32_t code;
  const char *name;
} CODES[] = {
    {PFHIR_CODE_OK, "ok"},
    {PFHIR_CODE_NULL_ARGUMENT, "null_argument"},
    {PFHIR_CODE_INVALID_UTF8, "invalid_utf8"},
    {PFHIR_CODE_INVALID_ARGUMENT, "invalid_argument"},
    {PFHIR_CODE_PANIC, "panic"},
    {PFHIR_CODE_INTERNAL, "internal"},
    {PFHIR_CODE_CONFIG, "config"},
    {PFHIR_CODE_INPUT, "input"},
    {PFHIR_CODE_JSON, "json"},
    {PFHIR_CODE_WRONG_PASSWORD, "wrong_password"},
    {PFHIR_CODE_VALIDATION, "validation"},
    {PFHIR_CODE_UPDATE_TARGET_MISMATCH, "update_target_mismatch"},
    {PFHIR_CODE_TLS, "tls"},
    {PFHIR_CODE_CONNECT, "connect"},
    {PFHIR_CODE_TIMEOUT, "timeout"},
    {PFHIR_CODE_OUTCOME_UNKNOWN, "outcome_unknown"},
    {PFHIR_CODE_SERVER_REQUIRED, "server_required"},
    {PFHIR_CODE_SERVER_STRUCTURE, "server_structure"},
    {PFHIR_CODE_SERVER_INVALID, "server_invalid"},
    {PFHIR_CODE_SERVER_TOO_LONG, "server_too_long"},
    {PFHIR_CODE_SERVER_TIMEOUT, "server_timeout"},
    {PFHIR_CODE_SERVER_EXCEPTION, "server_exception"},
    {PFHIR_CODE_FORBIDDEN, "forbidden"},
    {PFHIR_CODE_NOT_FOUND, "not_found"},
    {PFHIR_CODE_NOT_SUPPORTED, "not_supported"},
    {PFHIR_CODE_RATE_LIMITED, "rate_limited"},
    {PFHIR_CODE_UNAVAILABLE, "unavailable"},
    {PFHIR_CODE_HTTP_STATUS, "http_status"},
    {PFHIR_CODE_INVALID_RESPONSE, "invalid_response"},
};

static void test_version_and_codes(void) {
  size_t i;
  uint32_t n;
  int known = 0;
  CHECK(strcmp(pfhir_version(), PFHIR_VERSION_STRING) == 0);
  CHECK(pfhir_version() == pfhir_version()); /* static */
  for (i = 0; i < sizeof(CODES) / sizeof(CODES[0]); i++) {
    CHECK_MSG(t_str_eq(pfhir_code_name(CODES[i].code), CODES[i].name), CODES[i].name);
  }
  /* Every number without a code reads as {NULL, 0}. */
  for (n = 0; n < 200; n++) {
    if (!t_str_null(pfhir_code_name(n))) {
      known++;
    }
  }
  CHECK(known == (int)(sizeof(CODES) / sizeof(CODES[0])));
  CHECK(t_str_null(pfhir_code_name(UINT32_MAX)));
}

/* NULL in every pointer parameter of the functions that need no client. */
static void test_null_arguments(void) {
  pfhir_bytes out = {(uint8_t *)"sentinel", 8};
  pfhir_builder *b = NULL;
  pfhir_validator_options *opts = NULL;
  pfhir_validator *v = NULL;
  pfhir_outcome *o = NULL;
  pfhir_client_config *cfg = NULL;
  pfhir_client *client = (pfhir_client *)(uintptr_t)1; /* never dereferenced */
  pfhir_create_result *cr = (pfhir_create_result *)(uintptr_t)1;
  pfhir_update_result *ur = (pfhir_update_result *)(uintptr_t)1;
  pfhir_read_result *rr = (pfhir_read_result *)(uintptr_t)1;

  /* _free(NULL) is a no-op for every type; so is an empty buffer. */
  pfhir_builder_free(NULL);
  pfhir_client_config_free(NULL);
  pfhir_client_free(NULL);
  pfhir_create_result_free(NULL);
  pfhir_update_result_free(NULL);
  pfhir_read_result_free(NULL);
  pfhir_error_free(NULL);
  pfhir_validator_options_free(NULL);
  pfhir_validator_free(NULL);
  pfhir_outcome_free(NULL);
  {
    pfhir_bytes empty = {NULL, 0};
    pfhir_bytes empty5 = {NULL, 5};
    pfhir_bytes_free(empty);
    pfhir_bytes_free(empty5);
  }
  CHECK_MSG(true, "every _free(NULL) returned");

  /* build */
  CHECK_CODE(pfhir_build_bundle(NULL, 5, &out), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_build_bundle(U("{}"), NULL), PFHIR_CODE_NULL_ARGUMENT);
  CHECK(out.data != NULL && strcmp((const char *)out.data, "sentinel") == 0 && out.len == 8);
  CHECK_CODE(pfhir_builder_new(NULL), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_authority(NULL, U("cip")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_patient_id(NULL, U("x")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_family_name(NULL, U("x")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_given_name(NULL, U("x")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_gender(NULL, U("x")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_birth_date(NULL, U("x")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_phone(NULL, U("1"), U("home")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_email(NULL, U("x")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_diabetes(NULL, U("x")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_onset(NULL, U("x")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_active(NULL, true), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_condition(NULL, U("http://snomed.info/sct"), U("44054006"), NULL, 0),
             PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_clinical_status(NULL, U("active")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_organization_oid(NULL, U("x")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_software(NULL, U("x"), U("1")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_patient_logical_id(NULL, U("x")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_timestamp(NULL, U("x")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_build(NULL, &out), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_to_json(NULL, &out), PFHIR_CODE_NULL_ARGUMENT);
  if (CHECK_OK(pfhir_builder_new(&b))) {
    CHECK_CODE(pfhir_builder_set_authority(b, NULL, 3), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_builder_set_patient_id(b, NULL, 3), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_builder_set_family_name(b, NULL, 3), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_builder_add_given_name(b, NULL, 3), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_builder_set_gender(b, NULL, 3), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_builder_set_birth_date(b, NULL, 3), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_builder_add_phone(b, NULL, 3, U("home")), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_builder_add_phone(b, U("1"), NULL, 3), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_builder_set_email(b, NULL, 3), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_builder_set_diabetes(b, NULL, 3), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_builder_set_onset(b, NULL, 3), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_builder_set_condition(b, NULL, 3, U("1"), NULL, 0), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_builder_set_condition(b, U("s"), NULL, 3, NULL, 0), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_builder_set_condition(b, U("s"), U("c"), NULL, 3), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_builder_set_clinical_status(b, NULL, 3), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_builder_set_organization_oid(b, NULL, 3), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_builder_set_software(b, NULL, 3, U("1")), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_builder_set_software(b, U("x"), NULL, 3), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_builder_set_patient_logical_id(b, NULL, 3), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_builder_set_timestamp(b, NULL, 3), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_builder_build(b, NULL), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_builder_to_json(b, NULL), PFHIR_CODE_NULL_ARGUMENT);
    /* (NULL, 0) is the empty text: accepted by the setter, refused by the build. */
    CHECK_OK(pfhir_builder_add_phone(b, U("600000000"), NULL, 0));
    pfhir_builder_free(b);
  }

  /* client configuration and client (the calls with a live client are in test_client.c) */
  CHECK_CODE(pfhir_client_config_new(NULL), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_client_config_set_base_url(NULL, U("https://x/")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_client_config_set_api_version(NULL, U("v2")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_client_config_set_org_id(NULL, U("1.2")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_client_config_set_client_id(NULL, U("1")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_client_config_set_client_secret(NULL, U("s")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_client_config_set_cert_pem(NULL, U("pem")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_client_config_set_key_pem(NULL, U("pem")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_client_config_set_ca_pem(NULL, U("pem")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_client_config_set_timeouts(NULL, 1000, 1000), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_client_config_set_retry(NULL, 1, 0, 0, 0), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_client_new(NULL, &client), PFHIR_CODE_NULL_ARGUMENT);
  CHECK(client == (pfhir_client *)(uintptr_t)1);
  if (CHECK_OK(pfhir_client_config_new(&cfg))) {
    CHECK_CODE(pfhir_client_config_set_base_url(cfg, NULL, 3), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_client_config_set_api_version(cfg, NULL, 3), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_client_config_set_org_id(cfg, NULL, 3), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_client_config_set_client_id(cfg, NULL, 3), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_client_config_set_client_secret(cfg, NULL, 3), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_client_config_set_cert_pem(cfg, NULL, 3), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_client_config_set_key_pem(cfg, NULL, 3), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_client_config_set_ca_pem(cfg, NULL, 3), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_client_config_set_validator_options(cfg, NULL), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_client_new(cfg, NULL), PFHIR_CODE_NULL_ARGUMENT);
    if (CHECK_OK(pfhir_validator_options_new(&opts))) {
      CHECK_CODE(pfhir_client_config_set_validator_options(NULL, opts), PFHIR_CODE_NULL_ARGUMENT);
      pfhir_validator_options_free(opts);
      opts = NULL;
    }
    pfhir_client_config_free(cfg);
    cfg = NULL;
  }
  /* With a NULL client every request is refused before anything else is looked at. */
  CHECK_CODE(pfhir_client_create(NULL, U("{}"), &cr), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_client_create_with_request_id(NULL, U("{}"), U("r"), &cr),
             PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_client_update(NULL, U("id"), U("{}"), &ur), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_client_update_with_request_id(NULL, U("id"), U("{}"), U("r"), &ur),
             PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_client_read(NULL, U("id"), &rr), PFHIR_CODE_NULL_ARGUMENT);
  CHECK(cr == (pfhir_create_result *)(uintptr_t)1 && ur == (pfhir_update_result *)(uintptr_t)1 &&
        rr == (pfhir_read_result *)(uintptr_t)1);
  CHECK(pfhir_client_connection_count(NULL) == 0);
  /* Result accessors read NULL as neutral values. */
  CHECK(t_str_null(pfhir_create_result_patient_id(NULL)));
  CHECK(t_str_null(pfhir_create_result_bundle_id(NULL)));
  CHECK(t_str_null(pfhir_create_result_request_id(NULL)));
  CHECK(t_str_null(pfhir_create_result_bundle_json(NULL)));
  CHECK(pfhir_create_result_status(NULL) == 0);
  CHECK(pfhir_create_result_attempts(NULL) == 0);
  CHECK(t_str_null(pfhir_update_result_request_id(NULL)));
  CHECK(pfhir_update_result_status(NULL) == 0);
  CHECK(pfhir_update_result_attempts(NULL) == 0);
  CHECK(t_str_null(pfhir_read_result_patient_json(NULL)));
  CHECK(t_str_null(pfhir_read_result_request_id(NULL)));
  CHECK(pfhir_read_result_status(NULL) == 0);
  CHECK(pfhir_read_result_attempts(NULL) == 0);

  /* error accessors: NULL is "no error" */
  CHECK(pfhir_error_code(NULL) == PFHIR_CODE_OK);
  CHECK(t_str_null(pfhir_error_message(NULL)));
  CHECK(pfhir_error_http_status(NULL) == 0);
  CHECK(t_str_null(pfhir_error_outcome_json(NULL)));
  CHECK(t_str_null(pfhir_error_request_id(NULL)));
  CHECK(t_str_null(pfhir_error_body(NULL)));
  CHECK(!pfhir_error_retry_safe(NULL));
  CHECK(!pfhir_error_may_have_been_processed(NULL));
  CHECK(pfhir_error_field_count(NULL) == 0);
  CHECK(t_str_null(pfhir_error_field_name(NULL, 0)));
  CHECK(t_str_null(pfhir_error_field_message(NULL, 0)));
  CHECK(pfhir_error_tls_cause(NULL) == PFHIR_TLS_CAUSE_NONE);
  CHECK(pfhir_error_retry_after_ms(NULL) == 0);
  {
    pfhir_outcome *eo = (pfhir_outcome *)(uintptr_t)1;
    pfhir_error *some = pfhir_builder_new(NULL); /* a live error to ask about */
    CHECK_CODE(pfhir_error_outcome(NULL, &eo), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_error_outcome(some, NULL), PFHIR_CODE_NULL_ARGUMENT);
    /* Only validation errors have an outcome. */
    CHECK_CODE(pfhir_error_outcome(some, &eo), PFHIR_CODE_INVALID_ARGUMENT);
    CHECK(eo == (pfhir_outcome *)(uintptr_t)1);
    CHECK(pfhir_error_tls_cause(some) == PFHIR_TLS_CAUSE_NONE);
    CHECK(pfhir_error_retry_after_ms(some) == 0);
    pfhir_error_free(some);
  }

  /* validator options, validator, validate */
  CHECK_CODE(pfhir_validator_options_new(NULL), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_validator_options_set_profile(NULL, PFHIR_PROFILE_BASE),
             PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_validator_options_set_rule(NULL, U("partner-bundle"), U("off")),
             PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_validator_options_add_authority(NULL, U("urn:oid:1.2")),
             PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_validator_options_set_limits(NULL, 512, 8), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_validator_options_set_include_values(NULL, true), PFHIR_CODE_NULL_ARGUMENT);
  if (CHECK_OK(pfhir_validator_options_new(&opts))) {
    CHECK_CODE(pfhir_validator_options_set_rule(opts, NULL, 3, U("off")),
               PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_validator_options_set_rule(opts, U("partner-bundle"), NULL, 3),
               PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_validator_options_add_authority(opts, NULL, 3), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_validator_new(opts, NULL), PFHIR_CODE_NULL_ARGUMENT);
    pfhir_validator_options_free(opts);
    opts = NULL;
  }
  CHECK_CODE(pfhir_validate(NULL, U("{}"), &o), PFHIR_CODE_NULL_ARGUMENT);
  CHECK(pfhir_validator_max_bytes(NULL) == 0);
  CHECK(o == NULL);
  if (CHECK_OK(pfhir_validator_new(NULL, &v))) {
    CHECK_CODE(pfhir_validate(v, NULL, 5, &o), PFHIR_CODE_NULL_ARGUMENT);
    CHECK_CODE(pfhir_validate(v, U("{}"), NULL), PFHIR_CODE_NULL_ARGUMENT);
    CHECK(o == NULL);
    pfhir_validator_free(v);
  }
  /* outcome accessors: NULL is an outcome without issues */
  CHECK(!pfhir_outcome_has_errors(NULL));
  CHECK(pfhir_outcome_issue_count(NULL) == 0);
  CHECK(pfhir_outcome_issue_severity(NULL, 0) == 0);
  CHECK(t_str_null(pfhir_outcome_issue_code(NULL, 0)));
  CHECK(t_str_null(pfhir_outcome_issue_message_id(NULL, 0)));
  CHECK(t_str_null(pfhir_outcome_issue_key(NULL, 0)));
  CHECK(t_str_null(pfhir_outcome_issue_expression(NULL, 0)));
  CHECK(pfhir_outcome_issue_line(NULL, 0) == 0);
  CHECK(pfhir_outcome_issue_column(NULL, 0) == 0);
  CHECK(t_str_null(pfhir_outcome_issue_message(NULL, 0)));
  CHECK_CODE(pfhir_outcome_to_json(NULL, &out), PFHIR_CODE_NULL_ARGUMENT);
  CHECK(out.len == 8);
}

/* Invalid UTF-8 in every text argument that must be UTF-8 (documents are not checked). */
static void test_invalid_utf8(void) {
  pfhir_builder *b = NULL;
  pfhir_client_config *cfg = NULL;
  pfhir_validator_options *opts = NULL;
  if (CHECK_OK(pfhir_builder_new(&b))) {
    CHECK_CODE(pfhir_builder_set_authority(b, BAD), PFHIR_CODE_INVALID_UTF8);
    CHECK_CODE(pfhir_builder_set_patient_id(b, BAD), PFHIR_CODE_INVALID_UTF8);
    CHECK_CODE(pfhir_builder_set_family_name(b, BAD), PFHIR_CODE_INVALID_UTF8);
    CHECK_CODE(pfhir_builder_add_given_name(b, BAD), PFHIR_CODE_INVALID_UTF8);
    CHECK_CODE(pfhir_builder_set_gender(b, BAD), PFHIR_CODE_INVALID_UTF8);
    CHECK_CODE(pfhir_builder_set_birth_date(b, BAD), PFHIR_CODE_INVALID_UTF8);
    CHECK_CODE(pfhir_builder_add_phone(b, BAD, U("home")), PFHIR_CODE_INVALID_UTF8);
    CHECK_CODE(pfhir_builder_add_phone(b, U("600000000"), BAD), PFHIR_CODE_INVALID_UTF8);
    CHECK_CODE(pfhir_builder_set_email(b, BAD), PFHIR_CODE_INVALID_UTF8);
    CHECK_CODE(pfhir_builder_set_diabetes(b, BAD), PFHIR_CODE_INVALID_UTF8);
    CHECK_CODE(pfhir_builder_set_onset(b, BAD), PFHIR_CODE_INVALID_UTF8);
    CHECK_CODE(pfhir_builder_set_condition(b, BAD, U("1"), NULL, 0), PFHIR_CODE_INVALID_UTF8);
    CHECK_CODE(pfhir_builder_set_condition(b, U("urn:x"), BAD, NULL, 0), PFHIR_CODE_INVALID_UTF8);
    CHECK_CODE(pfhir_builder_set_condition(b, U("urn:x"), U("1"), BAD), PFHIR_CODE_INVALID_UTF8);
    CHECK_CODE(pfhir_builder_set_clinical_status(b, BAD), PFHIR_CODE_INVALID_UTF8);
    CHECK_CODE(pfhir_builder_set_organization_oid(b, BAD), PFHIR_CODE_INVALID_UTF8);
    CHECK_CODE(pfhir_builder_set_software(b, BAD, U("1")), PFHIR_CODE_INVALID_UTF8);
    CHECK_CODE(pfhir_builder_set_software(b, U("x"), BAD), PFHIR_CODE_INVALID_UTF8);
    CHECK_CODE(pfhir_builder_set_patient_logical_id(b, BAD), PFHIR_CODE_INVALID_UTF8);
    CHECK_CODE(pfhir_builder_set_timestamp(b, BAD), PFHIR_CODE_INVALID_UTF8);
    {
      /* Nothing was set by the refused calls: the builder is still empty. */
      pfhir_bytes json = {NULL, 0};
      if (CHECK_OK(pfhir_builder_to_json(b, &json))) {
        CHECK(strstr((const char *)json.data, "ab") == NULL);
        pfhir_bytes_free(json);
      }
    }
    pfhir_builder_free(b);
  }
  if (CHECK_OK(pfhir_client_config_new(&cfg))) {
    CHECK_CODE(pfhir_client_config_set_base_url(cfg, BAD), PFHIR_CODE_INVALID_UTF8);
    CHECK_CODE(pfhir_client_config_set_api_version(cfg, BAD), PFHIR_CODE_INVALID_UTF8);
    CHECK_CODE(pfhir_client_config_set_org_id(cfg, BAD), PFHIR_CODE_INVALID_UTF8);
    CHECK_CODE(pfhir_client_config_set_client_id(cfg, BAD), PFHIR_CODE_INVALID_UTF8);
    CHECK_CODE(pfhir_client_config_set_client_secret(cfg, BAD), PFHIR_CODE_INVALID_UTF8);
    CHECK_CODE(pfhir_client_config_set_cert_pem(cfg, BAD), PFHIR_CODE_INVALID_UTF8);
    CHECK_CODE(pfhir_client_config_set_key_pem(cfg, BAD), PFHIR_CODE_INVALID_UTF8);
    CHECK_CODE(pfhir_client_config_set_ca_pem(cfg, BAD), PFHIR_CODE_INVALID_UTF8);
    pfhir_client_config_free(cfg);
  }
  if (CHECK_OK(pfhir_validator_options_new(&opts))) {
    CHECK_CODE(pfhir_validator_options_set_rule(opts, BAD, U("off")), PFHIR_CODE_INVALID_UTF8);
    CHECK_CODE(pfhir_validator_options_set_rule(opts, U("partner-bundle"), BAD),
               PFHIR_CODE_INVALID_UTF8);
    CHECK_CODE(pfhir_validator_options_add_authority(opts, BAD), PFHIR_CODE_INVALID_UTF8);
    pfhir_validator_options_free(opts);
  }
  {
    /* A PatientInput document that is not UTF-8 cannot be read as JSON. */
    pfhir_bytes out = {NULL, 0};
    pfhir_error *err = pfhir_build_bundle(U("{\"authority\":\"\xff\"}"), &out);
    CHECK(pfhir_error_code(err) == PFHIR_CODE_JSON);
    CHECK(pfhir_error_field_count(err) == 0);
    pfhir_error_free(err);
    CHECK(out.data == NULL);
  }
}

static void check_too_long(pfhir_outcome *o, const char *what) {
  pfhir_bytes json = {NULL, 0};
  CHECK_MSG(pfhir_outcome_issue_count(o) == 1, what);
  CHECK_MSG(pfhir_outcome_has_errors(o), what);
  CHECK_MSG(pfhir_outcome_issue_severity(o, 0) == PFHIR_SEVERITY_FATAL, what);
  CHECK_MSG(t_str_eq(pfhir_outcome_issue_code(o, 0), "too-long"), what);
  CHECK_MSG(t_str_eq(pfhir_outcome_issue_message_id(o, 0), "PFHIR-V0101"), what);
  CHECK_MSG(t_str_null(pfhir_outcome_issue_key(o, 0)), what);
  CHECK_MSG(pfhir_outcome_issue_expression(o, 0).len == 0, what);
  CHECK_MSG(pfhir_outcome_issue_line(o, 0) == 1 && pfhir_outcome_issue_column(o, 0) == 1, what);
  if (CHECK_OK(pfhir_outcome_to_json(o, &json))) {
    CHECK_MSG(strstr((const char *)json.data, "\"code\":\"too-long\"") != NULL, what);
    pfhir_bytes_free(json);
  }
}

static void test_validation(void) {
  pfhir_validator *v = NULL;
  pfhir_validator *base = NULL;
  pfhir_validator_options *opts = NULL;
  pfhir_outcome *o = NULL;
  static const char bad_patient[] =
      "{\n  \"resourceType\": \"Patient\",\n  \"gender\": \"zzqq\",\n"
      "  \"birthDate\": \"1975-13-01\"\n}\n";
  size_t i, n;

  if (!CHECK_OK(pfhir_validator_new(NULL, &v))) {
    return;
  }
  /* The partner example Bundle is valid. */
  if (CHECK_OK(pfhir_validate(v, (const uint8_t *)g_good_bundle, g_good_len, &o))) {
    pfhir_bytes json = {NULL, 0};
    CHECK(!pfhir_outcome_has_errors(o));
    CHECK(pfhir_outcome_issue_count(o) == 0);
    if (CHECK_OK(pfhir_outcome_to_json(o, &json))) {
      CHECK(strncmp((const char *)json.data, "{\"resourceType\":\"OperationOutcome\"", 34) == 0);
      CHECK(json.data[json.len] == '\0' && strlen((const char *)json.data) == json.len);
      pfhir_bytes_free(json);
    }
    pfhir_outcome_free(o);
    o = NULL;
  }

  /* A bare Patient: partner-bundle, the bad gender and the bad date, in document order. */
  if (CHECK_OK(pfhir_validate(v, U(bad_patient), &o))) {
    bool saw_gender = false, saw_date = false, saw_partner = false;
    pfhir_bytes json = {NULL, 0};
    CHECK(pfhir_outcome_has_errors(o));
    n = pfhir_outcome_issue_count(o);
    CHECK(n >= 3);
    for (i = 0; i < n; i++) {
      pfhir_str expr = pfhir_outcome_issue_expression(o, i);
      pfhir_str msg = pfhir_outcome_issue_message(o, i);
      pfhir_str id = pfhir_outcome_issue_message_id(o, i);
      uint32_t sev = pfhir_outcome_issue_severity(o, i);
      CHECK(sev >= PFHIR_SEVERITY_FATAL && sev <= PFHIR_SEVERITY_INFORMATION);
      CHECK(id.len == 11 && strncmp(id.data, "PFHIR-V", 7) == 0 && id.data[11] == '\0');
      CHECK(msg.len > 0 && msg.data[msg.len] == '\0');
      CHECK(!t_str_has(msg, "zzqq")); /* no patient value in messages by default */
      CHECK(pfhir_outcome_issue_line(o, i) >= 1 && pfhir_outcome_issue_column(o, i) >= 1);
      CHECK(expr.data != NULL && expr.data[expr.len] == '\0');
      if (t_str_eq(expr, "Patient.gender")) {
        saw_gender = true;
        CHECK(t_str_eq(pfhir_outcome_issue_code(o, i), "invalid"));
        CHECK(sev == PFHIR_SEVERITY_ERROR);
        CHECK(pfhir_outcome_issue_line(o, i) == 3 && pfhir_outcome_issue_column(o, i) == 13);
      }
      if (t_str_eq(expr, "Patient.birthDate")) {
        saw_date = true;
        CHECK(pfhir_outcome_issue_line(o, i) == 4);
      }
      if (t_str_eq(pfhir_outcome_issue_key(o, i), "partner-bundle")) {
        saw_partner = true;
        CHECK(t_str_eq(expr, "Patient"));
      }
    }
    CHECK(saw_gender && saw_date && saw_partner);
    /* Out of range: neutral values. */
    CHECK(pfhir_outcome_issue_severity(o, n) == 0);
    CHECK(t_str_null(pfhir_outcome_issue_code(o, n)));
    CHECK(t_str_null(pfhir_outcome_issue_message_id(o, n)));
    CHECK(t_str_null(pfhir_outcome_issue_key(o, n)));
    CHECK(t_str_null(pfhir_outcome_issue_expression(o, n)));
    CHECK(pfhir_outcome_issue_line(o, n) == 0);
    CHECK(pfhir_outcome_issue_column(o, n) == 0);
    CHECK(t_str_null(pfhir_outcome_issue_message(o, n)));
    CHECK(t_str_null(pfhir_outcome_issue_message(o, SIZE_MAX)));
    CHECK(pfhir_outcome_issue_severity(o, SIZE_MAX) == 0);
    if (CHECK_OK(pfhir_outcome_to_json(o, &json))) {
      CHECK(strstr((const char *)json.data, "Patient.gender") != NULL);
      CHECK(strstr((const char *)json.data, "operationoutcome-issue-line") != NULL);
      pfhir_bytes_free(json);
    }
    /* The outcome outlives the validator. */
    pfhir_validator_free(v);
    v = NULL;
    CHECK(pfhir_outcome_issue_count(o) == n);
    pfhir_outcome_free(o);
    o = NULL;
  }
  if (!CHECK_OK(pfhir_validator_new(NULL, &v))) {
    return;
  }
  CHECK(pfhir_validator_max_bytes(v) == 1024 * 1024); /* the default limit */

  /* SIZE_MAX: the too-long outcome, without reading (the buffer has 1 byte, or none). */
  {
    static const uint8_t one[1] = {'{'};
    if (CHECK_OK(pfhir_validate(v, one, SIZE_MAX, &o))) {
      check_too_long(o, "SIZE_MAX with a 1-byte buffer");
      pfhir_outcome_free(o);
    }
    if (CHECK_OK(pfhir_validate(v, NULL, SIZE_MAX, &o))) {
      check_too_long(o, "SIZE_MAX with NULL");
      pfhir_outcome_free(o);
    }
  }
  /* One byte over the default 1 MiB limit, with a 16-byte heap buffer: the sanitizers and
   * valgrind would see a read past it. */
  {
    uint8_t *small = (uint8_t *)malloc(16);
    memcpy(small, "{\"resourceType\":", 16);
    if (CHECK_OK(pfhir_validate(v, small, 1024 * 1024 + 1, &o))) {
      check_too_long(o, "1 MiB + 1 with a 16-byte buffer");
      pfhir_outcome_free(o);
    }
    free(small);
  }
  /* (NULL, 0) is the empty document: a finding, not an error. */
  if (CHECK_OK(pfhir_validate(v, NULL, 0, &o))) {
    CHECK(pfhir_outcome_has_errors(o));
    CHECK(pfhir_outcome_issue_count(o) == 1);
    CHECK(pfhir_outcome_issue_severity(o, 0) == PFHIR_SEVERITY_FATAL);
    pfhir_outcome_free(o);
  }
  /* Invalid UTF-8 in a document is a finding too. */
  if (CHECK_OK(pfhir_validate(v, U("{\"resourceType\":\"Patient\",\"gender\":\"\xff\"}"), &o))) {
    CHECK(pfhir_outcome_has_errors(o));
    CHECK(pfhir_outcome_issue_severity(o, 0) == PFHIR_SEVERITY_FATAL);
    CHECK(t_str_eq(pfhir_outcome_issue_code(o, 0), "structure"));
    pfhir_outcome_free(o);
  }
  /* A document with a NUL byte inside is read as bytes, not as a C string. */
  if (CHECK_OK(pfhir_validate(v, U("{\"resourceType\":\"Pat\0ient\"}"), &o))) {
    CHECK(pfhir_outcome_has_errors(o));
    pfhir_outcome_free(o);
  }

  /* Options. */
  if (CHECK_OK(pfhir_validator_options_new(&opts))) {
    pfhir_validator *v2 = NULL;
    CHECK_CODE(pfhir_validator_options_set_profile(opts, 2), PFHIR_CODE_INVALID_ARGUMENT);
    CHECK_CODE(pfhir_validator_options_set_profile(opts, UINT32_MAX),
               PFHIR_CODE_INVALID_ARGUMENT);
    CHECK_CODE(pfhir_validator_options_set_rule(opts, U("no-such-rule"), U("off")),
               PFHIR_CODE_INVALID_ARGUMENT);
    CHECK_CODE(pfhir_validator_options_set_rule(opts, U("partner-bundle"), U("loud")),
               PFHIR_CODE_INVALID_ARGUMENT);
    CHECK_CODE(pfhir_validator_options_set_rule(opts, NULL, 0, U("off")),
               PFHIR_CODE_INVALID_ARGUMENT);
    CHECK_CODE(pfhir_validator_options_add_authority(opts, NULL, 0),
               PFHIR_CODE_INVALID_ARGUMENT);
    CHECK_CODE(pfhir_validator_options_add_authority(opts, U("urn:oid:1 2")),
               PFHIR_CODE_INVALID_ARGUMENT);
    CHECK_OK(pfhir_validator_options_add_authority(opts, U("urn:oid:1.3.6.1.4.1.99999.7.1")));
    CHECK_CODE(pfhir_validator_options_set_limits(opts, 0, 129), PFHIR_CODE_INVALID_ARGUMENT);
    CHECK_OK(pfhir_validator_options_set_limits(opts, 0, 128)); /* the cap: 128 KiB stacks */
    CHECK_CODE(pfhir_validator_options_set_limits(opts, (size_t)UINT32_MAX + 1, 0),
               PFHIR_CODE_INVALID_ARGUMENT);
    CHECK_CODE(pfhir_validator_options_set_limits(opts, SIZE_MAX, 0),
               PFHIR_CODE_INVALID_ARGUMENT);
    CHECK_OK(pfhir_validator_options_set_limits(opts, 0, 0)); /* keeps both */
    CHECK_OK(pfhir_validator_options_set_limits(opts, 512, 0));
    /* A refused change changes nothing (the 512-byte limit stays). */
    CHECK_CODE(pfhir_validator_options_set_limits(opts, 0, 9999), PFHIR_CODE_INVALID_ARGUMENT);
    CHECK_OK(pfhir_validator_options_set_rule(opts, U("partner-bundle"), U("off")));
    CHECK_OK(pfhir_validator_options_set_include_values(opts, true));
    if (CHECK_OK(pfhir_validator_new(opts, &v2))) {
      /* Options are copied: changing or freeing them now does not touch the validator. */
      CHECK_OK(pfhir_validator_options_set_limits(opts, 1024 * 1024, 0));
      pfhir_validator_options_free(opts);
      opts = NULL;
      CHECK(pfhir_validator_max_bytes(v2) == 512);
      if (CHECK_OK(pfhir_validate(v2, (const uint8_t *)g_good_bundle, g_good_len, &o))) {
        check_too_long(o, "good bundle over a 512-byte limit");
        pfhir_outcome_free(o);
      }
      if (CHECK_OK(pfhir_validate(v2, U(bad_patient), &o))) {
        bool value_shown = false;
        n = pfhir_outcome_issue_count(o);
        for (i = 0; i < n; i++) {
          CHECK(!t_str_eq(pfhir_outcome_issue_key(o, i), "partner-bundle")); /* rule off */
          if (t_str_has(pfhir_outcome_issue_message(o, i), "zzqq")) {
            value_shown = true;
          }
        }
        CHECK(value_shown); /* include_values */
        pfhir_outcome_free(o);
      }
      pfhir_validator_free(v2);
    }
    pfhir_validator_options_free(opts);
    opts = NULL;
  }
  /* Depth limit and the base profile. */
  if (CHECK_OK(pfhir_validator_options_new(&opts))) {
    CHECK_OK(pfhir_validator_options_set_profile(opts, PFHIR_PROFILE_BASE));
    CHECK_OK(pfhir_validator_options_set_limits(opts, 0, 2));
    if (CHECK_OK(pfhir_validator_new(opts, &base))) {
      /* Base validation's own size limit: 64 MiB (the partner profile keeps 1 MiB). */
      CHECK(pfhir_validator_max_bytes(base) == 64u * 1024 * 1024);
      if (CHECK_OK(pfhir_validate(base, U("{\"a\":{\"b\":{\"c\":1}}}"), &o))) {
        CHECK(pfhir_outcome_issue_count(o) == 1);
        CHECK(pfhir_outcome_issue_severity(o, 0) == PFHIR_SEVERITY_FATAL);
        pfhir_outcome_free(o);
      }
      if (CHECK_OK(pfhir_validate(base, U("{\"resourceType\":\"Patient\",\"gender\":\"male\"}"),
                                  &o))) {
        CHECK(pfhir_outcome_issue_count(o) == 0); /* no partner rule in base */
        pfhir_outcome_free(o);
      }
      pfhir_validator_free(base);
    }
    pfhir_validator_options_free(opts);
  }
  pfhir_validator_free(v);
}

/* A minified document with `n` wrong JSON types (numbers in Patient.name.given): the issue
 * cap lists 1000 of them and counts the rest in one too-costly issue; a cap of 0 lists all. */
static void test_issue_cap(void) {
  const size_t n = 50000;
  const char *head = "{\"resourceType\":\"Patient\",\"name\":[{\"given\":[";
  size_t len = strlen(head) + 2 * n + 8, at, i;
  char *doc = malloc(len);
  pfhir_validator *v = NULL;
  pfhir_validator_options *opts = NULL;
  pfhir_outcome *o = NULL;
  if (!CHECK(doc != NULL)) {
    return;
  }
  at = (size_t)sprintf(doc, "%s", head);
  for (i = 0; i < n; i++) {
    doc[at++] = i == 0 ? '1' : ',';
    if (i > 0) {
      doc[at++] = '1';
    }
  }
  at += (size_t)sprintf(doc + at, "]}]}");
  CHECK_CODE(pfhir_validator_options_set_max_issues(NULL, 5), PFHIR_CODE_NULL_ARGUMENT);
  if (CHECK_OK(pfhir_validator_options_new(&opts))) {
    CHECK_OK(pfhir_validator_options_set_profile(opts, PFHIR_PROFILE_BASE));
    if (CHECK_OK(pfhir_validator_new(opts, &v))) {
      if (CHECK_OK(pfhir_validate(v, (const uint8_t *)doc, at, &o))) {
        CHECK(pfhir_outcome_issue_count(o) == 1001); /* the default cap + its note */
        CHECK(t_str_eq(pfhir_outcome_issue_code(o, 1000), "too-costly"));
        CHECK(t_str_eq(pfhir_outcome_issue_message_id(o, 1000), "PFHIR-V0108"));
        CHECK(pfhir_outcome_issue_severity(o, 1000) == PFHIR_SEVERITY_ERROR);
        CHECK(t_str_has(pfhir_outcome_issue_message(o, 1000), "49000 more issues"));
        CHECK(pfhir_outcome_issue_line(o, 1000) == 1);
        pfhir_outcome_free(o);
      }
      pfhir_validator_free(v);
    }
    CHECK_OK(pfhir_validator_options_set_max_issues(opts, 0));
    if (CHECK_OK(pfhir_validator_new(opts, &v))) {
      if (CHECK_OK(pfhir_validate(v, (const uint8_t *)doc, at, &o))) {
        CHECK(pfhir_outcome_issue_count(o) == n);
        /* The last one is on the one line, at its exact column. */
        CHECK(pfhir_outcome_issue_column(o, n - 1) == (uint32_t)(strlen(head) + 2 * (n - 1) + 1));
        pfhir_outcome_free(o);
      }
      pfhir_validator_free(v);
    }
    pfhir_validator_options_free(opts);
  }
  free(doc);
}

static void check_field(pfhir_error *err, const char *field) {
  size_t i, n = pfhir_error_field_count(err);
  bool found = false;
  for (i = 0; i < n; i++) {
    pfhir_str name = pfhir_error_field_name(err, i);
    pfhir_str msg = pfhir_error_field_message(err, i);
    CHECK(name.data != NULL && name.data[name.len] == '\0');
    CHECK(msg.len > 0 && msg.data[msg.len] == '\0');
    if (t_str_eq(name, field)) {
      found = true;
    }
  }
  CHECK_MSG(found, field);
}

static void test_building(void) {
  pfhir_builder *b = NULL;
  pfhir_validator *v = NULL;
  pfhir_outcome *o = NULL;
  pfhir_bytes bundle = {NULL, 0}, input = {NULL, 0}, again = {NULL, 0};
  pfhir_error *err;
  if (!CHECK_OK(pfhir_validator_new(NULL, &v)) || !CHECK_OK(pfhir_builder_new(&b))) {
    pfhir_validator_free(v);
    return;
  }
  /* An empty builder: an input error naming the required fields, and nothing else. */
  err = pfhir_builder_build(b, &bundle);
  CHECK(pfhir_error_code(err) == PFHIR_CODE_INPUT);
  CHECK(pfhir_error_field_count(err) >= 2);
  check_field(err, "authority");
  check_field(err, "patientId");
  CHECK(t_str_null(pfhir_error_field_name(err, pfhir_error_field_count(err))));
  CHECK(t_str_null(pfhir_error_field_message(err, pfhir_error_field_count(err))));
  CHECK(t_str_null(pfhir_error_field_name(err, SIZE_MAX)));
  CHECK(pfhir_error_http_status(err) == 0);
  CHECK(t_str_null(pfhir_error_outcome_json(err)));
  CHECK(t_str_null(pfhir_error_request_id(err)));
  CHECK(t_str_null(pfhir_error_body(err)));
  CHECK(!pfhir_error_retry_safe(err));
  pfhir_error_free(err);
  CHECK(bundle.data == NULL);

  CHECK_OK(pfhir_builder_set_authority(b, U("cip")));
  CHECK_OK(pfhir_builder_set_patient_id(b, U("CIPC123456789")));
  CHECK_OK(pfhir_builder_set_family_name(b, U("P\xc3\xa9rez Fuster")));
  CHECK_OK(pfhir_builder_add_given_name(b, U("Ana")));
  CHECK_OK(pfhir_builder_add_given_name(b, U("Mar\xc3\xad" "a")));
  CHECK_OK(pfhir_builder_set_gender(b, U("F")));
  CHECK_OK(pfhir_builder_set_birth_date(b, U("19800102")));
  CHECK_OK(pfhir_builder_add_phone(b, U("600000001"), U("mobile")));
  CHECK_OK(pfhir_builder_add_phone(b, U("910000002"), NULL, 0));
  CHECK_OK(pfhir_builder_set_email(b, U("ana@example.org")));
  CHECK_OK(pfhir_builder_set_diabetes(b, U("type1")));
  CHECK_OK(pfhir_builder_set_onset(b, U("2001-05-06")));
  CHECK_OK(pfhir_builder_set_organization_oid(b, U("2.16.724.4.2")));
  CHECK_OK(pfhir_builder_set_software(b, U("c-tests"), U("1.0.0")));
  CHECK_OK(pfhir_builder_set_patient_logical_id(b, U("logical-1")));
  CHECK_OK(pfhir_builder_set_timestamp(b, U("2024-01-02T03:04:05Z")));
  if (CHECK_OK(pfhir_builder_build(b, &bundle))) {
    CHECK(bundle.data[bundle.len] == '\0' && strlen((const char *)bundle.data) == bundle.len);
    CHECK(strstr((const char *)bundle.data, "\"logical-1\"") != NULL);
    CHECK(strstr((const char *)bundle.data, "2024-01-02T03:04:05Z") != NULL);
    CHECK(strstr((const char *)bundle.data, "1980-01-02") != NULL);
    if (CHECK_OK(pfhir_validate(v, bundle.data, bundle.len, &o))) {
      CHECK(!pfhir_outcome_has_errors(o));
      pfhir_outcome_free(o);
    }
    pfhir_bytes_free(bundle);
  }
  /* The builder's PatientInput JSON builds the same kind of Bundle through build_bundle. */
  if (CHECK_OK(pfhir_builder_to_json(b, &input))) {
    CHECK(strstr((const char *)input.data, "\"patientId\":\"CIPC123456789\"") != NULL);
    if (CHECK_OK(pfhir_build_bundle(input.data, input.len, &again))) {
      CHECK(strstr((const char *)again.data, "\"logical-1\"") != NULL);
      if (CHECK_OK(pfhir_validate(v, again.data, again.len, &o))) {
        CHECK(!pfhir_outcome_has_errors(o));
        pfhir_outcome_free(o);
      }
      pfhir_bytes_free(again);
    }
    pfhir_bytes_free(input);
  }
  /* Wrong values: one field error each, naming the field but not repeating the value. */
  CHECK_OK(pfhir_builder_set_gender(b, U("zzqq")));
  CHECK_OK(pfhir_builder_set_birth_date(b, U("1975-13-01")));
  bundle.data = (uint8_t *)"sentinel";
  bundle.len = 8;
  err = pfhir_builder_build(b, &bundle);
  CHECK(pfhir_error_code(err) == PFHIR_CODE_INPUT);
  check_field(err, "gender");
  check_field(err, "birthDate");
  CHECK(!t_str_has(pfhir_error_message(err), "zzqq"));
  CHECK(!t_str_has(pfhir_error_field_message(err, 0), "zzqq"));
  pfhir_error_free(err);
  CHECK(bundle.len == 8); /* untouched */
  pfhir_builder_free(b);

  /* A coded condition, its clinical status, an inactive record. */
  if (CHECK_OK(pfhir_builder_new(&b))) {
    CHECK_OK(pfhir_builder_set_authority(b, U("meteda")));
    CHECK_OK(pfhir_builder_set_patient_id(b, U("M-42")));
    CHECK_OK(pfhir_builder_set_gender(b, U("male")));
    CHECK_OK(pfhir_builder_set_birth_date(b, U("1975-06-16")));
    CHECK_OK(pfhir_builder_set_organization_oid(b, U("2.16.724.4.2")));
    CHECK_OK(pfhir_builder_set_condition(b, U("http://snomed.info/sct"), U("44054006"),
                                         U("Diabetes mellitus type 2")));
    CHECK_OK(pfhir_builder_set_clinical_status(b, U("remission")));
    CHECK_OK(pfhir_builder_set_active(b, false));
    if (CHECK_OK(pfhir_builder_build(b, &bundle))) {
      CHECK(strstr((const char *)bundle.data, "\"44054006\"") != NULL);
      CHECK(strstr((const char *)bundle.data, "Diabetes mellitus type 2") != NULL);
      CHECK(strstr((const char *)bundle.data, "\"remission\"") != NULL);
      CHECK(strstr((const char *)bundle.data, "\"active\":false") != NULL);
      if (CHECK_OK(pfhir_validate(v, bundle.data, bundle.len, &o))) {
        CHECK(!pfhir_outcome_has_errors(o));
        pfhir_outcome_free(o);
      }
      pfhir_bytes_free(bundle);
    }
    /* (NULL, 0) display: none. */
    CHECK_OK(pfhir_builder_set_condition(b, U("http://snomed.info/sct"), U("46635009"), NULL, 0));
    CHECK_OK(pfhir_builder_set_clinical_status(b, U("dormant")));
    err = pfhir_builder_build(b, &bundle);
    CHECK(pfhir_error_code(err) == PFHIR_CODE_INPUT);
    check_field(err, "clinicalStatus");
    pfhir_error_free(err);
    pfhir_builder_free(b);
    b = NULL;
  }

  /* build_bundle from JSON. */
  {
    static const char good[] =
        "{\"authority\":\"cip\",\"patientId\":\"C123\",\"familyName\":\"Test\","
        "\"gender\":\"female\",\"birthDate\":\"1980-01-02\",\"diabetes\":\"type1\","
        "\"organizationOid\":\"2.16.724.4.2\"}";
    if (CHECK_OK(pfhir_build_bundle(U(good), &bundle))) {
      if (CHECK_OK(pfhir_validate(v, bundle.data, bundle.len, &o))) {
        CHECK(!pfhir_outcome_has_errors(o));
        pfhir_outcome_free(o);
      }
      pfhir_bytes_free(bundle);
    }
    err = pfhir_build_bundle(U("{\"authority\":\"cip\",\"patientId\":\"C1\",\"shoeSize\":44}"),
                             &bundle);
    CHECK(pfhir_error_code(err) == PFHIR_CODE_INPUT);
    check_field(err, "shoeSize");
    pfhir_error_free(err);
    /* Text that is not a JSON object: code json, without field errors. */
    err = pfhir_build_bundle(U("{\"authority\":"), &bundle);
    CHECK(pfhir_error_code(err) == PFHIR_CODE_JSON);
    CHECK(pfhir_error_field_count(err) == 0);
    CHECK(pfhir_error_message(err).len > 0);
    pfhir_error_free(err);
    err = pfhir_build_bundle(NULL, 0, &bundle);
    CHECK(pfhir_error_code(err) == PFHIR_CODE_JSON);
    pfhir_error_free(err);
    err = pfhir_build_bundle(U("[1,2]"), &bundle);
    CHECK(pfhir_error_code(err) == PFHIR_CODE_JSON);
    pfhir_error_free(err);
  }
  pfhir_validator_free(v);
}

/* The wide PatientInput through the builder: identifiers, the surname pair, deceased, marital
 * status, languages, e-mails, addresses, the managing organization, several Conditions with
 * their codings and ids. NULL in every pointer and invalid UTF-8 in every text of each of
 * these functions (nothing changes), items added to nothing, a Bundle with no issue at all,
 * and field errors naming the exact item without repeating its value. */
#define N3 NULL, 3 /* a NULL text with a length */
#define NO NULL, 0 /* an absent optional text */
static void test_building_wide_arguments(pfhir_builder *b) {
  CHECK_CODE(pfhir_builder_add_identifier(NULL, U("cip"), U("1"), NO, NO, NO),
             PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_fathers_family(NULL, U("x")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_mothers_family(NULL, U("x")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_deceased(NULL, true), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_deceased_date_time(NULL, U("2020")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_marital_status(NULL, U("M")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_language(NULL, U("es")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_communication(NULL, U("ca"), false), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_email(NULL, U("a@b"), NO), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_address(NULL, NO, NO, U("Madrid"), NO, NO, NO, NO),
             PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_address_line(NULL, U("x")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_managing_organization(NULL, NO, NO, NO, U("H")),
             PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_verification_status(NULL, U("confirmed")),
             PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_condition(NULL, U("type2"), NO, NO, NO), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_condition_coding(NULL, U("urn:x"), U("1"), NO),
             PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_ids(NULL, U("b"), NO, NO), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_condition_id(NULL, U("c")), PFHIR_CODE_NULL_ARGUMENT);

  CHECK_CODE(pfhir_builder_add_identifier(b, N3, U("1"), NO, NO, NO), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_identifier(b, U("cip"), N3, NO, NO, NO), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_identifier(b, U("cip"), U("1"), N3, NO, NO),
             PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_identifier(b, U("cip"), U("1"), NO, N3, NO),
             PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_identifier(b, U("cip"), U("1"), NO, NO, N3),
             PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_identifier(b, BAD, U("1"), NO, NO, NO), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_add_identifier(b, U("cip"), BAD, NO, NO, NO), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_add_identifier(b, U("cip"), U("1"), BAD, NO, NO),
             PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_add_identifier(b, U("cip"), U("1"), NO, BAD, NO),
             PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_add_identifier(b, U("cip"), U("1"), NO, NO, BAD),
             PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_set_fathers_family(b, N3), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_fathers_family(b, BAD), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_set_mothers_family(b, N3), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_mothers_family(b, BAD), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_set_deceased_date_time(b, N3), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_deceased_date_time(b, BAD), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_set_marital_status(b, N3), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_marital_status(b, BAD), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_set_language(b, N3), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_language(b, BAD), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_add_communication(b, N3, true), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_communication(b, BAD, true), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_add_email(b, N3, NO), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_email(b, U("a@b"), N3), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_email(b, BAD, NO), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_add_email(b, U("a@b"), BAD), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_add_address(b, N3, NO, NO, NO, NO, NO, NO), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_address(b, NO, N3, NO, NO, NO, NO, NO), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_address(b, NO, NO, N3, NO, NO, NO, NO), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_address(b, NO, NO, NO, N3, NO, NO, NO), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_address(b, NO, NO, NO, NO, N3, NO, NO), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_address(b, NO, NO, NO, NO, NO, N3, NO), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_address(b, NO, NO, NO, NO, NO, NO, N3), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_address(b, BAD, NO, NO, NO, NO, NO, NO), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_add_address(b, NO, BAD, NO, NO, NO, NO, NO), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_add_address(b, NO, NO, BAD, NO, NO, NO, NO), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_add_address(b, NO, NO, NO, BAD, NO, NO, NO), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_add_address(b, NO, NO, NO, NO, BAD, NO, NO), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_add_address(b, NO, NO, NO, NO, NO, BAD, NO), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_add_address(b, NO, NO, NO, NO, NO, NO, BAD), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_set_managing_organization(b, N3, NO, NO, NO), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_managing_organization(b, NO, N3, NO, NO), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_managing_organization(b, NO, NO, N3, NO), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_managing_organization(b, NO, NO, NO, N3), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_managing_organization(b, BAD, NO, NO, NO), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_set_managing_organization(b, NO, BAD, NO, NO), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_set_managing_organization(b, NO, NO, BAD, NO), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_set_managing_organization(b, NO, NO, NO, BAD), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_set_verification_status(b, N3), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_verification_status(b, BAD), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_add_condition(b, N3, NO, NO, NO), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_condition(b, NO, N3, NO, NO), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_condition(b, NO, NO, N3, NO), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_condition(b, NO, NO, NO, N3), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_condition(b, BAD, NO, NO, NO), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_add_condition(b, NO, BAD, NO, NO), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_add_condition(b, NO, NO, BAD, NO), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_add_condition(b, NO, NO, NO, BAD), PFHIR_CODE_INVALID_UTF8);
  /* Items added to nothing: no address, no Condition yet. */
  CHECK_CODE(pfhir_builder_add_address_line(b, U("Calle Mayor 1")), PFHIR_CODE_INVALID_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_condition_coding(b, U("urn:x"), U("1"), NO),
             PFHIR_CODE_INVALID_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_ids(b, N3, NO, NO), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_ids(b, NO, N3, NO), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_ids(b, NO, NO, N3), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_ids(b, BAD, NO, NO), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_set_ids(b, NO, BAD, NO), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_set_ids(b, NO, NO, BAD), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_add_condition_id(b, N3), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_condition_id(b, BAD), PFHIR_CODE_INVALID_UTF8);
  {
    /* Nothing was set by the refused calls: the builder's JSON is still the empty object. */
    pfhir_bytes json = {NULL, 0};
    if (CHECK_OK(pfhir_builder_to_json(b, &json))) {
      CHECK_MSG(strcmp((const char *)json.data, "{\"organizationOid\":\"\"}") == 0,
                (const char *)json.data);
      pfhir_bytes_free(json);
    }
  }
  /* With an address and a Condition, a line and a coding go to the last ones. */
  CHECK_OK(pfhir_builder_add_address(b, NO, NO, U("Madrid"), NO, NO, NO, NO));
  CHECK_CODE(pfhir_builder_add_address_line(b, N3), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_address_line(b, BAD), PFHIR_CODE_INVALID_UTF8);
  CHECK_OK(pfhir_builder_add_condition(b, U("type2"), NO, NO, NO));
  CHECK_CODE(pfhir_builder_add_condition_coding(b, N3, U("1"), NO), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_condition_coding(b, U("urn:x"), N3, NO), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_condition_coding(b, U("urn:x"), U("1"), N3),
             PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_add_condition_coding(b, BAD, U("1"), NO), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_add_condition_coding(b, U("urn:x"), BAD, NO), PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_builder_add_condition_coding(b, U("urn:x"), U("1"), BAD),
             PFHIR_CODE_INVALID_UTF8);
  {
    pfhir_bytes json = {NULL, 0};
    if (CHECK_OK(pfhir_builder_to_json(b, &json))) {
      CHECK_MSG(strstr((const char *)json.data, "lines") == NULL, (const char *)json.data);
      CHECK_MSG(strstr((const char *)json.data, "codings") == NULL, (const char *)json.data);
      pfhir_bytes_free(json);
    }
  }
}

static bool has(const pfhir_bytes *b, const char *needle) {
  return b->data != NULL && strstr((const char *)b->data, needle) != NULL;
}

/* Builder options: an extra accepted authority, the exact source.endpoint, no Bundle.id. */
static void test_building_options(void) {
  pfhir_builder *b = NULL;
  pfhir_bytes bundle = {NULL, 0};
  pfhir_error *err;
  CHECK_CODE(pfhir_builder_add_accepted_authority(NULL, U("urn:oid:1.2.3")),
             PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_source_endpoint(NULL, U("urn:oid:1.2.3")),
             PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_builder_set_omit_bundle_id(NULL, true), PFHIR_CODE_NULL_ARGUMENT);
  if (!CHECK_OK(pfhir_builder_new(&b))) {
    return;
  }
  CHECK_OK(pfhir_builder_set_authority(b, U("urn:oid:1.3.6.1.4.1.99999.7.1")));
  CHECK_OK(pfhir_builder_set_patient_id(b, U("OPT-1")));
  CHECK_OK(pfhir_builder_set_organization_oid(b, U("2.16.724.4.2")));
  CHECK_OK(pfhir_builder_set_diabetes(b, U("type1")));
  /* The authority is not accepted yet: an input error naming the field. */
  err = pfhir_builder_build(b, &bundle);
  CHECK(pfhir_error_code(err) == PFHIR_CODE_INPUT);
  pfhir_error_free(err);
  CHECK_CODE(pfhir_builder_add_accepted_authority(b, U("not a uri")), PFHIR_CODE_INVALID_ARGUMENT);
  CHECK_OK(pfhir_builder_add_accepted_authority(b, U("urn:oid:1.3.6.1.4.1.99999.7.1")));
  CHECK_OK(pfhir_builder_set_source_endpoint(b, U("urn:oid:2.16.724.4.2.7")));
  CHECK_OK(pfhir_builder_set_omit_bundle_id(b, true));
  if (CHECK_OK(pfhir_builder_build(b, &bundle))) {
    CHECK(strstr((const char *)bundle.data, "\"endpoint\":\"urn:oid:2.16.724.4.2.7\"") != NULL);
    {
      const char *no_id = "{\"resourceType\":\"Bundle\",\"type\""; /* no "id" member */
      CHECK(strncmp((const char *)bundle.data, no_id, strlen(no_id)) == 0);
    }
    pfhir_bytes_free(bundle);
  }
  /* The whole input from its JSON form, with the options kept. */
  CHECK_CODE(pfhir_builder_set_input_json(b, U("[1]")), PFHIR_CODE_JSON);
  CHECK_CODE(pfhir_builder_set_input_json(b, U("{\"bithDate\":\"1980\"}")), PFHIR_CODE_INPUT);
  CHECK_CODE(pfhir_builder_set_input_json(NULL, U("{}")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_OK(pfhir_builder_set_input_json(
      b, U("{\"authority\":\"urn:oid:1.3.6.1.4.1.99999.7.1\",\"patientId\":\"OPT-2\","
           "\"organizationOid\":\"2.16.724.4.2\",\"diabetes\":\"type2\"}")));
  if (CHECK_OK(pfhir_builder_build(b, &bundle))) {
    CHECK(strstr((const char *)bundle.data, "OPT-2") != NULL);
    CHECK(strstr((const char *)bundle.data, "urn:oid:2.16.724.4.2.7") != NULL);
    pfhir_bytes_free(bundle);
  }
  CHECK_OK(pfhir_builder_set_source_endpoint(b, U("not a uri")));
  err = pfhir_builder_build(b, &bundle);
  CHECK(pfhir_error_code(err) == PFHIR_CODE_INPUT);
  CHECK(t_str_eq(pfhir_error_field_name(err, 0), "sourceEndpoint"));
  pfhir_error_free(err);
  pfhir_builder_free(b);
}

static void test_building_wide(void) {
  pfhir_builder *b = NULL;
  pfhir_validator *v = NULL;
  pfhir_outcome *o = NULL;
  pfhir_bytes bundle = {NULL, 0}, input = {NULL, 0}, again = {NULL, 0};
  pfhir_error *err;
  if (CHECK_OK(pfhir_builder_new(&b))) {
    test_building_wide_arguments(b);
    pfhir_builder_free(b);
    b = NULL;
  }
  if (!CHECK_OK(pfhir_validator_new(NULL, &v)) || !CHECK_OK(pfhir_builder_new(&b))) {
    pfhir_validator_free(v);
    return;
  }
  /* Identifiers only (no set_authority / set_patient_id): one has an accepted authority. */
  CHECK_OK(pfhir_builder_add_identifier(b, U("cip"), U("AAAA1234567890"), U("official"), U("JHN"),
                                        U("SERMAS")));
  CHECK_OK(pfhir_builder_add_identifier(b, U("urn:oid:1.2.3.4.5"), U("HC-778"), NO, U("MR"), NO));
  CHECK_OK(pfhir_builder_set_fathers_family(b, U("P\xc3\xa9rez")));
  CHECK_OK(pfhir_builder_set_mothers_family(b, U("Fuster")));
  CHECK_OK(pfhir_builder_add_given_name(b, U("Manolo")));
  CHECK_OK(pfhir_builder_set_gender(b, U("M")));
  CHECK_OK(pfhir_builder_set_birth_date(b, U("19750616")));
  CHECK_OK(pfhir_builder_set_deceased(b, true));
  CHECK_OK(pfhir_builder_set_deceased_date_time(b, U("202301021304+0100"))); /* replaces it */
  CHECK_OK(pfhir_builder_set_marital_status(b, U("M")));
  CHECK_OK(pfhir_builder_set_language(b, U("es")));
  CHECK_OK(pfhir_builder_add_communication(b, U("ca"), false));
  CHECK_OK(pfhir_builder_add_phone(b, U("912345678"), U("home")));
  CHECK_OK(pfhir_builder_set_email(b, U("manolo@example.org")));
  CHECK_OK(pfhir_builder_add_email(b, U("m.perez@work.example"), U("work")));
  CHECK_OK(pfhir_builder_add_address(b, U("home"), U("both"), U("Madrid"), NO, NO, U("28013"),
                                     U("ES")));
  CHECK_OK(pfhir_builder_add_address_line(b, U("Calle Mayor 1")));
  CHECK_OK(pfhir_builder_add_address_line(b, U("2\xc2\xba B")));
  CHECK_OK(pfhir_builder_add_address(b, U("temp"), NO, U("Valencia"), NO, NO, NO, NO));
  CHECK_OK(pfhir_builder_set_managing_organization(b, NO, U("urn:ietf:rfc:3986"),
                                                   U("urn:oid:2.16.724.4.2"),
                                                   U("Hospital Universitario")));
  CHECK_OK(pfhir_builder_set_diabetes(b, U("type1")));
  CHECK_OK(pfhir_builder_set_onset(b, U("2010-05-01")));
  CHECK_OK(pfhir_builder_set_verification_status(b, U("confirmed")));
  CHECK_OK(pfhir_builder_add_condition(b, NO, U("2015-03-04"), U("active"), U("provisional")));
  CHECK_OK(pfhir_builder_add_condition_coding(b, U("http://snomed.info/sct"), U("38341003"),
                                              U("Hypertensive disorder")));
  CHECK_OK(
      pfhir_builder_add_condition_coding(b, U("http://hl7.org/fhir/sid/icd-10"), U("I10"), NO));
  CHECK_OK(pfhir_builder_add_condition(b, U("gestational"), NO, U("resolved"), NO));
  CHECK_OK(pfhir_builder_set_organization_oid(b, U("2.16.724.4.2")));
  CHECK_OK(pfhir_builder_set_software(b, U("c-tests"), U("1.0.0")));
  CHECK_OK(pfhir_builder_set_patient_logical_id(b, U("undone-by-set-ids")));
  CHECK_OK(pfhir_builder_set_ids(b, U("b-1"), U("h-1"), U("p-1")));
  CHECK_OK(pfhir_builder_add_condition_id(b, U("c-1")));
  CHECK_OK(pfhir_builder_add_condition_id(b, U("c-2")));
  CHECK_OK(pfhir_builder_set_timestamp(b, U("2024-01-02T03:04:05Z")));
  if (CHECK_OK(pfhir_builder_build(b, &bundle))) {
    CHECK(has(&bundle, "\"id\":\"b-1\""));
    CHECK(has(&bundle, "\"reference\":\"Patient/p-1\""));
    CHECK(!has(&bundle, "undone-by-set-ids"));
    CHECK(has(&bundle, "\"code\":\"JHN\""));
    CHECK(has(&bundle, "\"assigner\":{\"display\":\"SERMAS\"}"));
    CHECK(has(&bundle, "\"family\":\"P\xc3\xa9rez Fuster\""));
    CHECK(has(&bundle, "humanname-fathers-family\",\"valueString\":\"P\xc3\xa9rez\""));
    CHECK(has(&bundle, "humanname-mothers-family\",\"valueString\":\"Fuster\""));
    CHECK(has(&bundle, "\"deceasedDateTime\":\"2023-01-02T13:04:00+01:00\""));
    CHECK(!has(&bundle, "deceasedBoolean"));
    CHECK(has(&bundle, "\"system\":\"http://hl7.org/fhir/v3/MaritalStatus\",\"code\":\"M\""));
    CHECK(has(&bundle, "\"code\":\"ca\"}]},\"preferred\":false"));
    CHECK(has(&bundle, "\"value\":\"m.perez@work.example\",\"use\":\"work\""));
    CHECK(has(&bundle, "\"line\":[\"Calle Mayor 1\",\"2\xc2\xba B\"]"));
    CHECK(has(&bundle, "\"city\":\"Valencia\""));
    CHECK(has(&bundle, "\"display\":\"Hospital Universitario\""));
    CHECK(has(&bundle, "\"verificationStatus\":\"confirmed\""));
    CHECK(has(&bundle, "\"verificationStatus\":\"provisional\""));
    CHECK(has(&bundle, "\"code\":\"E10\""));
    CHECK(has(&bundle, "\"code\":\"I10\""));
    CHECK(has(&bundle, "\"code\":\"O24.4\""));
    /* Condition ids: the two given, then the third derived from the first. */
    CHECK(has(&bundle, "\"id\":\"c-1\""));
    CHECK(has(&bundle, "\"id\":\"c-2\""));
    CHECK(has(&bundle, "\"id\":\"c-1-3\""));
    if (CHECK_OK(pfhir_validate(v, bundle.data, bundle.len, &o))) {
      CHECK_MSG(pfhir_outcome_issue_count(o) == 0, "a wide input: no error, no warning");
      pfhir_outcome_free(o);
    }
    /* The builder's PatientInput JSON gives the same bytes through pfhir_build_bundle. */
    if (CHECK_OK(pfhir_builder_to_json(b, &input))) {
      CHECK(has(&input, "\"identifiers\":[{"));
      CHECK(has(&input, "\"conditions\":[\"c-1\",\"c-2\"]"));
      if (CHECK_OK(pfhir_build_bundle(input.data, input.len, &again))) {
        CHECK(again.len == bundle.len && memcmp(again.data, bundle.data, bundle.len) == 0);
        pfhir_bytes_free(again);
      }
      pfhir_bytes_free(input);
    }
    pfhir_bytes_free(bundle);
  }
  /* Wrong values: each error names its item; values are not repeated. */
  CHECK_OK(pfhir_builder_add_identifier(b, U("urn:oid:1.2.3"), U("V"), U("primary"), NO, NO));
  CHECK_OK(pfhir_builder_set_marital_status(b, U("QQMARITAL")));
  CHECK_OK(pfhir_builder_add_email(b, U("QQNOEMAIL"), NO));
  CHECK_OK(pfhir_builder_add_condition(b, NO, NO, NO, NO));
  bundle.data = (uint8_t *)"sentinel";
  bundle.len = 8;
  err = pfhir_builder_build(b, &bundle);
  CHECK(pfhir_error_code(err) == PFHIR_CODE_INPUT);
  check_field(err, "identifiers[2].use");
  check_field(err, "maritalStatus");
  check_field(err, "emails[1].value");
  check_field(err, "conditions[2]");
  CHECK(!t_str_has(pfhir_error_message(err), "QQ"));
  pfhir_error_free(err);
  CHECK(bundle.len == 8); /* untouched */
  pfhir_builder_free(b);
  pfhir_validator_free(v);
}
#undef N3
#undef NO

/* One validator shared by 4 threads. */
typedef struct thread_arg {
  const pfhir_validator *v;
  int failures;
  size_t issues_bad;
} thread_arg;

static void *validate_thread(void *p) {
  thread_arg *a = (thread_arg *)p;
  int i;
  for (i = 0; i < 40; i++) {
    pfhir_outcome *o = NULL;
    pfhir_error *err = pfhir_validate(a->v, (const uint8_t *)g_good_bundle, g_good_len, &o);
    if (err != NULL || pfhir_outcome_has_errors(o)) {
      a->failures++;
    }
    pfhir_error_free(err);
    pfhir_outcome_free(o);
    o = NULL;
    err = pfhir_validate(a->v, U("{\"resourceType\":\"Patient\",\"gender\":\"x\"}"), &o);
    if (err != NULL || pfhir_outcome_issue_count(o) != a->issues_bad) {
      a->failures++;
    }
    pfhir_error_free(err);
    pfhir_outcome_free(o);
  }
  return NULL;
}

static void test_threads(void) {
  pfhir_validator *v = NULL;
  pthread_t th[4];
  thread_arg args[4];
  pfhir_outcome *o = NULL;
  size_t expected;
  int i;
  if (!CHECK_OK(pfhir_validator_new(NULL, &v))) {
    return;
  }
  if (!CHECK_OK(pfhir_validate(v, U("{\"resourceType\":\"Patient\",\"gender\":\"x\"}"), &o))) {
    pfhir_validator_free(v);
    return;
  }
  expected = pfhir_outcome_issue_count(o);
  pfhir_outcome_free(o);
  for (i = 0; i < 4; i++) {
    args[i].v = v;
    args[i].failures = 0;
    args[i].issues_bad = expected;
    CHECK(pthread_create(&th[i], NULL, validate_thread, &args[i]) == 0);
  }
  for (i = 0; i < 4; i++) {
    pthread_join(th[i], NULL);
    CHECK_MSG(args[i].failures == 0, "a thread's validations gave the single-thread results");
  }
  pfhir_validator_free(v);
}

int main(int argc, char **argv) {
  char path[4096];
  if (argc < 2) {
    fprintf(stderr, "usage: %s REPO_ROOT\n", argv[0]);
    return 2;
  }
  snprintf(path, sizeof(path), "%s/tests/fixtures/partner/good-bundle.json", argv[1]);
  g_good_bundle = t_read_file(path, &g_good_len);
  if (g_good_bundle == NULL) {
    fprintf(stderr, "cannot read %s\n", path);
    return 2;
  }
  test_version_and_codes();
  test_null_arguments();
  test_invalid_utf8();
  test_validation();
  test_issue_cap();
  test_building();
  test_building_wide();
  test_building_options();
  test_threads();
  free(g_good_bundle);
  return t_summary("test_api");
}
