/*
 * The client functions of the C ABI against a real `pfhir sandbox` over mutual TLS:
 * configuration, create / update / read (with and without a request id), every error
 * kind that a C program meets (local validation, configuration, TLS, connection refused,
 * a server OperationOutcome with its code, HTTP status, JSON and request id, 403 with an
 * empty body, 404, a gateway's HTML body, a 200 answer that does not fit the model and whose
 * values never reach the message), NULL and invalid UTF-8 arguments with a live
 * client, and one client shared by 4 threads doing concurrent reads.
 *
 * Usage: test_client PFHIR_BIN  (the `pfhir` CLI, which runs the sandbox)
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "pfhir.h"
#include "test_util.h"

#define U(s) (const uint8_t *)(s), (sizeof(s) - 1)
#define BAD U("ab\x80\xff")
#define SV(s) (const uint8_t *)(s), strlen(s)

static t_sandbox sb;
static const char *g_pfhir_bin;
static char g_run[32]; /* makes identifiers unique per run */

static pfhir_client *make_client(pfhir_client_config *cfg) {
  pfhir_client *c = NULL;
  if (cfg == NULL) {
    return NULL;
  }
  CHECK_OK(pfhir_client_new(cfg, &c));
  pfhir_client_config_free(cfg);
  return c;
}

static void test_config_errors(void) {
  pfhir_client_config *cfg = NULL;
  pfhir_client *c = (pfhir_client *)(uintptr_t)1;
  /* An empty configuration cannot make a client. */
  if (CHECK_OK(pfhir_client_config_new(&cfg))) {
    CHECK_CODE(pfhir_client_new(cfg, &c), PFHIR_CODE_CONFIG);
    CHECK(c == (pfhir_client *)(uintptr_t)1);
    CHECK_CODE(pfhir_client_config_set_api_version(cfg, U("v3")), PFHIR_CODE_INVALID_ARGUMENT);
    CHECK_OK(pfhir_client_config_set_api_version(cfg, U("v1")));
    CHECK_OK(pfhir_client_config_set_api_version(cfg, U("v2")));
    CHECK_OK(pfhir_client_config_set_retry(cfg, 1, 0, 0, 0));
    CHECK_OK(pfhir_client_config_set_timeouts(cfg, 0, 0));
    CHECK_OK(pfhir_client_config_set_timeouts(cfg, 5000, 20000));
    CHECK_CODE(pfhir_client_config_set_content_type(cfg, U("text/plain")),
               PFHIR_CODE_INVALID_ARGUMENT);
    CHECK_CODE(pfhir_client_config_set_content_type(NULL, U("application/json")),
               PFHIR_CODE_NULL_ARGUMENT);
    CHECK_OK(pfhir_client_config_set_content_type(cfg, U("application/fhir+json")));
    CHECK_OK(pfhir_client_config_set_content_type(cfg, U("application/json")));
    pfhir_client_config_free(cfg);
  }
  /* http:// is refused. */
  cfg = t_sandbox_config(&sb);
  if (cfg != NULL) {
    CHECK_OK(pfhir_client_config_set_base_url(cfg, U("http://127.0.0.1:1/partners/fhir/stu3/api/")));
    CHECK_CODE(pfhir_client_new(cfg, &c), PFHIR_CODE_CONFIG);
    pfhir_client_config_free(cfg);
  }
  /* A certificate that is not PEM is refused when the client is made. */
  cfg = t_sandbox_config(&sb);
  if (cfg != NULL) {
    CHECK_OK(pfhir_client_config_set_cert_pem(cfg, U("not a certificate")));
    CHECK_CODE(pfhir_client_new(cfg, &c), PFHIR_CODE_CONFIG);
    pfhir_client_config_free(cfg);
  }
  cfg = t_sandbox_config(&sb);
  if (cfg != NULL) {
    CHECK_OK(pfhir_client_config_set_key_pem(cfg, U("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")));
    CHECK_CODE(pfhir_client_new(cfg, &c), PFHIR_CODE_CONFIG);
    pfhir_client_config_free(cfg);
  }
  CHECK(c == (pfhir_client *)(uintptr_t)1);
}

/* NULL and invalid UTF-8 arguments with a live client; nothing is sent. */
static void test_arguments(const pfhir_client *c, const pfhir_bytes *bundle) {
  pfhir_create_result *cr = NULL;
  pfhir_update_result *ur = NULL;
  pfhir_read_result *rr = NULL;
  CHECK_CODE(pfhir_client_create(c, NULL, 5, &cr), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_client_create(c, bundle->data, bundle->len, NULL), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_client_create_with_request_id(c, NULL, 5, U("r"), &cr),
             PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_client_create_with_request_id(c, bundle->data, bundle->len, NULL, 3, &cr),
             PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_client_create_with_request_id(c, bundle->data, bundle->len, U("r"), NULL),
             PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_client_create_with_request_id(c, bundle->data, bundle->len, BAD, &cr),
             PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_client_update(c, NULL, 3, bundle->data, bundle->len, &ur),
             PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_client_update(c, U("id"), NULL, 5, &ur), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_client_update(c, U("id"), bundle->data, bundle->len, NULL),
             PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_client_update(c, BAD, bundle->data, bundle->len, &ur),
             PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_client_update_with_request_id(c, NULL, 3, bundle->data, bundle->len, U("r"),
                                                 &ur),
             PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_client_update_with_request_id(c, U("id"), NULL, 5, U("r"), &ur),
             PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_client_update_with_request_id(c, U("id"), bundle->data, bundle->len, NULL, 3,
                                                 &ur),
             PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_client_update_with_request_id(c, U("id"), bundle->data, bundle->len, U("r"),
                                                 NULL),
             PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_client_update_with_request_id(c, BAD, bundle->data, bundle->len, U("r"), &ur),
             PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_client_update_with_request_id(c, U("id"), bundle->data, bundle->len, BAD, &ur),
             PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_client_read(c, NULL, 3, &rr), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_client_read(c, U("id"), NULL), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_client_read(c, BAD, &rr), PFHIR_CODE_INVALID_UTF8);
  CHECK(cr == NULL && ur == NULL && rr == NULL);
}

/* Create, replay, update, read. Returns the created patient's logical id (malloc'd). */
static char *test_create_update_read(const pfhir_client *c) {
  char pid[64], rid[64];
  char *logical = NULL;
  pfhir_create_result *cr = NULL, *again = NULL;
  pfhir_update_result *ur = NULL;
  pfhir_read_result *rr = NULL;
  pfhir_bytes bundle;
  snprintf(pid, sizeof(pid), "CRU-%s", g_run);
  bundle = t_make_bundle(pid, "Garc\xc3\xad" "a", NULL);
  if (bundle.data == NULL) {
    return NULL;
  }
  test_arguments(c, &bundle);
  if (CHECK_OK(pfhir_client_create(c, bundle.data, bundle.len, &cr))) {
    pfhir_str id = pfhir_create_result_patient_id(cr);
    CHECK(pfhir_create_result_status(cr) >= 200 && pfhir_create_result_status(cr) < 300);
    CHECK(pfhir_create_result_attempts(cr) == 1);
    CHECK(id.len > 0 && id.data[id.len] == '\0');
    CHECK(pfhir_create_result_bundle_id(cr).len > 0);
    CHECK(pfhir_create_result_request_id(cr).len > 0);
    CHECK(t_str_has(pfhir_create_result_bundle_json(cr), "\"resourceType\":\"Bundle\""));
    CHECK(t_str_has(pfhir_create_result_bundle_json(cr), id.data));
    logical = strdup(id.data);
    pfhir_create_result_free(cr);
  }
  pfhir_bytes_free(bundle);
  if (logical == NULL) {
    return NULL;
  }

  /* A create with a caller-given request id, then the same request again: the sandbox
   * replays its first answer (idempotency), so no second patient appears. */
  snprintf(pid, sizeof(pid), "RID-%s", g_run);
  snprintf(rid, sizeof(rid), "c-test-create-%s", g_run);
  bundle = t_make_bundle(pid, "Replay", NULL);
  if (CHECK_OK(pfhir_client_create_with_request_id(c, bundle.data, bundle.len, SV(rid), &cr))) {
    CHECK(t_str_eq(pfhir_create_result_request_id(cr), rid));
    if (CHECK_OK(pfhir_client_create_with_request_id(c, bundle.data, bundle.len, SV(rid),
                                                     &again))) {
      CHECK(t_str_eq(pfhir_create_result_patient_id(again), pfhir_create_result_patient_id(cr).data));
      pfhir_create_result_free(again);
    }
    pfhir_create_result_free(cr);
  }
  pfhir_bytes_free(bundle);

  /* Update the first patient (its logical id in the Bundle), then read it back. */
  snprintf(pid, sizeof(pid), "CRU-%s", g_run);
  bundle = t_make_bundle(pid, "Updated", logical);
  if (CHECK_OK(pfhir_client_update(c, SV(logical), bundle.data, bundle.len, &ur))) {
    CHECK(pfhir_update_result_status(ur) >= 200 && pfhir_update_result_status(ur) < 300);
    CHECK(pfhir_update_result_attempts(ur) == 1);
    CHECK(pfhir_update_result_request_id(ur).len > 0);
    pfhir_update_result_free(ur);
  }
  snprintf(rid, sizeof(rid), "c-test-update-%s", g_run);
  if (CHECK_OK(pfhir_client_update_with_request_id(c, SV(logical), bundle.data, bundle.len,
                                                   SV(rid), &ur))) {
    CHECK(t_str_eq(pfhir_update_result_request_id(ur), rid));
    pfhir_update_result_free(ur);
  }
  pfhir_bytes_free(bundle);
  if (CHECK_OK(pfhir_client_read(c, SV(logical), &rr))) {
    pfhir_str json = pfhir_read_result_patient_json(rr);
    CHECK(pfhir_read_result_status(rr) == 200);
    CHECK(pfhir_read_result_attempts(rr) == 1);
    CHECK(pfhir_read_result_request_id(rr).len > 0);
    CHECK(t_str_has(json, "\"resourceType\":\"Patient\""));
    CHECK(t_str_has(json, logical));
    CHECK(t_str_has(json, "Updated"));
    CHECK(json.data[json.len] == '\0');
    pfhir_read_result_free(rr);
  }
  /* A read with the caller's request id sends that id (and reads the same patient). */
  if (CHECK_OK(pfhir_client_read_with_request_id(c, SV(logical), U("read-request-0001"), &rr))) {
    CHECK(t_str_eq(pfhir_read_result_request_id(rr), "read-request-0001"));
    CHECK(t_str_has(pfhir_read_result_patient_json(rr), logical));
    pfhir_read_result_free(rr);
  }
  CHECK_CODE(pfhir_client_read_with_request_id(c, SV(logical), BAD, &rr), PFHIR_CODE_INVALID_UTF8);
  /* Sequential requests reuse one kept-alive connection. */
  CHECK(pfhir_client_connection_count(c) == 1);
  return logical;
}

static void test_server_errors(const pfhir_client *c, const char *logical) {
  char pid[64], rid[64];
  pfhir_create_result *cr = NULL;
  pfhir_read_result *rr = NULL;
  pfhir_update_result *ur = NULL;
  pfhir_error *err;
  pfhir_bytes bundle;

  /* A duplicate identifier: 409 with an OperationOutcome `invalid`, and our request id. */
  snprintf(pid, sizeof(pid), "CRU-%s", g_run);
  snprintf(rid, sizeof(rid), "c-test-dup-%s", g_run);
  bundle = t_make_bundle(pid, "Duplicate", NULL);
  err = pfhir_client_create_with_request_id(c, bundle.data, bundle.len, SV(rid), &cr);
  CHECK(pfhir_error_code(err) == PFHIR_CODE_SERVER_INVALID);
  CHECK(pfhir_error_http_status(err) == 409);
  CHECK(t_str_has(pfhir_error_outcome_json(err), "\"resourceType\":\"OperationOutcome\""));
  CHECK(t_str_has(pfhir_error_outcome_json(err), "\"code\":\"invalid\""));
  CHECK(t_str_has(pfhir_error_outcome_json(err), "duplicate identifier"));
  CHECK(t_str_eq(pfhir_error_request_id(err), rid));
  CHECK(!pfhir_error_retry_safe(err));
  CHECK(!pfhir_error_may_have_been_processed(err)); /* refused: nothing was created */
  CHECK(pfhir_error_message(err).len > 0);
  CHECK(!t_str_has(pfhir_error_message(err), pid)); /* no patient value */
  /* The platform's free text stays in the OperationOutcome; the message names the code. */
  CHECK(!t_str_has(pfhir_error_message(err), "duplicate identifier"));
  CHECK(t_str_has(pfhir_error_message(err), "issue code(s) invalid"));
  CHECK(pfhir_error_field_count(err) == 0);
  CHECK(pfhir_error_tls_cause(err) == PFHIR_TLS_CAUSE_NONE);
  CHECK(pfhir_error_retry_after_ms(err) == 0);
  {
    pfhir_outcome *o = NULL;
    CHECK_CODE(pfhir_error_outcome(err, &o), PFHIR_CODE_INVALID_ARGUMENT); /* not local */
    CHECK(o == NULL);
  }
  pfhir_error_free(err);
  CHECK(cr == NULL);
  pfhir_bytes_free(bundle);

  /* Unknown ids: 404 not-found. */
  err = pfhir_client_read(c, U("no-such-patient"), &rr);
  CHECK(pfhir_error_code(err) == PFHIR_CODE_NOT_FOUND);
  CHECK(pfhir_error_http_status(err) == 404);
  CHECK(t_str_has(pfhir_error_outcome_json(err), "not-found"));
  CHECK(pfhir_error_request_id(err).len > 0);
  pfhir_error_free(err);
  CHECK(rr == NULL);
  bundle = t_make_bundle(pid, "Nobody", "no-such-patient");
  err = pfhir_client_update(c, U("no-such-patient"), bundle.data, bundle.len, &ur);
  CHECK(pfhir_error_code(err) == PFHIR_CODE_NOT_FOUND);
  CHECK(pfhir_error_http_status(err) == 404);
  pfhir_error_free(err);
  pfhir_bytes_free(bundle);

  /* An invalid Bundle is refused locally: code validation, the local outcome, no request. */
  err = pfhir_client_create(c, U("{\"resourceType\":\"Bundle\"}"), &cr);
  CHECK(pfhir_error_code(err) == PFHIR_CODE_VALIDATION);
  CHECK(pfhir_error_http_status(err) == 0);
  CHECK(t_str_has(pfhir_error_outcome_json(err), "\"resourceType\":\"OperationOutcome\""));
  CHECK(t_str_null(pfhir_error_request_id(err)));
  {
    /* The local findings, issue by issue. */
    pfhir_outcome *o = NULL;
    if (CHECK_OK(pfhir_error_outcome(err, &o))) {
      CHECK(pfhir_outcome_has_errors(o));
      CHECK(pfhir_outcome_issue_count(o) >= 1);
      CHECK(pfhir_outcome_issue_message_id(o, 0).len > 0);
      pfhir_outcome_free(o);
    }
  }
  pfhir_error_free(err);

  /* A gateway error with an HTML body (a fault rule of the sandbox, pushed with curl):
   * code unavailable, the raw body, retried (GET is idempotent) until attempts run out. */
  {
    pfhir_client_config *cfg = t_sandbox_config(&sb);
    pfhir_client *c2;
    int rc = t_sandbox_curl(&sb, "POST", "/_sandbox/faults",
                            "{\"method\":\"GET\",\"pathPrefix\":\"Patient/fault-probe\",\"times\":5,"
                            "\"fault\":{\"kind\":\"status\",\"status\":502,"
                            "\"body\":\"<html><body>Bad gateway</body></html>\"}}");
    CHECK_MSG(rc == 0, "curl pushed the fault rule to the sandbox");
    if (cfg != NULL) {
      CHECK_OK(pfhir_client_config_set_retry(cfg, 2, 10, 20, 5000));
    }
    c2 = make_client(cfg);
    if (c2 != NULL) {
      err = pfhir_client_read(c2, U("fault-probe"), &rr);
      CHECK(pfhir_error_code(err) == PFHIR_CODE_UNAVAILABLE);
      CHECK(pfhir_error_http_status(err) == 502);
      CHECK(t_str_has(pfhir_error_body(err), "<html><body>Bad gateway</body></html>"));
      CHECK(t_str_null(pfhir_error_outcome_json(err)));
      CHECK(pfhir_error_retry_safe(err));
      CHECK(pfhir_error_request_id(err).len > 0);
      pfhir_error_free(err);
      pfhir_client_free(c2);
    }
  }

  /* A create answered 500 `exception`: the platform may have processed it. */
  {
    char epid[64];
    pfhir_bytes eb;
    int rc = t_sandbox_curl(&sb, "POST", "/_sandbox/faults",
                            "{\"method\":\"POST\",\"times\":1,\"fault\":{\"kind\":\"status\","
                            "\"status\":500,\"outcome\":{\"code\":\"exception\"}}}");
    CHECK_MSG(rc == 0, "curl pushed the 500 rule to the sandbox");
    snprintf(epid, sizeof(epid), "EXC-%s", g_run);
    eb = t_make_bundle(epid, "Exception", NULL);
    err = pfhir_client_create(c, eb.data, eb.len, &cr);
    CHECK(pfhir_error_code(err) == PFHIR_CODE_SERVER_EXCEPTION);
    CHECK(pfhir_error_may_have_been_processed(err));
    pfhir_error_free(err);
    pfhir_bytes_free(eb);
  }

  /* A create whose answer is lost (processed, then the connection dropped): the error may
   * have been processed; resolving it against the de-duplicating sandbox finds the patient,
   * and asking a person (the default) sends nothing. */
  {
    char lpid[64];
    pfhir_bytes lb, id = {NULL, 0};
    pfhir_create_state state = 0;
    pfhir_client_config *cfg = t_sandbox_config(&sb);
    pfhir_client *cl;
    int rc = t_sandbox_curl(&sb, "POST", "/_sandbox/faults",
                            "{\"method\":\"POST\",\"times\":1,\"fault\":{\"kind\":\"dropAfterBody\"}}");
    CHECK_MSG(rc == 0, "curl pushed the drop rule to the sandbox");
    snprintf(lpid, sizeof(lpid), "LOST-%s", g_run);
    lb = t_make_bundle(lpid, "Lost", NULL);
    CHECK_CODE(pfhir_client_config_set_uncertain_create(cfg, 7, 0), PFHIR_CODE_INVALID_ARGUMENT);
    CHECK_CODE(pfhir_client_config_set_uncertain_create(cfg, PFHIR_UNCERTAIN_RESEND_DUPLICATE_STATUS, 200),
               PFHIR_CODE_INVALID_ARGUMENT);
    CHECK_OK(pfhir_client_config_set_uncertain_create(cfg, PFHIR_UNCERTAIN_RESEND_DEDUPLICATING, 0));
    cl = make_client(cfg);
    if (cl != NULL) {
      char lrid[64];
      pfhir_str r;
      err = pfhir_client_create(cl, lb.data, lb.len, &cr);
      CHECK(pfhir_error_may_have_been_processed(err));
      r = pfhir_error_request_id(err);
      snprintf(lrid, sizeof(lrid), "%.*s", (int)r.len, r.data != NULL ? r.data : "");
      pfhir_error_free(err);
      CHECK_CODE(pfhir_client_resolve_uncertain_create(cl, lb.data, lb.len, SV(lrid), NULL, &id),
                 PFHIR_CODE_NULL_ARGUMENT);
      if (CHECK_OK(pfhir_client_resolve_uncertain_create(cl, lb.data, lb.len, SV(lrid), &state, &id))) {
        CHECK(state == PFHIR_CREATE_CREATED);
        CHECK(id.len > 0);
        pfhir_bytes_free(id);
      }
      pfhir_client_free(cl);
    }
    /* The default policy sends nothing on v2: created, id unknown. */
    cfg = t_sandbox_config(&sb);
    cl = make_client(cfg);
    if (cl != NULL) {
      if (CHECK_OK(pfhir_client_resolve_uncertain_create(cl, lb.data, lb.len, U("any-request"), &state, &id))) {
        CHECK(state == PFHIR_CREATE_CREATED_ID_UNKNOWN);
        CHECK(id.len == 0);
        pfhir_bytes_free(id);
      }
      pfhir_client_free(cl);
    }
    pfhir_bytes_free(lb);
  }

  /* An update whose Bundle is for another patient: refused before sending. */
  {
    char upid[64];
    pfhir_bytes ub;
    snprintf(upid, sizeof(upid), "UPD-%s", g_run);
    ub = t_make_bundle(upid, "Target", "the-bundles-patient");
    err = pfhir_client_update(c, U("someone-else"), ub.data, ub.len, &ur);
    CHECK(pfhir_error_code(err) == PFHIR_CODE_UPDATE_TARGET_MISMATCH);
    CHECK(!pfhir_error_may_have_been_processed(err));
    CHECK(t_str_null(pfhir_error_request_id(err)) || pfhir_error_request_id(err).len == 0);
    CHECK(!t_str_has(pfhir_error_message(err), "someone-else"));
    pfhir_error_free(err);
    pfhir_bytes_free(ub);
  }

  /* 429 with Retry-After: code rate_limited, the delay in milliseconds. */
  {
    pfhir_client_config *cfg = t_sandbox_config(&sb);
    pfhir_client *c6;
    int rc = t_sandbox_curl(&sb, "POST", "/_sandbox/faults",
                            "{\"method\":\"GET\",\"pathPrefix\":\"Patient/rate-probe\",\"times\":3,"
                            "\"fault\":{\"kind\":\"status\",\"status\":429,\"retryAfter\":2}}");
    CHECK_MSG(rc == 0, "curl pushed the 429 rule to the sandbox");
    if (cfg != NULL) {
      CHECK_OK(pfhir_client_config_set_retry(cfg, 1, 10, 20, 5000));
    }
    c6 = make_client(cfg);
    if (c6 != NULL) {
      err = pfhir_client_read(c6, U("rate-probe"), &rr);
      CHECK(pfhir_error_code(err) == PFHIR_CODE_RATE_LIMITED);
      CHECK(pfhir_error_http_status(err) == 429);
      CHECK(pfhir_error_retry_after_ms(err) == 2000);
      CHECK(pfhir_error_retry_safe(err));
      pfhir_error_free(err);
      pfhir_client_free(c6);
    }
  }

  /* A 200 answer whose Patient does not fit the model (`given` as a string; a fault rule of
   * the sandbox): code invalid_response, a message that names the line, column and expected
   * type but never the patient's values; the body keeps them for the caller. */
  {
    int rc = t_sandbox_curl(
        &sb, "POST", "/_sandbox/faults",
        "{\"method\":\"GET\",\"pathPrefix\":\"Patient/bad-body-probe\",\"times\":1,"
        "\"fault\":{\"kind\":\"status\",\"status\":200,\"body\":"
        "\"{\\\"resourceType\\\":\\\"Patient\\\",\\\"name\\\":[{\\\"family\\\":"
        "\\\"FAMILYMARK\\\",\\\"given\\\":\\\"NOTANARRAY-GIVEN\\\"}]}\"}}");
    CHECK_MSG(rc == 0, "curl pushed the 200 rule to the sandbox");
    err = pfhir_client_read(c, U("bad-body-probe"), &rr);
    CHECK(pfhir_error_code(err) == PFHIR_CODE_INVALID_RESPONSE);
    CHECK(pfhir_error_http_status(err) == 200);
    CHECK(t_str_has(pfhir_error_message(err), "wrong type: found a string, expected a sequence"));
    CHECK(!t_str_has(pfhir_error_message(err), "NOTANARRAY-GIVEN"));
    CHECK(!t_str_has(pfhir_error_message(err), "FAMILYMARK"));
    CHECK(t_str_has(pfhir_error_body(err), "NOTANARRAY-GIVEN"));
    if (t_str_has(pfhir_error_message(err), "NOTANARRAY-GIVEN")) {
      fprintf(stderr, "  message: %s\n", pfhir_error_message(err).data);
    }
    pfhir_error_free(err);
    CHECK(rr == NULL);
  }

  /* A wrong secret: 403 with an empty body. */
  {
    pfhir_client_config *cfg = t_sandbox_config(&sb);
    pfhir_client *c3;
    if (cfg != NULL) {
      CHECK_OK(pfhir_client_config_set_client_secret(cfg, U("wrong-secret")));
    }
    c3 = make_client(cfg);
    if (c3 != NULL) {
      err = pfhir_client_read(c3, SV(logical), &rr);
      CHECK(pfhir_error_code(err) == PFHIR_CODE_FORBIDDEN);
      CHECK(pfhir_error_http_status(err) == 403);
      CHECK(t_str_null(pfhir_error_outcome_json(err)));
      CHECK(!t_str_has(pfhir_error_message(err), "wrong-secret"));
      pfhir_error_free(err);
      pfhir_client_free(c3);
    }
  }

  /* The server's certificate from an unknown CA (no ca_pem; the Mozilla roots built into
   * pfhir, named so that the cause is the same on every platform: the default, the operating
   * system's verifier, reports the unknown CA its own way, e.g. Wine's crypt32): TLS. */
  {
    pfhir_client_config *cfg = NULL;
    pfhir_client *c4 = NULL;
    if (CHECK_OK(pfhir_client_config_new(&cfg))) {
      CHECK_OK(pfhir_client_config_set_base_url(cfg, SV(sb.url)));
      CHECK_OK(pfhir_client_config_set_cert_pem(cfg, (const uint8_t *)sb.cert_pem, sb.cert_len));
      CHECK_OK(pfhir_client_config_set_key_pem(cfg, (const uint8_t *)sb.key_pem, sb.key_len));
      CHECK_OK(pfhir_client_config_set_org_id(cfg, U("2.16.724.4.2")));
      CHECK_OK(pfhir_client_config_set_client_id(cfg, U("1234567890")));
      CHECK_OK(pfhir_client_config_set_client_secret(cfg, U("sandbox-secret")));
      CHECK_OK(pfhir_client_config_set_retry(cfg, 1, 0, 0, 0));
      CHECK_OK(pfhir_client_config_set_trust_store(cfg, PFHIR_TRUST_MOZILLA));
      c4 = make_client(cfg);
    }
    if (c4 != NULL) {
      err = pfhir_client_read(c4, SV(logical), &rr);
      CHECK(pfhir_error_code(err) == PFHIR_CODE_TLS);
      CHECK(pfhir_error_tls_cause(err) == PFHIR_TLS_CAUSE_UNKNOWN_CA);
      CHECK(pfhir_error_http_status(err) == 0);
      pfhir_error_free(err);
      pfhir_client_free(c4);
    }
  }

  /* A client certificate from another CA (a second sandbox's PKI): refused by the server. */
  {
    t_sandbox other;
    pfhir_client_config *cfg = t_sandbox_config(&sb);
    pfhir_client *c7 = NULL;
    if (CHECK_MSG(t_sandbox_start(&other, g_pfhir_bin), "a second sandbox started")) {
      if (cfg != NULL) {
        CHECK_OK(pfhir_client_config_set_cert_pem(cfg, (const uint8_t *)other.cert_pem,
                                                  other.cert_len));
        CHECK_OK(pfhir_client_config_set_key_pem(cfg, (const uint8_t *)other.key_pem,
                                                 other.key_len));
        CHECK_OK(pfhir_client_config_set_retry(cfg, 1, 0, 0, 0));
        c7 = make_client(cfg);
        cfg = NULL;
      }
      t_sandbox_stop(&other);
    }
    pfhir_client_config_free(cfg);
    if (c7 != NULL) {
      err = pfhir_client_read(c7, SV(logical), &rr);
      CHECK(pfhir_error_code(err) == PFHIR_CODE_TLS);
      CHECK(pfhir_error_tls_cause(err) == PFHIR_TLS_CAUSE_CLIENT_CERT_REJECTED);
      CHECK(pfhir_error_http_status(err) == 0);
      if (pfhir_error_code(err) != PFHIR_CODE_TLS) {
        fprintf(stderr, "  got %s: %s\n", pfhir_code_name((uint32_t)pfhir_error_code(err)).data,
                pfhir_error_message(err).data);
      }
      pfhir_error_free(err);
      /* A create too: with TLS 1.3 the refusal comes after the handshake; it is still a TLS
       * error with its cause, never outcome_unknown (it was, 6 times out of 6). */
      {
        pfhir_create_result *cr7 = NULL;
        pfhir_bytes b7;
        char pid7[64];
        snprintf(pid7, sizeof(pid7), "TLS-%s", g_run);
        b7 = t_make_bundle(pid7, "Refused", NULL);
        err = pfhir_client_create(c7, b7.data, b7.len, &cr7);
        CHECK(pfhir_error_code(err) == PFHIR_CODE_TLS);
        CHECK(pfhir_error_tls_cause(err) == PFHIR_TLS_CAUSE_CLIENT_CERT_REJECTED);
        CHECK(!pfhir_error_retry_safe(err));
        CHECK(cr7 == NULL);
        if (pfhir_error_code(err) != PFHIR_CODE_TLS) {
          fprintf(stderr, "  create got %s: %s\n",
                  pfhir_code_name((uint32_t)pfhir_error_code(err)).data,
                  pfhir_error_message(err).data);
        }
        pfhir_error_free(err);
        pfhir_bytes_free(b7);
      }
      pfhir_client_free(c7);
    }
  }

  /* Nobody listening: connect, nothing sent. */
  {
    struct sockaddr_in addr;
    socklen_t alen = sizeof(addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    char url[128];
    pfhir_client_config *cfg = t_sandbox_config(&sb);
    pfhir_client *c5;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    bind(fd, (struct sockaddr *)&addr, sizeof(addr));
    getsockname(fd, (struct sockaddr *)&addr, &alen);
    close(fd); /* the port is free and closed */
    snprintf(url, sizeof(url), "https://127.0.0.1:%u/partners/fhir/stu3/api/",
             (unsigned)ntohs(addr.sin_port));
    if (cfg != NULL) {
      CHECK_OK(pfhir_client_config_set_base_url(cfg, SV(url)));
      CHECK_OK(pfhir_client_config_set_retry(cfg, 1, 0, 0, 0));
      CHECK_OK(pfhir_client_config_set_timeouts(cfg, 2000, 2000));
    }
    c5 = make_client(cfg);
    if (c5 != NULL) {
      err = pfhir_client_read(c5, U("x"), &rr);
      CHECK(pfhir_error_code(err) == PFHIR_CODE_CONNECT);
      CHECK(pfhir_error_http_status(err) == 0);
      CHECK(pfhir_error_retry_safe(err));
      pfhir_error_free(err);
      pfhir_client_free(c5);
    }
  }
}

/* Local validation with the options given to the configuration (copied). */
static void test_validator_options_in_config(void) {
  pfhir_client_config *cfg = t_sandbox_config(&sb);
  pfhir_validator_options *opts = NULL;
  pfhir_client *c;
  pfhir_create_result *cr = NULL;
  pfhir_bytes bundle;
  char pid[64];
  if (cfg == NULL || !CHECK_OK(pfhir_validator_options_new(&opts))) {
    pfhir_client_config_free(cfg);
    return;
  }
  CHECK_OK(pfhir_validator_options_set_limits(opts, 256, 0));
  CHECK_OK(pfhir_client_config_set_validator_options(cfg, opts));
  pfhir_validator_options_free(opts);
  c = make_client(cfg);
  if (c == NULL) {
    return;
  }
  snprintf(pid, sizeof(pid), "OPT-%s", g_run);
  bundle = t_make_bundle(pid, "Options", NULL);
  {
    pfhir_error *err = pfhir_client_create(c, bundle.data, bundle.len, &cr);
    CHECK(pfhir_error_code(err) == PFHIR_CODE_VALIDATION);
    CHECK(t_str_has(pfhir_error_outcome_json(err), "too-long"));
    pfhir_error_free(err);
  }
  CHECK(pfhir_client_connection_count(c) == 0); /* nothing was sent */
  pfhir_bytes_free(bundle);
  pfhir_client_free(c);
}

/* One client, 4 threads, concurrent reads. */
typedef struct reader_arg {
  const pfhir_client *c;
  const char *id;
  int ok;
  int failures;
} reader_arg;

static void *reader(void *p) {
  reader_arg *a = (reader_arg *)p;
  int i;
  for (i = 0; i < 8; i++) {
    pfhir_read_result *rr = NULL;
    pfhir_error *err = pfhir_client_read(a->c, (const uint8_t *)a->id, strlen(a->id), &rr);
    if (err == NULL && pfhir_read_result_status(rr) == 200 &&
        t_str_has(pfhir_read_result_patient_json(rr), a->id)) {
      a->ok++;
    } else {
      pfhir_str m = pfhir_error_message(err);
      fprintf(stderr, "concurrent read failed: %s\n", m.data != NULL ? m.data : "bad result");
      a->failures++;
    }
    pfhir_error_free(err);
    pfhir_read_result_free(rr);
  }
  return NULL;
}

static void test_concurrent_reads(const char *logical) {
  pfhir_client *c = make_client(t_sandbox_config(&sb));
  pthread_t th[4];
  reader_arg args[4];
  int i;
  if (c == NULL) {
    return;
  }
  for (i = 0; i < 4; i++) {
    args[i].c = c;
    args[i].id = logical;
    args[i].ok = 0;
    args[i].failures = 0;
    CHECK(pthread_create(&th[i], NULL, reader, &args[i]) == 0);
  }
  for (i = 0; i < 4; i++) {
    pthread_join(th[i], NULL);
    CHECK(args[i].ok == 8 && args[i].failures == 0);
  }
  /* At most one connection per thread: the rest were reused. */
  CHECK(pfhir_client_connection_count(c) >= 1 && pfhir_client_connection_count(c) <= 4);
  pfhir_client_free(c);
}

int main(int argc, char **argv) {
  pfhir_client *c;
  char *logical;
  if (argc < 2) {
    fprintf(stderr, "usage: %s PFHIR_BIN\n", argv[0]);
    return 2;
  }
  snprintf(g_run, sizeof(g_run), "%ld-%ld", (long)getpid(), (long)time(NULL));
  g_pfhir_bin = argv[1];
  if (!t_sandbox_start(&sb, argv[1])) {
    fprintf(stderr, "cannot start the sandbox with %s\n", argv[1]);
    return 1;
  }
  printf("sandbox: %s\n", sb.url);
  test_config_errors();
  c = make_client(t_sandbox_config(&sb));
  if (c != NULL) {
    logical = test_create_update_read(c);
    if (logical != NULL) {
      test_server_errors(c, logical);
      test_concurrent_reads(logical);
      free(logical);
    }
    pfhir_client_free(c);
  }
  test_validator_options_in_config();
  t_sandbox_stop(&sb);
  return t_summary("test_client");
}
