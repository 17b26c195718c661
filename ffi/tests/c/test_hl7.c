/*
 * HL7 v2 in through the C ABI (pfhir_hl7_*):
 *   1. the corpus tests/fixtures/hl7v2: every message, converted with the options of
 *      options.json and its own NAME.options.json (set with pfhir_hl7_options_*), gives its
 *      NAME.bundle.json (when one results) and NAME.outcome.json (compared as JSON values:
 *      the files are pretty-printed), its NAME.ack.hl7 byte for byte, and the ACK code, the
 *      event kind and the (message id, HL7 location) of every error of NAME.expected.json;
 *   2. misuse: NULL arguments, invalid UTF-8 options, bad option values, a huge message, a
 *      message that is not HL7 at all, binary bytes, NULL results read as empty.
 *
 * Usage: test_hl7 FIXTURE_DIR
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mini_json.h"
#include "pfhir.h"
#include "test_util.h"

#define U(s) (const uint8_t *)(s), strlen(s)

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Deep equality of two JSON values (member order included). */
static bool mj_equal(const mj_value *a, const mj_value *b) {
  size_t i;
  if (a == NULL || b == NULL || a->kind != b->kind) return false;
  switch (a->kind) {
    case MJ_NULL: return true;
    case MJ_BOOL: return a->boolean == b->boolean;
    case MJ_NUMBER: return a->number == b->number;
    case MJ_STRING:
      return a->string_len == b->string_len && memcmp(a->string, b->string, a->string_len) == 0;
    case MJ_ARRAY:
    case MJ_OBJECT:
      if (a->count != b->count) return false;
      for (i = 0; i < a->count; i++) {
        if (a->kind == MJ_OBJECT && strcmp(a->keys[i], b->keys[i]) != 0) return false;
        if (!mj_equal(a->items[i], b->items[i])) return false;
      }
      return true;
  }
  return false;
}

/* `name` with ".hl7" replaced by `suffix`, in `dir`. */
static char *sibling(const char *dir, const char *name, const char *suffix) {
  size_t n = strlen(dir) + strlen(name) + strlen(suffix) + 2;
  char *p = (char *)malloc(n);
  snprintf(p, n, "%s/%.*s%s", dir, (int)(strlen(name) - 4), name, suffix);
  return p;
}

static mj_value *read_json(const char *path) {
  size_t len = 0;
  char *text = t_read_file(path, &len);
  mj_value *v = text ? mj_parse(text, len) : NULL;
  free(text);
  return v;
}

/* Sets a text option from a JSON member (null or absent: the default). */
static bool set_opt(pfhir_hl7_options *o, pfhir_hl7_option which, const mj_value *v) {
  const char *s = mj_str(v);
  if (s == NULL) return CHECK_OK(pfhir_hl7_options_set(o, which, NULL, 0));
  return CHECK_OK(pfhir_hl7_options_set(o, which, U(s)));
}

/* The options of a fixture: options.json, then its own members over them. */
static pfhir_hl7_options *options_for(const char *dir, const char *name) {
  char *base_path = (char *)malloc(strlen(dir) + 16);
  char *own_path = sibling(dir, name, ".options.json");
  mj_value *base, *own;
  const mj_value *ids, *list, *n;
  pfhir_hl7_options *o = NULL;
  size_t i;
  bool ok = true;
  sprintf(base_path, "%s/options.json", dir);
  base = read_json(base_path);
  own = read_json(own_path); /* NULL when the fixture has none */
  free(base_path);
  free(own_path);
  if (!CHECK_MSG(base != NULL, "options.json reads") || !CHECK_OK(pfhir_hl7_options_new(&o))) {
    mj_free(base);
    mj_free(own);
    return NULL;
  }
#define PICK(key) (own && mj_get(own, key) ? mj_get(own, key) : mj_get(base, key))
  list = PICK("hl7Authorities");
  for (i = 0; list && i < list->count; i++) {
    const char *spec = mj_str(mj_at(list, i));
    const char *eq = spec ? strchr(spec, '=') : NULL;
    ok &= CHECK_MSG(eq != NULL, "hl7Authorities are NS=SYSTEM");
    if (eq) {
      ok &= CHECK_OK(pfhir_hl7_options_add_namespace(o, (const uint8_t *)spec, (size_t)(eq - spec),
                                                     U(eq + 1)));
    }
  }
  list = PICK("authorities");
  for (i = 0; list && i < list->count; i++) {
    ok &= CHECK_OK(pfhir_hl7_options_add_authority(o, U(mj_str(mj_at(list, i)))));
  }
  ok &= set_opt(o, PFHIR_HL7_OPTION_TZ, PICK("tz"));
  ok &= set_opt(o, PFHIR_HL7_OPTION_ORG_ID, PICK("orgId"));
  ok &= set_opt(o, PFHIR_HL7_OPTION_SOURCE_ENDPOINT, PICK("sourceEndpoint"));
  ok &= set_opt(o, PFHIR_HL7_OPTION_PATIENT_ID, PICK("patientId"));
  ok &= set_opt(o, PFHIR_HL7_OPTION_CHARSET, PICK("charset"));
  ok &= set_opt(o, PFHIR_HL7_OPTION_ACK_CONTROL_ID, PICK("ackControlId"));
  ok &= set_opt(o, PFHIR_HL7_OPTION_ACK_TIME, PICK("ackTime"));
  n = PICK("maxBytes");
  if (n && n->kind == MJ_NUMBER) {
    ok &= CHECK_OK(pfhir_hl7_options_set_max_bytes(o, (size_t)n->number));
  }
  /* The corpus's ids are bundle-S, header-S, patient-S, condition-S: the fixed-ids form. */
  ids = PICK("ids");
  {
    const char *bundle = mj_str(mj_get(ids, "bundle"));
    ok &= CHECK_MSG(bundle && strncmp(bundle, "bundle-", 7) == 0, "ids.bundle is bundle-S");
    if (bundle && strncmp(bundle, "bundle-", 7) == 0) {
      char want[128];
      snprintf(want, sizeof want, "patient-%s", bundle + 7);
      ok &= CHECK_MSG(strcmp(mj_str(mj_get(ids, "patient")), want) == 0, "ids follow one S");
      ok &= CHECK_OK(pfhir_hl7_options_set(o, PFHIR_HL7_OPTION_FIXED_IDS, U(bundle + 7)));
    }
  }
#undef PICK
  mj_free(base);
  mj_free(own);
  if (!ok) {
    pfhir_hl7_options_free(o);
    return NULL;
  }
  return o;
}

static const char *kind_name(pfhir_hl7_kind k) {
  switch (k) {
    case PFHIR_HL7_KIND_CREATE: return "create";
    case PFHIR_HL7_KIND_UPDATE: return "update";
    default: return NULL;
  }
}

static bool str_is(pfhir_str s, const char *want) {
  if (want == NULL) return s.data == NULL;
  return s.data != NULL && s.len == strlen(want) && memcmp(s.data, want, s.len) == 0;
}

/* Compares pfhir's JSON text with a pretty-printed file, as JSON values. */
static bool json_matches(pfhir_str got, const char *path) {
  mj_value *want = read_json(path);
  mj_value *have = got.data ? mj_parse(got.data, got.len) : NULL;
  bool ok = want != NULL && have != NULL && mj_equal(want, have);
  mj_free(want);
  mj_free(have);
  return ok;
}

static bool run_fixture(const char *dir, const char *name) {
  pfhir_hl7_options *o = options_for(dir, name);
  pfhir_hl7_result *r = NULL;
  char *path = (char *)malloc(strlen(dir) + strlen(name) + 2);
  char *bundle_path = sibling(dir, name, ".bundle.json");
  char *outcome_path = sibling(dir, name, ".outcome.json");
  char *ack_path = sibling(dir, name, ".ack.hl7");
  char *expected_path = sibling(dir, name, ".expected.json");
  char *msg = NULL, *want_ack = NULL;
  size_t msg_len = 0, ack_len = 0, i, n, e = 0;
  mj_value *expected = read_json(expected_path);
  const mj_value *errors = mj_get(expected, "errors");
  pfhir_bytes ack = {NULL, 0};
  FILE *bundle_file;
  bool ok = true;
  sprintf(path, "%s/%s", dir, name);
  msg = t_read_file(path, &msg_len);
  want_ack = t_read_file(ack_path, &ack_len);
  ok &= CHECK_MSG(o != NULL && msg != NULL && want_ack != NULL && expected != NULL,
                  "the fixture's files read");
  if (ok && CHECK_OK(pfhir_hl7_convert(o, (const uint8_t *)msg, msg_len, &r))) {
    bundle_file = fopen(bundle_path, "rb");
    if (bundle_file != NULL) {
      fclose(bundle_file);
      ok &= CHECK_MSG(json_matches(pfhir_hl7_result_bundle(r), bundle_path), "the Bundle");
    } else {
      ok &= CHECK_MSG(pfhir_hl7_result_bundle(r).data == NULL, "no Bundle");
    }
    ok &= CHECK_MSG(json_matches(pfhir_hl7_result_outcome_json(r), outcome_path), "the outcome");
    ok &= CHECK_OK(pfhir_hl7_result_ack(r, &ack));
    ok &= CHECK_MSG(ack.len == ack_len && memcmp(ack.data, want_ack, ack_len) == 0,
                    "the ACK, byte for byte");
    pfhir_bytes_free(ack);
    ok &= CHECK_MSG(str_is(pfhir_hl7_result_ack_code(r), mj_str(mj_get(expected, "ack"))),
                    "the ACK code");
    {
      const char *want_kind = mj_str(mj_get(expected, "kind"));
      const char *got_kind = kind_name(pfhir_hl7_result_kind(r));
      ok &= CHECK_MSG((want_kind == NULL && got_kind == NULL) ||
                          (want_kind && got_kind && strcmp(want_kind, got_kind) == 0),
                      "create or update");
    }
    n = pfhir_hl7_result_issue_count(r);
    for (i = 0; i < n; i++) {
      pfhir_severity s = pfhir_hl7_result_issue_severity(r, i);
      pfhir_str msg_text = pfhir_hl7_result_issue_message(r, i);
      pfhir_str loc = pfhir_hl7_result_issue_location(r, i);
      ok &= CHECK_MSG(s >= PFHIR_SEVERITY_FATAL && s <= PFHIR_SEVERITY_INFORMATION, "severity");
      ok &= CHECK_MSG(msg_text.data != NULL && msg_text.data[msg_text.len] == '\0', "message");
      ok &= CHECK_MSG(pfhir_hl7_result_issue_line(r, i) == 0 ||
                          pfhir_hl7_result_issue_column(r, i) > 0,
                      "a line comes with a column");
      if (s == PFHIR_SEVERITY_ERROR || s == PFHIR_SEVERITY_FATAL) {
        const mj_value *pair = mj_at(errors, e++);
        const char *want_loc = mj_str(mj_at(pair, 1));
        ok &= CHECK_MSG(pfhir_hl7_result_issue_hl7_code(r, i) != 0, "an error has an ERR-3 code");
        ok &= CHECK_MSG(str_is(pfhir_hl7_result_issue_message_id(r, i), mj_str(mj_at(pair, 0))),
                        "the error's message id");
        ok &= CHECK_MSG(str_is(loc, want_loc && *want_loc ? want_loc : NULL),
                        "the error's HL7 location");
        (void)pfhir_hl7_result_issue_expression(r, i);
      }
    }
    ok &= CHECK_MSG(errors != NULL && e == errors->count, "as many errors as expected");
    if (!ok) {
      for (i = 0; i < n; i++) {
        pfhir_str id = pfhir_hl7_result_issue_message_id(r, i);
        pfhir_str loc = pfhir_hl7_result_issue_location(r, i);
        fprintf(stderr, "    got %.*s at %.*s\n", (int)id.len, id.data ? id.data : "",
                (int)loc.len, loc.data ? loc.data : "");
      }
    }
    pfhir_hl7_result_free(r);
  }
  pfhir_hl7_options_free(o);
  mj_free(expected);
  free(msg);
  free(want_ack);
  free(path);
  free(bundle_path);
  free(outcome_path);
  free(ack_path);
  free(expected_path);
  return ok;
}

static const char A04[] =
    "MSH|^~\\&|HIS|HOSP|PFHIR|PLAT|20260101120000+0100||ADT^A04^ADT_A01|MSG1|P|2.5.1\r"
    "EVN|A04|20260101120000+0100\r"
    "PID|1||12345678^^^CIP||Garcia^Ana||19800101|F\r";

static void test_misuse(void) {
  pfhir_hl7_options *o = NULL;
  pfhir_hl7_result *r = NULL;
  pfhir_bytes b = {NULL, 0};
  const uint8_t bad[] = {0x66, 0xff, 0x6f};
  /* NULL arguments. */
  CHECK_CODE(pfhir_hl7_options_new(NULL), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_hl7_options_set(NULL, PFHIR_HL7_OPTION_TZ, U("Z")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_hl7_options_add_namespace(NULL, U("A"), U("urn:oid:1.2")),
             PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_hl7_options_add_authority(NULL, U("urn:oid:1.2")), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_hl7_options_set_max_bytes(NULL, 10), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_hl7_convert(NULL, U(A04), NULL), PFHIR_CODE_NULL_ARGUMENT);
  CHECK_CODE(pfhir_hl7_convert(NULL, NULL, 5, &r), PFHIR_CODE_NULL_ARGUMENT);
  CHECK(r == NULL);
  CHECK_CODE(pfhir_hl7_result_ack(NULL, &b), PFHIR_CODE_NULL_ARGUMENT);
  CHECK(b.data == NULL);
  CHECK(t_str_null(pfhir_hl7_result_bundle(NULL)));
  CHECK(t_str_null(pfhir_hl7_result_ack_code(NULL)));
  CHECK(t_str_null(pfhir_hl7_result_outcome_json(NULL)));
  CHECK(pfhir_hl7_result_kind(NULL) == PFHIR_HL7_KIND_NONE);
  CHECK(pfhir_hl7_result_issue_count(NULL) == 0);
  CHECK(pfhir_hl7_result_issue_severity(NULL, 0) == 0);
  CHECK(t_str_null(pfhir_hl7_result_issue_location(NULL, 0)));
  pfhir_hl7_options_free(NULL);
  pfhir_hl7_result_free(NULL);

  /* Bad option values leave the options usable. */
  if (!CHECK_OK(pfhir_hl7_options_new(&o))) return;
  CHECK_CODE(pfhir_hl7_options_set(o, PFHIR_HL7_OPTION_TZ, bad, sizeof bad),
             PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_hl7_options_set(o, PFHIR_HL7_OPTION_TZ, U("Europe/Madrid")),
             PFHIR_CODE_INVALID_ARGUMENT);
  CHECK_CODE(pfhir_hl7_options_set(o, PFHIR_HL7_OPTION_CHARSET, U("EBCDIC")),
             PFHIR_CODE_INVALID_ARGUMENT);
  CHECK_CODE(pfhir_hl7_options_set(o, 999, U("x")), PFHIR_CODE_INVALID_ARGUMENT);
  CHECK_CODE(pfhir_hl7_options_add_namespace(o, U("A=B"), U("urn:oid:1.2")),
             PFHIR_CODE_INVALID_ARGUMENT);
  CHECK_CODE(pfhir_hl7_options_add_namespace(o, U("HOSP"), bad, sizeof bad),
             PFHIR_CODE_INVALID_UTF8);
  CHECK_CODE(pfhir_hl7_options_add_authority(o, U("not a system")), PFHIR_CODE_INVALID_ARGUMENT);
  CHECK_CODE(pfhir_hl7_options_set_max_bytes(o, 0), PFHIR_CODE_INVALID_ARGUMENT);
  CHECK_OK(pfhir_hl7_options_set(o, PFHIR_HL7_OPTION_TZ, U("+01:00")));
  CHECK_OK(pfhir_hl7_options_set(o, PFHIR_HL7_OPTION_ORG_ID, U("2.16.724.4.2")));
  CHECK_OK(pfhir_hl7_options_set(o, PFHIR_HL7_OPTION_SOURCE_ENDPOINT, NULL, 0));
  CHECK_OK(pfhir_hl7_options_set(o, PFHIR_HL7_OPTION_PATIENT_ID, NULL, 0));
  CHECK_OK(pfhir_hl7_options_set(o, PFHIR_HL7_OPTION_FIXED_IDS, U("9")));
  CHECK_OK(pfhir_hl7_options_set(o, PFHIR_HL7_OPTION_ACK_CONTROL_ID, U("ACK-9")));
  CHECK_OK(pfhir_hl7_options_set(o, PFHIR_HL7_OPTION_ACK_TIME, U("20260101120000+0100")));
  CHECK_OK(pfhir_hl7_options_add_namespace(o, U("hosp"), U("urn:oid:2.16.724.4.2.1")));
  CHECK_OK(pfhir_hl7_options_add_authority(o, U("urn:oid:2.16.724.4.2.1")));

  /* A good message: a create with a Bundle and an AA. */
  if (CHECK_OK(pfhir_hl7_convert(o, U(A04), &r))) {
    CHECK(pfhir_hl7_result_kind(r) == PFHIR_HL7_KIND_CREATE);
    CHECK(t_str_eq(pfhir_hl7_result_ack_code(r), "AA"));
    CHECK(t_str_has(pfhir_hl7_result_bundle(r), "\"id\":\"bundle-9\""));
    CHECK(t_str_null(pfhir_hl7_result_issue_message_id(r, 99)));
    CHECK(pfhir_hl7_result_issue_line(r, 99) == 0);
    if (CHECK_OK(pfhir_hl7_result_ack(r, &b))) {
      CHECK(b.len > 0 && b.data[b.len - 1] == '\r' && b.data[b.len] == '\0');
      CHECK(strstr((const char *)b.data, "\rMSA|AA|MSG1\r") != NULL);
      CHECK(strstr((const char *)b.data, "|ACK-9|") != NULL);
      pfhir_bytes_free(b);
    }
    CHECK_CODE(pfhir_hl7_result_ack(r, NULL), PFHIR_CODE_NULL_ARGUMENT);
    pfhir_hl7_result_free(r);
    r = NULL;
  }

  /* A wrong birth date: AE, no Bundle, the error at PID-7 with no value in its message. */
  {
    static const char BAD_DATE[] =
        "MSH|^~\\&|HIS|HOSP|PFHIR|PLAT|20260101120000+0100||ADT^A04^ADT_A01|MSG2|P|2.5.1\r"
        "PID|1||12345678^^^CIP||Garcia^Ana||19801340|F\r";
    size_t i, n;
    bool found = false;
    if (CHECK_OK(pfhir_hl7_convert(o, U(BAD_DATE), &r))) {
      CHECK(t_str_eq(pfhir_hl7_result_ack_code(r), "AE"));
      CHECK(t_str_null(pfhir_hl7_result_bundle(r)));
      n = pfhir_hl7_result_issue_count(r);
      for (i = 0; i < n; i++) {
        if (t_str_eq(pfhir_hl7_result_issue_location(r, i), "PID-7")) {
          found = true;
          CHECK(pfhir_hl7_result_issue_severity(r, i) == PFHIR_SEVERITY_ERROR);
          CHECK(t_str_eq(pfhir_hl7_result_issue_message_id(r, i), "PFHIR-H0304"));
          CHECK(pfhir_hl7_result_issue_hl7_code(r, i) == 102);
          CHECK(pfhir_hl7_result_issue_line(r, i) == 2);
          CHECK(!t_str_has(pfhir_hl7_result_issue_message(r, i), "19801340"));
        }
      }
      CHECK_MSG(found, "the bad date is located at PID-7");
      CHECK(!t_str_has(pfhir_hl7_result_outcome_json(r), "19801340"));
      pfhir_hl7_result_free(r);
      r = NULL;
    }
  }

  /* A huge message: AR (too long) without an error. */
  {
    size_t big = 2u * 1024u * 1024u;
    uint8_t *huge = (uint8_t *)malloc(big);
    memset(huge, 'A', big);
    memcpy(huge, A04, sizeof A04 - 1);
    if (CHECK_OK(pfhir_hl7_convert(o, huge, big, &r))) {
      CHECK(t_str_eq(pfhir_hl7_result_ack_code(r), "AR"));
      CHECK(t_str_eq(pfhir_hl7_result_issue_message_id(r, 0), "PFHIR-H0101"));
      pfhir_hl7_result_free(r);
      r = NULL;
    }
    free(huge);
  }

  /* A length far past the limit reads only limit + 1 bytes (ASan and valgrind would see an
   * over-read of this 101-byte buffer). */
  {
    pfhir_hl7_options *small = NULL;
    uint8_t buf[101];
    memset(buf, 'A', sizeof buf);
    if (CHECK_OK(pfhir_hl7_options_new(&small))) {
      CHECK_OK(pfhir_hl7_options_set_max_bytes(small, 100));
      if (CHECK_OK(pfhir_hl7_convert(small, buf, (size_t)1 << 40, &r))) {
        CHECK(t_str_eq(pfhir_hl7_result_ack_code(r), "AR"));
        CHECK(t_str_eq(pfhir_hl7_result_issue_message_id(r, 0), "PFHIR-H0101"));
        pfhir_hl7_result_free(r);
        r = NULL;
      }
      pfhir_hl7_options_free(small);
    }
  }

  /* Not HL7, binary bytes and the empty message: AR, with an ACK all the same. */
  {
    const uint8_t binary[] = {0x00, 0xff, 0x0b, 0x1c, 0x0d, 0x80, 0x00};
    const struct {
      const uint8_t *p;
      size_t n;
    } inputs[] = {{(const uint8_t *)"{\"resourceType\":\"Patient\"}", 26},
                  {binary, sizeof binary},
                  {NULL, 0},
                  {(const uint8_t *)"MSH|^~", 6}};
    size_t k;
    for (k = 0; k < sizeof inputs / sizeof inputs[0]; k++) {
      if (CHECK_OK(pfhir_hl7_convert(o, inputs[k].p, inputs[k].n, &r))) {
        CHECK(t_str_eq(pfhir_hl7_result_ack_code(r), "AR"));
        CHECK(pfhir_hl7_result_kind(r) == PFHIR_HL7_KIND_NONE);
        CHECK(pfhir_hl7_result_issue_severity(r, 0) == PFHIR_SEVERITY_FATAL);
        if (CHECK_OK(pfhir_hl7_result_ack(r, &b))) {
          CHECK(strstr((const char *)b.data, "\rMSA|AR|") != NULL);
          pfhir_bytes_free(b);
        }
        pfhir_hl7_result_free(r);
        r = NULL;
      }
    }
  }

  /* NULL options are the defaults: MSH-4 has no ISO universal id and no org id is set. */
  if (CHECK_OK(pfhir_hl7_convert(NULL, U(A04), &r))) {
    CHECK(t_str_eq(pfhir_hl7_result_ack_code(r), "AE"));
    pfhir_hl7_result_free(r);
  }
  pfhir_hl7_options_free(o);
}

int main(int argc, char **argv) {
  DIR *d;
  struct dirent *e;
  char **names = NULL;
  size_t count = 0, cap = 0, i;
  int fixture_failures = 0;
  if (argc < 2) {
    fprintf(stderr, "usage: %s FIXTURE_DIR\n", argv[0]);
    return 2;
  }
  d = opendir(argv[1]);
  if (d == NULL) {
    perror(argv[1]);
    return 2;
  }
  while ((e = readdir(d)) != NULL) {
    if (!ends_with(e->d_name, ".hl7") || ends_with(e->d_name, ".ack.hl7")) continue;
    if (count == cap) {
      cap = cap == 0 ? 128 : cap * 2;
      names = (char **)realloc(names, cap * sizeof(char *));
    }
    names[count++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, count, sizeof(char *), cmp_names);
  CHECK_MSG(count >= 40, "the HL7 corpus has at least 40 messages");
  for (i = 0; i < count; i++) {
    if (!CHECK_MSG(run_fixture(argv[1], names[i]), names[i])) fixture_failures++;
    free(names[i]);
  }
  free(names);
  printf("hl7 fixtures: %zu passed, %d failed\n", count - (size_t)fixture_failures,
         fixture_failures);
  test_misuse();
  return t_summary("test_hl7");
}
