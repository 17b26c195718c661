/*
 * create_patient: creates a patient on the Partners FHIR API over mutual TLS with libpfhir,
 * then reads it back. Works against the platform or against `pfhir sandbox`.
 *
 *   create_patient BASE_URL CLIENT_CERT_PEM CLIENT_KEY_PEM [CA_PEM]
 *
 * or with the environment: PFHIR_BASE_URL, PFHIR_CERT, PFHIR_KEY, PFHIR_CA (optional: without
 * it the server is checked against the compiled-in Mozilla root certificates (webpki-roots);
 * a later release adds the OS trust store). Also from the environment: PFHIR_ORG_ID (default
 * 2.16.724.4.2), PFHIR_CLIENT_ID (default 1234567890), PFHIR_CLIENT_SECRET (default
 * sandbox-secret, the sandbox's), PFHIR_PATIENT_ID (the CIP identifier; default: made from
 * the time).
 * Exit status: 0 when created and read, 1 when the platform or the network said no, 2 on a
 * usage, file or configuration error.
 *
 * Build: cc create_patient.c $(pkg-config --cflags --libs pfhir)   (or CMake: CMakeLists.txt)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pfhir.h>

#define TEXT(s) (const uint8_t *)(s), strlen(s)

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *buf;
  long n;
  if (f == NULL) return NULL;
  if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
      (buf = malloc((size_t)n + 1)) == NULL) {
    fclose(f);
    return NULL;
  }
  if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  *len = (size_t)n;
  return buf;
}

static const char *env_or(const char *name, const char *fallback) {
  const char *v = getenv(name);
  return v != NULL && v[0] != '\0' ? v : fallback;
}

/* Prints everything an error carries, frees it, and returns the exit status to use. */
static int report(const char *what, pfhir_error *err) {
  pfhir_code code = pfhir_error_code(err);
  pfhir_str request_id = pfhir_error_request_id(err);
  pfhir_str outcome = pfhir_error_outcome_json(err);
  int status = code >= PFHIR_CODE_VALIDATION ? 1 : 2;
  fprintf(stderr, "%s failed: %s (code %u", what, pfhir_code_name(code).data, (unsigned)code);
  if (pfhir_error_http_status(err) != 0) {
    fprintf(stderr, ", HTTP %u", (unsigned)pfhir_error_http_status(err));
  }
  fprintf(stderr, "): %s\n", pfhir_error_message(err).data);
  if (request_id.data != NULL) fprintf(stderr, "  x-origin-request-id: %s\n", request_id.data);
  if (outcome.data != NULL) fprintf(stderr, "  OperationOutcome: %s\n", outcome.data);
  if (pfhir_error_retry_safe(err)) fprintf(stderr, "  (safe to retry)\n");
  pfhir_error_free(err);
  return status;
}

int main(int argc, char **argv) {
  const char *base_url = argc > 1 ? argv[1] : getenv("PFHIR_BASE_URL");
  const char *cert_path = argc > 2 ? argv[2] : getenv("PFHIR_CERT");
  const char *key_path = argc > 3 ? argv[3] : getenv("PFHIR_KEY");
  const char *ca_path = argc > 4 ? argv[4] : getenv("PFHIR_CA");
  char patient_id[64];
  char *cert = NULL, *key = NULL, *ca = NULL;
  size_t cert_len = 0, key_len = 0, ca_len = 0;
  pfhir_client_config *cfg = NULL;
  pfhir_client *client = NULL;
  pfhir_builder *builder = NULL;
  pfhir_bytes bundle = {NULL, 0};
  pfhir_create_result *created = NULL;
  pfhir_read_result *read = NULL;
  pfhir_error *err = NULL;
  int status = 0;

  if (base_url == NULL || cert_path == NULL || key_path == NULL) {
    fprintf(stderr,
            "usage: %s BASE_URL CLIENT_CERT_PEM CLIENT_KEY_PEM [CA_PEM]\n"
            "   or: PFHIR_BASE_URL=... PFHIR_CERT=... PFHIR_KEY=... [PFHIR_CA=...] %s\n",
            argv[0], argv[0]);
    return 2;
  }
  cert = read_file(cert_path, &cert_len);
  key = read_file(key_path, &key_len);
  ca = ca_path != NULL ? read_file(ca_path, &ca_len) : NULL;
  if (cert == NULL || key == NULL || (ca_path != NULL && ca == NULL)) {
    fprintf(stderr, "cannot read the certificate, key or CA file\n");
    status = 2;
    goto done;
  }
  snprintf(patient_id, sizeof(patient_id), "%s",
           env_or("PFHIR_PATIENT_ID", ""));
  if (patient_id[0] == '\0') {
    snprintf(patient_id, sizeof(patient_id), "EXAMPLE%ld", (long)time(NULL));
  }

  /* 1. The client: built once, thread-safe, keeps its connection alive. */
  if ((err = pfhir_client_config_new(&cfg)) != NULL ||
      (err = pfhir_client_config_set_base_url(cfg, TEXT(base_url))) != NULL ||
      (err = pfhir_client_config_set_cert_pem(cfg, (const uint8_t *)cert, cert_len)) != NULL ||
      (err = pfhir_client_config_set_key_pem(cfg, (const uint8_t *)key, key_len)) != NULL ||
      (ca != NULL && (err = pfhir_client_config_set_ca_pem(cfg, (const uint8_t *)ca, ca_len)) != NULL) ||
      (err = pfhir_client_config_set_org_id(cfg, TEXT(env_or("PFHIR_ORG_ID", "2.16.724.4.2")))) != NULL ||
      (err = pfhir_client_config_set_client_id(cfg, TEXT(env_or("PFHIR_CLIENT_ID", "1234567890")))) != NULL ||
      (err = pfhir_client_config_set_client_secret(
           cfg, TEXT(env_or("PFHIR_CLIENT_SECRET", "sandbox-secret")))) != NULL ||
      (err = pfhir_client_new(cfg, &client)) != NULL) {
    status = report("configuration", err);
    goto done;
  }

  /* 2. The message Bundle, from the EMR's fields. */
  if ((err = pfhir_builder_new(&builder)) != NULL ||
      (err = pfhir_builder_set_authority(builder, TEXT("cip"))) != NULL ||
      (err = pfhir_builder_set_patient_id(builder, TEXT(patient_id))) != NULL ||
      (err = pfhir_builder_set_family_name(builder, TEXT("Example"))) != NULL ||
      (err = pfhir_builder_add_given_name(builder, TEXT("Ana"))) != NULL ||
      (err = pfhir_builder_set_gender(builder, TEXT("female"))) != NULL ||
      (err = pfhir_builder_set_birth_date(builder, TEXT("1980-01-02"))) != NULL ||
      (err = pfhir_builder_set_diabetes(builder, TEXT("type1"))) != NULL ||
      (err = pfhir_builder_set_organization_oid(builder, TEXT(env_or("PFHIR_ORG_ID", "2.16.724.4.2")))) != NULL ||
      (err = pfhir_builder_build(builder, &bundle)) != NULL) {
    size_t i;
    for (i = 0; i < pfhir_error_field_count(err); i++) {
      fprintf(stderr, "  %s: %s\n", pfhir_error_field_name(err, i).data,
              pfhir_error_field_message(err, i).data);
    }
    status = report("building the Bundle", err);
    goto done;
  }

  /* 3. Create (validated locally first), then read it back. */
  if ((err = pfhir_client_create(client, bundle.data, bundle.len, &created)) != NULL) {
    status = report("create", err);
    goto done;
  }
  printf("created patient %s (HTTP %u, bundle %s, request %s)\n",
         pfhir_create_result_patient_id(created).data, (unsigned)pfhir_create_result_status(created),
         pfhir_create_result_bundle_id(created).data, pfhir_create_result_request_id(created).data);
  if ((err = pfhir_client_read(client, (const uint8_t *)pfhir_create_result_patient_id(created).data,
                               pfhir_create_result_patient_id(created).len, &read)) != NULL) {
    status = report("read", err);
    goto done;
  }
  printf("read it back: HTTP %u, %zu bytes of Patient JSON\n",
         (unsigned)pfhir_read_result_status(read), pfhir_read_result_patient_json(read).len);

done:
  pfhir_read_result_free(read);
  pfhir_create_result_free(created);
  pfhir_bytes_free(bundle);
  pfhir_builder_free(builder);
  pfhir_client_free(client);
  pfhir_client_config_free(cfg);
  free(cert);
  free(key);
  free(ca);
  return status;
}
