/*
 * Helpers shared by the C tests of libpfhir (ffi/tests/c): checks that count passes and
 * failures, file reading, and a `pfhir sandbox` started for the duration of a test program.
 */
#ifndef PFHIR_TEST_UTIL_H
#define PFHIR_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pfhir.h"

#ifdef __cplusplus
extern "C" {
#endif

extern int t_passed;
extern int t_failed;

/* Records one check; prints the failures (and nothing for passes, to keep logs short). */
bool t_check(bool ok, const char *file, int line, const char *what);
/* Prints "NAME: N passed, M failed" and returns the exit status (0 when nothing failed). */
int t_summary(const char *name);

#define CHECK(cond) t_check((cond), __FILE__, __LINE__, #cond)
#define CHECK_MSG(cond, msg) t_check((cond), __FILE__, __LINE__, (msg))

/* Checks that `err` carries `code`, then frees it. */
#define CHECK_CODE(err, code) t_check_code((err), (code), __FILE__, __LINE__, #err)
bool t_check_code(pfhir_error *err, uint32_t code, const char *file, int line, const char *what);

/* Checks that `err` is NULL (success); on failure prints its code and message and frees it. */
#define CHECK_OK(err) t_check_ok((err), __FILE__, __LINE__, #err)
bool t_check_ok(pfhir_error *err, const char *file, int line, const char *what);

/* True when `s` holds exactly the NUL-terminated text `want` (and is NUL-terminated itself). */
bool t_str_eq(pfhir_str s, const char *want);
/* True when `s` is the absent value {NULL, 0}. */
bool t_str_null(pfhir_str s);
/* True when `s` contains the text `needle`. */
bool t_str_has(pfhir_str s, const char *needle);

/* Reads a whole file (with a NUL appended, not counted); NULL on failure. free() it. */
char *t_read_file(const char *path, size_t *len);

/* A `pfhir sandbox` child process with fresh certificates in a temporary folder. */
typedef struct t_sandbox {
  pid_t pid;
  char dir[256];
  char url[256];
  char *ca_pem;
  size_t ca_len;
  char *cert_pem;
  size_t cert_len;
  char *key_pem;
  size_t key_len;
} t_sandbox;

/* Starts `pfhir_bin sandbox --certs TMPDIR --port 0` and waits for its URL (10 s at most).
 * Windows build: `pfhir_bin` names the folder of ffi/tests/c/bridge.sh, which starts the
 * sandbox on the Linux side (and stops it, and runs curl: see test_util.c). */
bool t_sandbox_start(t_sandbox *sb, const char *pfhir_bin);
/* Stops it (SIGTERM), waits for it and removes its folder. */
void t_sandbox_stop(t_sandbox *sb);
/* Runs curl with the sandbox's client certificate: `curl -sS -X METHOD URL+path -d BODY`;
 * returns the exit status of curl (0 = the request went through with a 2xx). */
int t_sandbox_curl(const t_sandbox *sb, const char *method, const char *path, const char *body);

/* A fresh client configuration for the sandbox (defaults: org_id, client_id, secret). */
pfhir_client_config *t_sandbox_config(const t_sandbox *sb);

/* A partner Bundle for patient `patient_id` (its CIP identifier value), family `family`,
 * Patient.id `logical_id` (or none when NULL), built with the builder; free with
 * pfhir_bytes_free. Empty when the builder fails (the failure is counted by CHECK_OK). */
pfhir_bytes t_make_bundle(const char *patient_id, const char *family, const char *logical_id);

#ifdef __cplusplus
}
#endif

#endif /* PFHIR_TEST_UTIL_H */
