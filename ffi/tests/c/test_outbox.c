/*
 * The embedded outbox of the C ABI (pfhir_outbox_*) in a host that links the system's SQLite
 * too (-lsqlite3): the host's sqlite3_* calls reach the system library, not the SQLite that
 * libpfhir bundles (libpfhir.so exports only pfhir_*; the static libpfhir.a is made private
 * by scripts/lib.sh's private_static_lib), and the host reads pfhir's outbox file with it.
 * Against a real `pfhir sandbox` over mutual TLS: a Bundle and an HL7 message submitted,
 * delivered, their status; a re-send; an update; submissions while the platform is down
 * delivered after close and reopen; refusals (invalid Bundle, not an ADT message); NULL and
 * invalid arguments.
 *
 * Usage: test_outbox PFHIR_BIN  (the `pfhir` CLI, which runs the sandbox)
 */
#define _POSIX_C_SOURCE 200809L

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pfhir.h"
#include "test_util.h"

#define U(s) (const uint8_t *)(s), (sizeof(s) - 1)
#define SV(s) (const uint8_t *)(s), strlen(s)

static t_sandbox sb;
static char g_run[32]; /* makes identifiers unique per run */
static char g_dir[64]; /* the outbox folder */

/* The host's own SQLite is the system's, and works beside pfhir's. */
static void test_host_sqlite(void) {
  sqlite3 *db = NULL;
  char *err = NULL;
  CHECK_MSG(strcmp(sqlite3_libversion(), SQLITE_VERSION) == 0,
            "sqlite3_libversion() is the system SQLite's (the header's SQLITE_VERSION)");
  CHECK_MSG(strcmp(sqlite3_sourceid(), SQLITE_SOURCE_ID) == 0,
            "sqlite3_sourceid() is the system SQLite's");
  CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
  CHECK(sqlite3_exec(db, "CREATE TABLE t (x); INSERT INTO t VALUES (1);", NULL, NULL, &err) ==
        SQLITE_OK);
  sqlite3_free(err);
  sqlite3_close(db);
  printf("host SQLite %s\n", sqlite3_libversion());
}

/* How many messages the outbox file holds, read with the host's (system) SQLite. Only while
 * no outbox has the folder open: two copies of SQLite in one process do not see each other's
 * POSIX locks, so one can reset the WAL index the other has mapped (sqlite.org/howtocorrupt,
 * 2.2.1; valgrind caught a SIGBUS in walIndexRecover when this ran beside a live outbox). */
static long count_with_host_sqlite(void) {
  char path[128];
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  long n = -1;
  snprintf(path, sizeof(path), "%s/outbox.sqlite", g_dir);
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM messages", -1, &st, NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    n = (long)sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

/* A message of type `type` (ADT^A04^ADT_A01...) and event `event` for patient `pid`. */
static void make_hl7(char *out, size_t n, const char *type, const char *event, const char *ctrl,
                     const char *pid) {
  snprintf(out, n,
           "MSH|^~\\&|HIS|HOSPITAL^2.16.724.4.2^ISO|PFHIR|PARTNER|20240315103000+0100||%s|%s|P|"
           "2.5.1\rEVN|%s|20240315103000\rPID|1||%s^^^CIP^JHN||GARCIA^MARIA||19750616|F\r"
           "DG1|1||E11^Type 2 diabetes mellitus^I10||20100501|F\r",
           type, ctrl, event, pid);
}

static pfhir_outbox *open_outbox(pfhir_client_config *cfg) {
  pfhir_outbox *o = NULL;
  if (cfg == NULL) {
    return NULL;
  }
  CHECK_OK(pfhir_outbox_open(SV(g_dir), cfg, NULL, 2, &o));
  pfhir_client_config_free(cfg);
  return o;
}

/* Waits (20 s at most) until message `id` is in `state`; returns its logical id (malloc'd,
 * or NULL). */
static char *wait_state(const pfhir_outbox *o, uint64_t id, pfhir_outbox_state state) {
  for (int i = 0; i < 400; i++) {
    pfhir_message_status *s = NULL;
    if (!CHECK_OK(pfhir_outbox_status(o, id, &s))) {
      return NULL;
    }
    if (pfhir_message_status_state(s) == state) {
      pfhir_str l = pfhir_message_status_logical_id(s);
      char *logical = NULL;
      if (l.data != NULL) {
        logical = malloc(l.len + 1);
        if (logical != NULL) {
          memcpy(logical, l.data, l.len + 1);
        }
      }
      CHECK(pfhir_message_status_attempts(s) >= 1 || state == PFHIR_OUTBOX_STATE_PENDING);
      pfhir_message_status_free(s);
      return logical != NULL ? logical : strdup("");
    }
    pfhir_message_status_free(s);
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  fprintf(stderr, "message %llu never reached state %u\n", (unsigned long long)id, state);
  CHECK_MSG(false, "the message reached its state within 20 s");
  return NULL;
}

static void test_arguments(void) {
  pfhir_outbox *o = (pfhir_outbox *)(uintptr_t)1;
  pfhir_submission *s = NULL;
  pfhir_message_status *st = NULL;
  pfhir_bytes ack = {NULL, 0};
  pfhir_client_config *cfg = t_sandbox_config(&sb);
  CHECK_CODE(pfhir_outbox_open(SV(g_dir), NULL, NULL, 1, &o), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_outbox_open(SV(g_dir), cfg, NULL, 1, NULL), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_outbox_open(NULL, 0, cfg, NULL, 1, &o), PFHIR_CODE_INVALID_ARGUMENT);
  CHECK_CODE(pfhir_outbox_open(U("ab\x80\xff"), cfg, NULL, 1, &o), PFHIR_CODE_INVALID_UTF8);
  CHECK(o == (pfhir_outbox *)(uintptr_t)1);
  pfhir_client_config_free(cfg);
  CHECK_CODE(pfhir_outbox_submit_bundle(NULL, U("{}"), PFHIR_OUTBOX_KIND_CREATE, &s),
             PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_outbox_submit_hl7(NULL, U("MSH|"), &s), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_outbox_status(NULL, 1, &st), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_submission_ack(NULL, &ack), PFHIR_CODE_NULL_ARGUMENT);
  CHECK(pfhir_submission_id(NULL) == 0);
  CHECK(pfhir_submission_received(NULL) == 0);
  CHECK(pfhir_message_status_state(NULL) == 0);
  CHECK(pfhir_message_status_attempts(NULL) == 0);
  CHECK(t_str_null(pfhir_message_status_logical_id(NULL)));
  CHECK(t_str_null(pfhir_message_status_detail(NULL)));
  pfhir_outbox_close(NULL);
  pfhir_submission_free(NULL);
  pfhir_message_status_free(NULL);
}

/* Refusals with a live outbox: nothing is stored. */
static void test_refusals(const pfhir_outbox *o) {
  pfhir_submission *s = NULL;
  pfhir_message_status *st = NULL;
  pfhir_error *err;
  pfhir_outcome *outcome = NULL;
  pfhir_bytes ack = {NULL, 0};
  char pid[64], msg[512];
  snprintf(pid, sizeof(pid), "OBR-%s", g_run);
  /* An invalid Bundle: a validation error whose outcome names the element. */
  err = pfhir_outbox_submit_bundle(o, U("{\"resourceType\":\"Bundle\",\"type\":\"message\"}"),
                                   PFHIR_OUTBOX_KIND_CREATE, &s);
  CHECK(pfhir_error_code(err) == PFHIR_CODE_VALIDATION);
  CHECK(t_str_has(pfhir_error_outcome_json(err), "OperationOutcome"));
  if (CHECK_OK(pfhir_error_outcome(err, &outcome))) {
    CHECK(pfhir_outcome_has_errors(outcome));
    pfhir_outcome_free(outcome);
  }
  pfhir_error_free(err);
  CHECK(s == NULL);
  pfhir_bytes b = t_make_bundle(pid, "GARCIA", NULL);
  CHECK_CODE(pfhir_outbox_submit_bundle(o, b.data, b.len, 9, &s), PFHIR_CODE_INVALID_ARGUMENT);
  CHECK_CODE(pfhir_outbox_submit_bundle(o, b.data, b.len, PFHIR_OUTBOX_KIND_CREATE, NULL),
             PFHIR_CODE_NULL_ARGUMENT);
  pfhir_bytes_free(b);
  /* Not an ADT message: refused with an AR, not stored, id 0. */
  make_hl7(msg, sizeof(msg), "ORU^R01^ORU_R01", "R01", "REF1", pid);
  if (CHECK_OK(pfhir_outbox_submit_hl7(o, SV(msg), &s))) {
    CHECK(pfhir_submission_received(s) == PFHIR_RECEIVED_REFUSED);
    CHECK(pfhir_submission_id(s) == 0);
    if (CHECK_OK(pfhir_submission_ack(s, &ack))) {
      CHECK(ack.len > 0 && strstr((const char *)ack.data, "MSA|AR|REF1") != NULL);
      CHECK(strstr((const char *)ack.data, pid) == NULL);
      pfhir_bytes_free(ack);
    }
    pfhir_submission_free(s);
  }
  CHECK_CODE(pfhir_outbox_status(o, 999999, &st), PFHIR_CODE_NOT_FOUND);
  /* That nothing was stored is checked once the outbox is closed (test_delivery counts
   * exactly its own two messages): the host's SQLite must not open the file while pfhir's
   * has it open (see count_with_host_sqlite). */
}

/* Submitted while the platform cannot be reached: waiting; after close and reopen with the
 * right address, delivered. Then a Bundle and an HL7 update, and a re-send. */
static void test_delivery(void) {
  pfhir_submission *s = NULL;
  pfhir_bytes ack = {NULL, 0};
  uint64_t bundle_id = 0, hl7_id = 0;
  char pid1[64], pid2[64], msg[512], *logical = NULL, *other;
  snprintf(pid1, sizeof(pid1), "OB1-%s", g_run);
  snprintf(pid2, sizeof(pid2), "OB2-%s", g_run);

  pfhir_client_config *down = t_sandbox_config(&sb);
  if (down != NULL) {
    CHECK_OK(pfhir_client_config_set_base_url(down, U("https://127.0.0.1:1/partners/fhir/stu3/api/")));
    CHECK_OK(pfhir_client_config_set_retry(down, 1, 0, 0, 0));
  }
  pfhir_outbox *o = open_outbox(down);
  if (o == NULL) {
    return;
  }
  test_refusals(o);
  pfhir_bytes b = t_make_bundle(pid1, "GARCIA", NULL);
  if (CHECK_OK(pfhir_outbox_submit_bundle(o, b.data, b.len, PFHIR_OUTBOX_KIND_CREATE, &s))) {
    CHECK(pfhir_submission_received(s) == PFHIR_RECEIVED_STORED);
    bundle_id = pfhir_submission_id(s);
    CHECK(bundle_id > 0);
    if (CHECK_OK(pfhir_submission_ack(s, &ack))) {
      CHECK(ack.len == 0);
      pfhir_bytes_free(ack);
    }
    pfhir_submission_free(s);
  }
  make_hl7(msg, sizeof(msg), "ADT^A04^ADT_A01", "A04", "OBX1", pid2);
  if (CHECK_OK(pfhir_outbox_submit_hl7(o, SV(msg), &s))) {
    CHECK(pfhir_submission_received(s) == PFHIR_RECEIVED_STORED);
    hl7_id = pfhir_submission_id(s);
    CHECK(hl7_id > bundle_id);
    if (CHECK_OK(pfhir_submission_ack(s, &ack))) {
      CHECK(ack.len > 0 && strstr((const char *)ack.data, "MSA|AA|OBX1") != NULL);
      pfhir_bytes_free(ack);
    }
    pfhir_submission_free(s);
  }
  free(wait_state(o, bundle_id, PFHIR_OUTBOX_STATE_WAITING));
  free(wait_state(o, hl7_id, PFHIR_OUTBOX_STATE_WAITING));
  /* The waiting message says why, without patient values. */
  pfhir_message_status *st = NULL;
  if (CHECK_OK(pfhir_outbox_status(o, bundle_id, &st))) {
    CHECK(t_str_has(pfhir_message_status_detail(st), "connect"));
    CHECK(!t_str_has(pfhir_message_status_detail(st), pid1));
    CHECK(t_str_null(pfhir_message_status_logical_id(st)));
    pfhir_message_status_free(st);
  }
  pfhir_outbox_close(o);
  CHECK(count_with_host_sqlite() == 2);

  /* Reopened with the platform's address: both are delivered. */
  o = open_outbox(t_sandbox_config(&sb));
  if (o == NULL) {
    pfhir_bytes_free(b);
    return;
  }
  logical = wait_state(o, bundle_id, PFHIR_OUTBOX_STATE_DELIVERED);
  other = wait_state(o, hl7_id, PFHIR_OUTBOX_STATE_DELIVERED);
  CHECK(logical != NULL && strlen(logical) > 0);
  CHECK(other != NULL && strlen(other) > 0);
  free(other);
  /* A re-send of the same Bundle (same Bundle.id): the first id, nothing stored. */
  if (CHECK_OK(pfhir_outbox_submit_bundle(o, b.data, b.len, PFHIR_OUTBOX_KIND_CREATE, &s))) {
    CHECK(pfhir_submission_received(s) == PFHIR_RECEIVED_DUPLICATE);
    CHECK(pfhir_submission_id(s) == bundle_id);
    pfhir_submission_free(s);
  }
  pfhir_bytes_free(b);
  /* An update as a Bundle, to the logical id; an HL7 update through the id map. */
  if (logical != NULL) {
    pfhir_bytes u = t_make_bundle(pid1, "MARTIN", logical);
    if (CHECK_OK(pfhir_outbox_submit_bundle(o, u.data, u.len, PFHIR_OUTBOX_KIND_UPDATE, &s))) {
      free(wait_state(o, pfhir_submission_id(s), PFHIR_OUTBOX_STATE_DELIVERED));
      pfhir_submission_free(s);
    }
    pfhir_bytes_free(u);
  }
  make_hl7(msg, sizeof(msg), "ADT^A08^ADT_A01", "A08", "OBX2", pid1);
  if (CHECK_OK(pfhir_outbox_submit_hl7(o, SV(msg), &s))) {
    CHECK(pfhir_submission_received(s) == PFHIR_RECEIVED_STORED);
    free(wait_state(o, pfhir_submission_id(s), PFHIR_OUTBOX_STATE_DELIVERED));
    pfhir_submission_free(s);
  }
  free(logical);
  pfhir_outbox_close(o);
  CHECK(count_with_host_sqlite() == 4);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s PFHIR_BIN\n", argv[0]);
    return 2;
  }
  snprintf(g_run, sizeof(g_run), "%ld-%ld", (long)getpid(), (long)time(NULL));
  snprintf(g_dir, sizeof(g_dir), "/tmp/pfhir-outbox-c-XXXXXX");
  if (mkdtemp(g_dir) == NULL) {
    perror("mkdtemp");
    return 1;
  }
  test_host_sqlite();
  if (!t_sandbox_start(&sb, argv[1])) {
    fprintf(stderr, "cannot start the sandbox with %s\n", argv[1]);
    return 1;
  }
  printf("sandbox: %s\n", sb.url);
  test_arguments();
  test_delivery();
  t_sandbox_stop(&sb);
  char cmd[128];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_dir);
  if (system(cmd) != 0) {
    fprintf(stderr, "could not remove %s\n", g_dir);
  }
  return t_summary("test_outbox");
}
