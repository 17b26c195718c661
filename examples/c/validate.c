/*
 * validate: checks FHIR STU3 JSON files with libpfhir and prints every issue.
 *
 *   validate [--base] [--json] FILE...
 *
 * --base validates against STU3 only (default: STU3 plus the partner profile rules);
 * --json prints each file's OperationOutcome instead of one line per issue.
 * Exit status: 0 when no file has an error, 1 when one has, 2 on a usage or I/O error.
 *
 * Build: cc validate.c $(pkg-config --cflags --libs pfhir)   (or CMake: see CMakeLists.txt)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pfhir.h>

static const char *severity(pfhir_severity s) {
  switch (s) {
    case PFHIR_SEVERITY_FATAL: return "fatal";
    case PFHIR_SEVERITY_ERROR: return "error";
    case PFHIR_SEVERITY_WARNING: return "warning";
    default: return "information";
  }
}

/* Reads a whole file; NULL on failure. */
static unsigned char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  unsigned char *buf = NULL;
  size_t n = 0, cap = 0, got;
  if (f == NULL) return NULL;
  do {
    if (cap - n < 65536) {
      unsigned char *bigger = realloc(buf, cap = cap * 2 + 65536);
      if (bigger == NULL) break;
      buf = bigger;
    }
    got = fread(buf + n, 1, cap - n, f);
    n += got;
  } while (got > 0);
  if (ferror(f)) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  *len = n;
  return buf;
}

/* Prints an error of the C ABI and frees it. */
static void report(const char *what, pfhir_error *err) {
  fprintf(stderr, "%s: %s: %s\n", what, pfhir_code_name(pfhir_error_code(err)).data,
          pfhir_error_message(err).data);
  pfhir_error_free(err);
}

int main(int argc, char **argv) {
  pfhir_validator_options *opts = NULL;
  pfhir_validator *validator = NULL;
  pfhir_error *err;
  int json = 0, base = 0, files = 0, status = 0, i;

  for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
    if (strcmp(argv[i], "--base") == 0) {
      base = 1;
    } else if (strcmp(argv[i], "--json") == 0) {
      json = 1;
    } else {
      fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  if (i == argc) {
    fprintf(stderr, "usage: %s [--base] [--json] FILE...\n", argv[0]);
    return 2;
  }

  /* One validator for every file (it is immutable and thread-safe). */
  if ((err = pfhir_validator_options_new(&opts)) != NULL ||
      (err = pfhir_validator_options_set_profile(
           opts, base ? PFHIR_PROFILE_BASE : PFHIR_PROFILE_PARTNER)) != NULL ||
      (err = pfhir_validator_new(opts, &validator)) != NULL) {
    report("validator", err);
    pfhir_validator_options_free(opts);
    return 2;
  }
  pfhir_validator_options_free(opts); /* copied by pfhir_validator_new */

  for (; i < argc; i++, files++) {
    size_t len = 0, k, n;
    unsigned char *doc = read_file(argv[i], &len);
    pfhir_outcome *outcome = NULL;
    if (doc == NULL) {
      perror(argv[i]);
      status = 2;
      continue;
    }
    /* Findings are data: this fails only on API misuse (a NULL argument...). */
    err = pfhir_validate(validator, doc, len, &outcome);
    free(doc);
    if (err != NULL) {
      report(argv[i], err);
      status = 2;
      continue;
    }
    if (json) {
      pfhir_bytes text = {NULL, 0};
      if ((err = pfhir_outcome_to_json(outcome, &text)) != NULL) {
        report(argv[i], err);
        status = 2;
      } else {
        printf("%s\n", (const char *)text.data);
        pfhir_bytes_free(text);
      }
    } else {
      n = pfhir_outcome_issue_count(outcome);
      printf("%s: %s, %zu issue(s)\n", argv[i],
             pfhir_outcome_has_errors(outcome) ? "INVALID" : "valid", n);
      for (k = 0; k < n; k++) {
        pfhir_str key = pfhir_outcome_issue_key(outcome, k);
        printf("  %u:%u %s %s %s%s%s%s at %s: %s\n", pfhir_outcome_issue_line(outcome, k),
               pfhir_outcome_issue_column(outcome, k),
               severity(pfhir_outcome_issue_severity(outcome, k)),
               pfhir_outcome_issue_code(outcome, k).data,
               pfhir_outcome_issue_message_id(outcome, k).data, key.data ? " (" : "",
               key.data ? key.data : "", key.data ? ")" : "",
               pfhir_outcome_issue_expression(outcome, k).len > 0
                   ? pfhir_outcome_issue_expression(outcome, k).data
                   : "(document)",
               pfhir_outcome_issue_message(outcome, k).data);
      }
    }
    if (pfhir_outcome_has_errors(outcome) && status == 0) status = 1;
    pfhir_outcome_free(outcome);
  }
  pfhir_validator_free(validator);
  return status;
}
