/* Helpers of the C tests: see test_util.h. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE 1

#include "test_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <windows.h>
#else
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#endif

int t_passed = 0;
int t_failed = 0;

bool t_check(bool ok, const char *file, int line, const char *what) {
  if (ok) {
    t_passed++;
  } else {
    t_failed++;
    fprintf(stderr, "FAIL %s:%d: %s\n", file, line, what);
  }
  return ok;
}

int t_summary(const char *name) {
  printf("%s: %d passed, %d failed\n", name, t_passed, t_failed);
  fflush(stdout);
  return t_failed == 0 && t_passed > 0 ? 0 : 1;
}

bool t_check_code(pfhir_error *err, uint32_t code, const char *file, int line, const char *what) {
  uint32_t got = (uint32_t)pfhir_error_code(err);
  bool ok = err != NULL && got == code;
  if (!ok) {
    pfhir_str m = pfhir_error_message(err);
    fprintf(stderr, "FAIL %s:%d: %s: expected code %u, got %u (%s)\n", file, line, what, code,
            got, m.data != NULL ? m.data : "no error");
  }
  /* The message of every error is a non-empty NUL-terminated text. */
  if (err != NULL) {
    pfhir_str m = pfhir_error_message(err);
    ok = t_check(m.data != NULL && m.len > 0 && m.data[m.len] == '\0', file, line,
                 "error message is a non-empty NUL-terminated text") && ok;
  }
  pfhir_error_free(err);
  if (ok) {
    t_passed++;
  } else {
    t_failed++;
  }
  return ok;
}

bool t_check_ok(pfhir_error *err, const char *file, int line, const char *what) {
  if (err == NULL) {
    t_passed++;
    return true;
  }
  {
    pfhir_str m = pfhir_error_message(err);
    pfhir_str name = pfhir_code_name((uint32_t)pfhir_error_code(err));
    pfhir_str oo = pfhir_error_outcome_json(err);
    fprintf(stderr, "FAIL %s:%d: %s: error %s (HTTP %u): %s%s%s\n", file, line, what,
            name.data != NULL ? name.data : "?", (unsigned)pfhir_error_http_status(err),
            m.data != NULL ? m.data : "", oo.data != NULL ? "\n  outcome: " : "",
            oo.data != NULL ? oo.data : "");
  }
  pfhir_error_free(err);
  t_failed++;
  return false;
}

bool t_str_eq(pfhir_str s, const char *want) {
  size_t n = strlen(want);
  return s.data != NULL && s.len == n && memcmp(s.data, want, n) == 0 && s.data[n] == '\0';
}

bool t_str_null(pfhir_str s) { return s.data == NULL && s.len == 0; }

bool t_str_has(pfhir_str s, const char *needle) {
  size_t n = strlen(needle);
  size_t i;
  if (s.data == NULL || s.len < n) {
    return false;
  }
  for (i = 0; i + n <= s.len; i++) {
    if (memcmp(s.data + i, needle, n) == 0) {
      return true;
    }
  }
  return false;
}

char *t_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  size_t cap = 0, n = 0;
  if (f == NULL) {
    return NULL;
  }
  for (;;) {
    size_t got;
    if (cap - n < 4096) {
      char *nb;
      cap = cap == 0 ? 65536 : cap * 2;
      nb = (char *)realloc(buf, cap + 1);
      if (nb == NULL) {
        free(buf);
        fclose(f);
        return NULL;
      }
      buf = nb;
    }
    got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) {
      break;
    }
  }
  if (ferror(f)) {
    free(buf);
    fclose(f);
    return NULL;
  }
  fclose(f);
  buf[n] = '\0';
  if (len != NULL) {
    *len = n;
  }
  return buf;
}

/* Reads the certificates the sandbox wrote; stops it when one is missing. Defined after the
 * platform parts, which each provide t_path. */
static bool t_sandbox_load_certs(t_sandbox *sb);

#ifndef _WIN32
static void t_sleep_ms(long ms) {
  struct timespec ts;
  ts.tv_sec = ms / 1000;
  ts.tv_nsec = (ms % 1000) * 1000000L;
  nanosleep(&ts, NULL);
}

static char *t_path(const t_sandbox *sb, const char *name, char *buf, size_t cap) {
  snprintf(buf, cap, "%s/%s", sb->dir, name);
  return buf;
}

bool t_sandbox_start(t_sandbox *sb, const char *pfhir_bin) {
  char log_path[512];
  int waited;
  memset(sb, 0, sizeof(*sb));
  snprintf(sb->dir, sizeof(sb->dir), "%s/pfhir-c-test-XXXXXX",
           getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
  if (mkdtemp(sb->dir) == NULL) {
    perror("mkdtemp");
    return false;
  }
  t_path(sb, "sandbox.log", log_path, sizeof(log_path));
  sb->pid = fork();
  if (sb->pid < 0) {
    perror("fork");
    return false;
  }
  if (sb->pid == 0) {
    int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
      _exit(126);
    }
    dup2(fd, STDOUT_FILENO);
    close(fd);
    execl(pfhir_bin, "pfhir", "sandbox", "--certs", sb->dir, "--port", "0", (char *)NULL);
    fprintf(stderr, "cannot run %s: %s\n", pfhir_bin, strerror(errno));
    _exit(127);
  }
  /* Wait for the line with the URL: "pfhir sandbox listening on https://...". */
  for (waited = 0; waited < 10000; waited += 20) {
    size_t len;
    char *log = t_read_file(log_path, &len);
    char *https = log != NULL ? strstr(log, "https://") : NULL;
    char *eol = https != NULL ? strchr(https, '\n') : NULL;
    int status;
    if (eol != NULL) {
      size_t n = (size_t)(eol - https);
      while (n > 0 && (https[n - 1] == '\r' || https[n - 1] == ' ')) {
        n--;
      }
      if (n < sizeof(sb->url)) {
        memcpy(sb->url, https, n);
        sb->url[n] = '\0';
      }
      free(log);
      break;
    }
    free(log);
    if (waitpid(sb->pid, &status, WNOHANG) == sb->pid) {
      fprintf(stderr, "the sandbox exited before it listened (status %d)\n", status);
      sb->pid = 0;
      return false;
    }
    t_sleep_ms(20);
  }
  if (sb->url[0] == '\0') {
    fprintf(stderr, "the sandbox printed no URL within 10 s\n");
    t_sandbox_stop(sb);
    return false;
  }
  return t_sandbox_load_certs(sb);
}

void t_sandbox_stop(t_sandbox *sb) {
  static const char *const files[] = {"ca.pem",         "server.pem", "server-key.pem",
                                      "client.pem",     "client-key.pem", "sandbox.log",
                                      "fault.json",     "ca-key.pem", NULL};
  size_t i;
  if (sb->pid > 0) {
    int status;
    kill(sb->pid, SIGTERM);
    waitpid(sb->pid, &status, 0);
    sb->pid = 0;
  }
  free(sb->ca_pem);
  free(sb->cert_pem);
  free(sb->key_pem);
  sb->ca_pem = sb->cert_pem = sb->key_pem = NULL;
  if (sb->dir[0] != '\0') {
    for (i = 0; files[i] != NULL; i++) {
      char p[512];
      unlink(t_path(sb, files[i], p, sizeof(p)));
    }
    if (rmdir(sb->dir) != 0) {
      fprintf(stderr, "note: %s left behind (%s)\n", sb->dir, strerror(errno));
    }
    sb->dir[0] = '\0';
  }
}

int t_sandbox_curl(const t_sandbox *sb, const char *method, const char *path, const char *body) {
  char origin[256], url[512], ca[512], cert[512], key[512], data[512];
  const char *third;
  pid_t pid;
  int status;
  FILE *f;
  /* The origin: "https://127.0.0.1:PORT" (up to the third slash). */
  third = strchr(sb->url + strlen("https://"), '/');
  snprintf(origin, sizeof(origin), "%.*s", (int)(third - sb->url), sb->url);
  snprintf(url, sizeof(url), "%s%s", origin, path);
  t_path(sb, "fault.json", data, sizeof(data));
  f = fopen(data, "wb");
  if (f == NULL) {
    return -1;
  }
  fputs(body != NULL ? body : "", f);
  fclose(f);
  {
    char at[520];
    snprintf(at, sizeof(at), "@%s", data);
    pid = fork();
    if (pid == 0) {
      int fd = open("/dev/null", O_WRONLY);
      if (fd >= 0) {
        dup2(fd, STDOUT_FILENO);
        close(fd);
      }
      execlp("curl", "curl", "-sS", "--fail", "--max-time", "10", "--cacert",
             t_path(sb, "ca.pem", ca, sizeof(ca)), "--cert",
             t_path(sb, "client.pem", cert, sizeof(cert)), "--key",
             t_path(sb, "client-key.pem", key, sizeof(key)), "-X", method, "-H",
             "Content-Type: application/json", "--data-binary", at, url, (char *)NULL);
      _exit(127);
    }
  }
  if (pid < 0 || waitpid(pid, &status, 0) != pid) {
    return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#else /* _WIN32 */

/*
 * The Windows build (mingw-w64, run under Wine by scripts/test-dist) cannot start the Linux
 * `pfhir sandbox` nor curl itself: it asks ffi/tests/c/bridge.sh, which runs beside it on
 * the Linux side, through files in a folder both see. The `pfhir_bin` argument of
 * t_sandbox_start names that folder (a Windows path such as Z:\tmp\x). A request is a file
 * REQ.cmd written whole (REQ.tmp, then renamed) whose lines are
 *   start                            -> a new sandbox; REQ.out: "0 FOLDER" (a Windows path)
 *   stop FOLDER                      -> stops it and removes FOLDER; REQ.out: "0"
 *   curl FOLDER METHOD URL           -> curl with that sandbox's client certificate, the body
 *                                       in REQ.body; REQ.out: curl's exit status
 * and the answer REQ.out is written whole too. The sandbox itself then writes sandbox.log
 * and the certificates into FOLDER, read from here as on Linux.
 */
static char t_bridge_dir[256];
static unsigned t_bridge_seq = 0;

static void t_sleep_ms(long ms) { Sleep((DWORD)ms); }

static char *t_path(const t_sandbox *sb, const char *name, char *buf, size_t cap) {
  snprintf(buf, cap, "%s/%s", sb->dir, name);
  return buf;
}

/* Sends one request to the bridge and waits (20 s at most) for its answer, which is
 * copied into `answer` (NUL-terminated). Returns false on failure or timeout. */
static bool t_bridge(const char *cmd, const char *body, char *answer, size_t cap) {
  char base[400], tmp[420], req[420], out[420], bpath[420];
  FILE *f;
  int waited;
  snprintf(base, sizeof(base), "%s/req-%lu-%u", t_bridge_dir, (unsigned long)GetCurrentProcessId(),
           ++t_bridge_seq);
  snprintf(tmp, sizeof(tmp), "%s.tmp", base);
  snprintf(req, sizeof(req), "%s.cmd", base);
  snprintf(out, sizeof(out), "%s.out", base);
  snprintf(bpath, sizeof(bpath), "%s.body", base);
  if (body != NULL) {
    f = fopen(bpath, "wb");
    if (f == NULL) {
      return false;
    }
    fputs(body, f);
    fclose(f);
  }
  f = fopen(tmp, "wb");
  if (f == NULL) {
    fprintf(stderr, "cannot write %s (is %s the bridge's folder?)\n", tmp, t_bridge_dir);
    return false;
  }
  fprintf(f, "%s\n", cmd);
  fclose(f);
  if (!MoveFileA(tmp, req)) {
    return false;
  }
  for (waited = 0; waited < 20000; waited += 20) {
    size_t len;
    char *text = t_read_file(out, &len);
    if (text != NULL) {
      while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r')) {
        text[--len] = '\0';
      }
      snprintf(answer, cap, "%s", text);
      free(text);
      DeleteFileA(out);
      DeleteFileA(bpath);
      return true;
    }
    t_sleep_ms(20);
  }
  fprintf(stderr, "the bridge (ffi/tests/c/bridge.sh) did not answer %s within 20 s\n", req);
  return false;
}

bool t_sandbox_start(t_sandbox *sb, const char *bridge_dir) {
  char answer[300], log_path[512];
  size_t len;
  char *log, *https, *eol;
  memset(sb, 0, sizeof(*sb));
  snprintf(t_bridge_dir, sizeof(t_bridge_dir), "%s", bridge_dir);
  if (!t_bridge("start", NULL, answer, sizeof(answer)) || strncmp(answer, "0 ", 2) != 0) {
    fprintf(stderr, "the bridge started no sandbox\n");
    return false;
  }
  snprintf(sb->dir, sizeof(sb->dir), "%s", answer + 2);
  sb->pid = 1; /* the bridge's */
  /* The bridge answers once the sandbox printed its URL. */
  log = t_read_file(t_path(sb, "sandbox.log", log_path, sizeof(log_path)), &len);
  https = log != NULL ? strstr(log, "https://") : NULL;
  eol = https != NULL ? strchr(https, '\n') : NULL;
  if (eol != NULL) {
    size_t n = (size_t)(eol - https);
    while (n > 0 && (https[n - 1] == '\r' || https[n - 1] == ' ')) {
      n--;
    }
    if (n < sizeof(sb->url)) {
      memcpy(sb->url, https, n);
      sb->url[n] = '\0';
    }
  }
  free(log);
  if (sb->url[0] == '\0') {
    fprintf(stderr, "no URL in %s\n", log_path);
    t_sandbox_stop(sb);
    return false;
  }
  return t_sandbox_load_certs(sb);
}

void t_sandbox_stop(t_sandbox *sb) {
  free(sb->ca_pem);
  free(sb->cert_pem);
  free(sb->key_pem);
  sb->ca_pem = sb->cert_pem = sb->key_pem = NULL;
  if (sb->pid > 0 && sb->dir[0] != '\0') {
    char cmd[300], answer[64];
    snprintf(cmd, sizeof(cmd), "stop %s", sb->dir);
    if (!t_bridge(cmd, NULL, answer, sizeof(answer)) || strcmp(answer, "0") != 0) {
      fprintf(stderr, "note: the bridge did not stop the sandbox in %s\n", sb->dir);
    }
  }
  sb->pid = 0;
  sb->dir[0] = '\0';
}

int t_sandbox_curl(const t_sandbox *sb, const char *method, const char *path, const char *body) {
  char origin[256], cmd[900], answer[64];
  const char *third = strchr(sb->url + strlen("https://"), '/');
  snprintf(origin, sizeof(origin), "%.*s", (int)(third - sb->url), sb->url);
  snprintf(cmd, sizeof(cmd), "curl %s %s %s%s", sb->dir, method, origin, path);
  if (!t_bridge(cmd, body != NULL ? body : "", answer, sizeof(answer))) {
    return -1;
  }
  return atoi(answer);
}

#endif /* _WIN32 */

static bool t_sandbox_load_certs(t_sandbox *sb) {
  char p[512];
  sb->ca_pem = t_read_file(t_path(sb, "ca.pem", p, sizeof(p)), &sb->ca_len);
  sb->cert_pem = t_read_file(t_path(sb, "client.pem", p, sizeof(p)), &sb->cert_len);
  sb->key_pem = t_read_file(t_path(sb, "client-key.pem", p, sizeof(p)), &sb->key_len);
  if (sb->ca_pem == NULL || sb->cert_pem == NULL || sb->key_pem == NULL) {
    fprintf(stderr, "the sandbox wrote no certificates in %s\n", sb->dir);
    t_sandbox_stop(sb);
    return false;
  }
  return true;
}

#define T_SET(call)                                    \
  do {                                                 \
    pfhir_error *e_ = (call);                          \
    if (e_ != NULL) {                                  \
      t_check_ok(e_, __FILE__, __LINE__, #call);       \
      pfhir_client_config_free(cfg);                   \
      return NULL;                                     \
    }                                                  \
  } while (0)

pfhir_client_config *t_sandbox_config(const t_sandbox *sb) {
  pfhir_client_config *cfg = NULL;
  if (!t_check_ok(pfhir_client_config_new(&cfg), __FILE__, __LINE__, "config_new")) {
    return NULL;
  }
  T_SET(pfhir_client_config_set_base_url(cfg, (const uint8_t *)sb->url, strlen(sb->url)));
  T_SET(pfhir_client_config_set_cert_pem(cfg, (const uint8_t *)sb->cert_pem, sb->cert_len));
  T_SET(pfhir_client_config_set_key_pem(cfg, (const uint8_t *)sb->key_pem, sb->key_len));
  T_SET(pfhir_client_config_set_ca_pem(cfg, (const uint8_t *)sb->ca_pem, sb->ca_len));
  T_SET(pfhir_client_config_set_org_id(cfg, (const uint8_t *)"2.16.724.4.2", 12));
  T_SET(pfhir_client_config_set_client_id(cfg, (const uint8_t *)"1234567890", 10));
  T_SET(pfhir_client_config_set_client_secret(cfg, (const uint8_t *)"sandbox-secret", 14));
  return cfg;
}

pfhir_bytes t_make_bundle(const char *patient_id, const char *family, const char *logical_id) {
#define T_U(s) (const uint8_t *)(s), (sizeof(s) - 1)
#define T_SV(s) (const uint8_t *)(s), strlen(s)
  pfhir_builder *b = NULL;
  pfhir_bytes out = {NULL, 0};
  if (!CHECK_OK(pfhir_builder_new(&b))) {
    return out;
  }
  CHECK_OK(pfhir_builder_set_authority(b, T_U("cip")));
  CHECK_OK(pfhir_builder_set_patient_id(b, T_SV(patient_id)));
  CHECK_OK(pfhir_builder_set_family_name(b, T_SV(family)));
  CHECK_OK(pfhir_builder_set_gender(b, T_U("female")));
  CHECK_OK(pfhir_builder_set_birth_date(b, T_U("1980-01-02")));
  CHECK_OK(pfhir_builder_set_diabetes(b, T_U("type1")));
  CHECK_OK(pfhir_builder_set_organization_oid(b, T_U("2.16.724.4.2")));
  if (logical_id != NULL) {
    CHECK_OK(pfhir_builder_set_patient_logical_id(b, T_SV(logical_id)));
  }
  CHECK_OK(pfhir_builder_build(b, &out));
  pfhir_builder_free(b);
  return out;
#undef T_U
#undef T_SV
}
