/*
 * The header on its own: included twice (the include guard), compiled as C11 and as C++17
 * with -Wall -Wextra -Werror -pedantic (run.sh builds it both ways), and the version
 * macros equal to pfhir_version() and to the workspace version of the root Cargo.toml.
 *
 * Usage: test_header CARGO_TOML_VERSION
 */
#include "pfhir.h"
#include "pfhir.h" /* twice on purpose */

#include <stdio.h>
#include <string.h>

/* Every type and constant of the header is usable from both languages. */
static const pfhir_profile profiles[] = {PFHIR_PROFILE_BASE, PFHIR_PROFILE_PARTNER};
static const pfhir_severity severities[] = {PFHIR_SEVERITY_FATAL, PFHIR_SEVERITY_ERROR,
                                            PFHIR_SEVERITY_WARNING,
                                            PFHIR_SEVERITY_INFORMATION};

static int failures = 0;
static int passes = 0;

static void check(int ok, const char *what) {
  if (ok) {
    passes++;
  } else {
    failures++;
    fprintf(stderr, "FAIL: %s\n", what);
  }
}

int main(int argc, char **argv) {
  char composed[64];
  pfhir_code ok = PFHIR_CODE_OK;
  pfhir_str s = pfhir_code_name(PFHIR_CODE_NOT_FOUND);
#ifdef __cplusplus
  const char *lang = "C++";
  check(sizeof(pfhir_code) == 4, "pfhir_code is 32 bits in C++ (enum : uint32_t)");
#else
  const char *lang = "C";
  check(sizeof(pfhir_code) == sizeof(uint32_t), "pfhir_code is uint32_t in C");
#endif
  check(sizeof(pfhir_str) == 2 * sizeof(void *), "pfhir_str is {pointer, size_t}");
  check(sizeof(pfhir_bytes) == 2 * sizeof(void *), "pfhir_bytes is {pointer, size_t}");
  check(profiles[1] == 1 && severities[3] == 4, "profile and severity constants");
  check(ok == 0 && PFHIR_CODE_INVALID_RESPONSE == 60, "code numbers");
  check(s.data != NULL && strcmp(s.data, "not_found") == 0, "pfhir_code_name links");

  snprintf(composed, sizeof(composed), "%d.%d.%d", PFHIR_VERSION_MAJOR, PFHIR_VERSION_MINOR,
           PFHIR_VERSION_PATCH);
  check(strcmp(composed, PFHIR_VERSION_STRING) == 0,
        "PFHIR_VERSION_STRING is MAJOR.MINOR.PATCH");
  check(strcmp(pfhir_version(), PFHIR_VERSION_STRING) == 0,
        "pfhir_version() equals PFHIR_VERSION_STRING");
  if (argc < 2) {
    fprintf(stderr, "usage: %s CARGO_TOML_VERSION\n", argv[0]);
    return 2;
  }
  check(strcmp(argv[1], PFHIR_VERSION_STRING) == 0,
        "PFHIR_VERSION_STRING equals [workspace.package] version of Cargo.toml");
  if (failures != 0) {
    fprintf(stderr, "header (%s): PFHIR_VERSION_STRING=%s pfhir_version()=%s Cargo.toml=%s\n",
            lang, PFHIR_VERSION_STRING, pfhir_version(), argv[1]);
  }
  printf("test_header (%s): %d passed, %d failed\n", lang, passes, failures);
  return failures == 0 ? 0 : 1;
}
