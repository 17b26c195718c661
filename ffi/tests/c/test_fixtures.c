/*
 * The conformance corpus (tests/fixtures/validation) through the C ABI: for every input,
 * a validator configured from its .expected.json ("profile" and "options", with the
 * pfhir_validator_options_* functions) gives exactly the expected issues (severity, code,
 * message id, key, expression, line, column, in order), and pfhir_outcome_to_json gives
 * the .outcome.json file byte for byte.
 *
 * Usage: test_fixtures FIXTURE_DIR
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mini_json.h"
#include "pfhir.h"
#include "test_util.h"

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *severity_name(uint32_t s) {
  switch (s) {
    case PFHIR_SEVERITY_FATAL: return "fatal";
    case PFHIR_SEVERITY_ERROR: return "error";
    case PFHIR_SEVERITY_WARNING: return "warning";
    case PFHIR_SEVERITY_INFORMATION: return "information";
    default: return "?";
  }
}

/* A pfhir_str as printable text ("null" for the absent value). */
static void print_str(FILE *f, pfhir_str s) {
  if (s.data == NULL) {
    fputs("null", f);
  } else {
    fprintf(f, "\"%.*s\"", (int)s.len, s.data);
  }
}

static void print_got(FILE *f, const pfhir_outcome *o) {
  size_t i, n = pfhir_outcome_issue_count(o);
  fprintf(f, "  got %zu issue(s):\n", n);
  for (i = 0; i < n; i++) {
    fprintf(f, "    {%s ", severity_name(pfhir_outcome_issue_severity(o, i)));
    print_str(f, pfhir_outcome_issue_code(o, i));
    fputc(' ', f);
    print_str(f, pfhir_outcome_issue_message_id(o, i));
    fputc(' ', f);
    print_str(f, pfhir_outcome_issue_key(o, i));
    fputc(' ', f);
    print_str(f, pfhir_outcome_issue_expression(o, i));
    fprintf(f, " %u:%u}\n", pfhir_outcome_issue_line(o, i), pfhir_outcome_issue_column(o, i));
  }
}

/* The validator a fixture asks for, configured through the C ABI. */
static pfhir_validator *validator_for(const mj_value *expected, const char *name) {
  pfhir_validator_options *opts = NULL;
  pfhir_validator *v = NULL;
  const mj_value *options = mj_get(expected, "options");
  const mj_value *rules = mj_get(options, "rules");
  const mj_value *authorities = mj_get(options, "authorities");
  const mj_value *max_bytes = mj_get(options, "maxBytes");
  const mj_value *max_depth = mj_get(options, "maxDepth");
  const char *profile = mj_str(mj_get(expected, "profile"));
  size_t i;
  bool ok = true;
  if (!CHECK_OK(pfhir_validator_options_new(&opts))) {
    return NULL;
  }
  if (profile == NULL || (strcmp(profile, "partner") != 0 && strcmp(profile, "base") != 0)) {
    fprintf(stderr, "%s: profile must be partner or base\n", name);
    ok = false;
  } else {
    ok = CHECK_OK(pfhir_validator_options_set_profile(
             opts, strcmp(profile, "base") == 0 ? PFHIR_PROFILE_BASE : PFHIR_PROFILE_PARTNER)) &&
         ok;
  }
  for (i = 0; rules != NULL && i < rules->count; i++) {
    const char *rule = rules->keys[i];
    const char *sev = mj_str(rules->items[i]);
    ok = sev != NULL &&
         CHECK_OK(pfhir_validator_options_set_rule(opts, (const uint8_t *)rule, strlen(rule),
                                                   (const uint8_t *)sev, strlen(sev))) &&
         ok;
  }
  for (i = 0; authorities != NULL && i < authorities->count; i++) {
    const char *a = mj_str(authorities->items[i]);
    ok = a != NULL &&
         CHECK_OK(pfhir_validator_options_add_authority(opts, (const uint8_t *)a, strlen(a))) &&
         ok;
  }
  if (max_bytes != NULL || max_depth != NULL) {
    ok = CHECK_OK(pfhir_validator_options_set_limits(
             opts, max_bytes != NULL ? (size_t)max_bytes->number : 0,
             max_depth != NULL ? (size_t)max_depth->number : 0)) &&
         ok;
  }
  if (ok) {
    CHECK_OK(pfhir_validator_new(opts, &v));
  }
  pfhir_validator_options_free(opts);
  return v;
}

static bool str_matches(pfhir_str got, const mj_value *want) {
  if (want == NULL) {
    return false;
  }
  if (want->kind == MJ_NULL) {
    return got.data == NULL && got.len == 0;
  }
  return want->kind == MJ_STRING && got.data != NULL && got.len == want->string_len &&
         memcmp(got.data, want->string, got.len) == 0 && got.data[got.len] == '\0';
}

static bool num_matches(uint32_t got, const mj_value *want) {
  return want != NULL && want->kind == MJ_NUMBER && (double)got == want->number;
}

/* Returns true when the fixture passes. */
static bool run_fixture(const char *dir, const char *name) {
  char path[4096], stem[3800];
  size_t input_len, expected_len, outcome_len, i, n;
  char *input, *expected_text, *outcome_text;
  mj_value *expected = NULL;
  const mj_value *issues;
  pfhir_validator *v = NULL;
  pfhir_outcome *o = NULL;
  pfhir_bytes json = {NULL, 0};
  bool ok = true;

  snprintf(stem, sizeof(stem), "%s/%.*s", dir, (int)(strlen(name) - strlen(".json")), name);
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  input = t_read_file(path, &input_len);
  snprintf(path, sizeof(path), "%s.expected.json", stem);
  expected_text = t_read_file(path, &expected_len);
  snprintf(path, sizeof(path), "%s.outcome.json", stem);
  outcome_text = t_read_file(path, &outcome_len);
  if (input == NULL || expected_text == NULL || outcome_text == NULL) {
    fprintf(stderr, "%s: missing input, .expected.json or .outcome.json\n", name);
    ok = false;
    goto done;
  }
  expected = mj_parse(expected_text, expected_len);
  issues = mj_get(expected, "issues");
  if (issues == NULL || issues->kind != MJ_ARRAY) {
    fprintf(stderr, "%s: the .expected.json has no issues array\n", name);
    ok = false;
    goto done;
  }
  v = validator_for(expected, name);
  if (v == NULL || !CHECK_OK(pfhir_validate(v, (const uint8_t *)input, input_len, &o))) {
    ok = false;
    goto done;
  }
  n = pfhir_outcome_issue_count(o);
  if (n != issues->count) {
    fprintf(stderr, "%s: expected %zu issue(s), got %zu\n", name, issues->count, n);
    ok = false;
  }
  for (i = 0; i < n && i < issues->count; i++) {
    const mj_value *want = issues->items[i];
    const char *sev = mj_str(mj_get(want, "severity"));
    bool same = sev != NULL && strcmp(severity_name(pfhir_outcome_issue_severity(o, i)), sev) == 0 &&
                str_matches(pfhir_outcome_issue_code(o, i), mj_get(want, "code")) &&
                str_matches(pfhir_outcome_issue_message_id(o, i), mj_get(want, "id")) &&
                str_matches(pfhir_outcome_issue_key(o, i), mj_get(want, "key")) &&
                str_matches(pfhir_outcome_issue_expression(o, i), mj_get(want, "expression")) &&
                num_matches(pfhir_outcome_issue_line(o, i), mj_get(want, "line")) &&
                num_matches(pfhir_outcome_issue_column(o, i), mj_get(want, "column"));
    if (!same) {
      fprintf(stderr, "%s: issue %zu differs from the expected one\n", name, i);
      ok = false;
    }
    /* Every issue has a message (not compared: the corpus leaves wording free). */
    if (pfhir_outcome_issue_message(o, i).len == 0) {
      fprintf(stderr, "%s: issue %zu has no message\n", name, i);
      ok = false;
    }
  }
  {
    bool any_error = false;
    for (i = 0; i < n; i++) {
      uint32_t s = pfhir_outcome_issue_severity(o, i);
      any_error = any_error || s == PFHIR_SEVERITY_FATAL || s == PFHIR_SEVERITY_ERROR;
    }
    if (pfhir_outcome_has_errors(o) != any_error) {
      fprintf(stderr, "%s: has_errors disagrees with the severities\n", name);
      ok = false;
    }
  }
  if (!ok) {
    print_got(stderr, o);
  }
  if (CHECK_OK(pfhir_outcome_to_json(o, &json))) {
    if (json.len != outcome_len || memcmp(json.data, outcome_text, outcome_len) != 0) {
      fprintf(stderr, "%s: OperationOutcome differs from the .outcome.json\n  got:  %s\n  want: %s\n",
              name, (const char *)json.data, outcome_text);
      ok = false;
    }
    pfhir_bytes_free(json);
  } else {
    ok = false;
  }
done:
  pfhir_outcome_free(o);
  pfhir_validator_free(v);
  mj_free(expected);
  free(input);
  free(expected_text);
  free(outcome_text);
  return ok;
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
    if (!ends_with(e->d_name, ".json") || ends_with(e->d_name, ".expected.json") ||
        ends_with(e->d_name, ".outcome.json")) {
      continue;
    }
    if (count == cap) {
      cap = cap == 0 ? 256 : cap * 2;
      names = (char **)realloc(names, cap * sizeof(char *));
    }
    names[count++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, count, sizeof(char *), cmp_names);
  CHECK_MSG(count >= 40, "the corpus has at least 40 inputs");
  for (i = 0; i < count; i++) {
    if (!CHECK_MSG(run_fixture(argv[1], names[i]), names[i])) {
      fixture_failures++;
    }
    free(names[i]);
  }
  free(names);
  printf("fixtures: %zu passed, %d failed\n", count - (size_t)fixture_failures, fixture_failures);
  return t_summary("test_fixtures");
}
