/*
 * Validation throughput through the C ABI, on the inputs of the Rust criterion benchmark
 * (core/benches/validate.rs), to compare with it:
 *   partner_bundle/validate_partner   tests/fixtures/partner/good-bundle.json, partner profile
 *   official_examples/validate_base   every file of vendor/fhir-stu3/examples, base profile
 * One iteration is pfhir_validate + pfhir_outcome_free (the Rust benchmark drops the
 * Outcome inside its timed loop too). Build it -O2 against the release library:
 * ffi/tests/c/bench.sh does it and runs both benchmarks (README "Performance").
 *
 * Usage: bench REPO_ROOT [SECONDS_PER_BENCHMARK [NAME]]   (default 5; 0 = one quick pass)
 * NAME runs only the benchmark of that name (wasm/bench/vs-native runs the partner one).
 * PFHIR_BENCH_BATCH=N: samples of N iterations each, as many as the time allows (default: 30
 * samples), so that the minimum and median compare with node-bench's batches of 500 calls.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pfhir.h"

typedef struct doc {
  char *data;
  size_t len;
} doc;

typedef struct corpus {
  const pfhir_validator *v;
  doc *docs;
  size_t count;
} corpus;

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static char *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *buf;
  long n;
  if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
    if (f != NULL) {
      fclose(f);
    }
    return NULL;
  }
  buf = (char *)malloc((size_t)n + 1);
  if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    fclose(f);
    return NULL;
  }
  fclose(f);
  buf[n] = '\0';
  *len = (size_t)n;
  return buf;
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static volatile size_t sink; /* keeps the results alive, like criterion's black_box */

/* One iteration: every document of the corpus validated once. */
static int iterate(const corpus *c) {
  size_t i;
  for (i = 0; i < c->count; i++) {
    pfhir_outcome *o = NULL;
    pfhir_error *err = pfhir_validate(c->v, (const uint8_t *)c->docs[i].data, c->docs[i].len, &o);
    if (err != NULL) {
      fprintf(stderr, "pfhir_validate failed: %s\n", pfhir_error_message(err).data);
      pfhir_error_free(err);
      return 0;
    }
    sink += pfhir_outcome_issue_count(o);
    pfhir_outcome_free(o);
  }
  return 1;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Warm-up, then samples of a fixed iteration count; prints mean, median, min (time/iter). */
static int run(const char *name, const corpus *c, double seconds) {
  enum { SAMPLES = 30, MAX_SAMPLES = 8192 };
  static double samples[MAX_SAMPLES];
  double start, per_iter, sum = 0;
  const char *batch_env = getenv("PFHIR_BENCH_BATCH");
  long iters = 0, per_sample, batch = batch_env != NULL ? atol(batch_env) : 0;
  int s, nsamples = SAMPLES;
  size_t bytes = 0, i;
  for (i = 0; i < c->count; i++) {
    bytes += c->docs[i].len;
  }
  /* Warm-up: 10% of the budget (at least one iteration) and an estimate of the time. */
  start = now_ns();
  do {
    if (!iterate(c)) {
      return 0;
    }
    iters++;
  } while (now_ns() - start < seconds * 1e8);
  per_iter = (now_ns() - start) / (double)iters;
  if (seconds <= 0) {
    printf("%-34s %12.1f us/iter (one pass, not a measurement)\n", name, per_iter / 1e3);
    return 1;
  }
  per_sample = (long)(seconds * 0.9e9 / SAMPLES / per_iter);
  if (batch > 0) {
    /* Samples of `batch` iterations, as many as the time allows: the statistics of
       wasm/bench/node-bench.mjs (batches of 500 calls), for wasm/bench/vs-native. */
    double fit = seconds * 0.9e9 / ((double)batch * per_iter);
    per_sample = batch;
    nsamples = fit > MAX_SAMPLES ? MAX_SAMPLES : fit < 5 ? 5 : (int)fit;
  }
  if (per_sample < 1) {
    per_sample = 1;
  }
  for (s = 0; s < nsamples; s++) {
    long k;
    start = now_ns();
    for (k = 0; k < per_sample; k++) {
      if (!iterate(c)) {
        return 0;
      }
    }
    samples[s] = (now_ns() - start) / (double)per_sample;
    sum += samples[s];
  }
  qsort(samples, (size_t)nsamples, sizeof(double), cmp_double);
  printf("%-34s mean %10.2f us  median %10.2f us  min %10.2f us  (%d x %ld iter, %zu docs, "
         "%.1f MiB/s)\n",
         name, sum / nsamples / 1e3, samples[nsamples / 2] / 1e3, samples[0] / 1e3, nsamples,
         per_sample, c->count, (double)bytes / (samples[nsamples / 2] / 1e9) / (1024.0 * 1024.0));
  return 1;
}

/* The benchmarks, by the names of the criterion groups they mirror. */
static const char *const BENCHMARKS[] = {"partner_bundle/validate_partner",
                                         "official_examples/validate_base"};

static pfhir_validator *validator(pfhir_profile profile) {
  pfhir_validator_options *opts = NULL;
  pfhir_validator *v = NULL;
  pfhir_error *err = pfhir_validator_options_new(&opts);
  if (err == NULL) {
    err = pfhir_validator_options_set_profile(opts, profile);
  }
  if (err == NULL) {
    err = pfhir_validator_new(opts, &v);
  }
  pfhir_validator_options_free(opts);
  if (err != NULL) {
    fprintf(stderr, "validator: %s\n", pfhir_error_message(err).data);
    pfhir_error_free(err);
    return NULL;
  }
  return v;
}

int main(int argc, char **argv) {
  char path[4096];
  double seconds = argc > 2 ? atof(argv[2]) : 5.0;
  pfhir_validator *partner, *base;
  doc good;
  corpus bundle, examples;
  char **names = NULL;
  size_t n = 0, cap = 0, i;
  DIR *d;
  struct dirent *e;
  const char *only;
  int ok = 1, known = 0;
  if (argc < 2) {
    fprintf(stderr, "usage: %s REPO_ROOT [SECONDS_PER_BENCHMARK [NAME]]\n", argv[0]);
    return 2;
  }
  only = argc > 3 ? argv[3] : NULL;
  for (i = 0; i < sizeof(BENCHMARKS) / sizeof(BENCHMARKS[0]); i++) {
    known |= only == NULL || strcmp(only, BENCHMARKS[i]) == 0;
  }
  if (!known) {
    fprintf(stderr, "no benchmark is named %s\n", only);
    return 2;
  }
  snprintf(path, sizeof(path), "%s/tests/fixtures/partner/good-bundle.json", argv[1]);
  good.data = read_all(path, &good.len);
  snprintf(path, sizeof(path), "%s/vendor/fhir-stu3/examples", argv[1]);
  d = opendir(path);
  if (good.data == NULL || d == NULL) {
    fprintf(stderr, "cannot read the inputs under %s\n", argv[1]);
    return 2;
  }
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') {
      continue;
    }
    if (n == cap) {
      cap = cap == 0 ? 64 : cap * 2;
      names = (char **)realloc(names, cap * sizeof(char *));
    }
    names[n] = (char *)malloc(strlen(path) + strlen(e->d_name) + 2);
    sprintf(names[n], "%s/%s", path, e->d_name);
    n++;
  }
  closedir(d);
  qsort(names, n, sizeof(char *), cmp_names);
  examples.docs = (doc *)calloc(n, sizeof(doc));
  examples.count = n;
  for (i = 0; i < n; i++) {
    examples.docs[i].data = read_all(names[i], &examples.docs[i].len);
    if (examples.docs[i].data == NULL) {
      fprintf(stderr, "cannot read %s\n", names[i]);
      return 2;
    }
  }
  partner = validator(PFHIR_PROFILE_PARTNER);
  base = validator(PFHIR_PROFILE_BASE);
  if (partner == NULL || base == NULL) {
    return 1;
  }
  bundle.v = partner;
  bundle.docs = &good;
  bundle.count = 1;
  examples.v = base;
  printf("libpfhir %s through the C ABI\n", pfhir_version());
  {
    const corpus *inputs[] = {&bundle, &examples}; /* in the order of BENCHMARKS */
    for (i = 0; ok && i < sizeof(BENCHMARKS) / sizeof(BENCHMARKS[0]); i++) {
      if (only == NULL || strcmp(only, BENCHMARKS[i]) == 0) {
        ok = run(BENCHMARKS[i], inputs[i], seconds);
      }
    }
  }
  pfhir_validator_free(partner);
  pfhir_validator_free(base);
  for (i = 0; i < n; i++) {
    free(names[i]);
    free(examples.docs[i].data);
  }
  free(names);
  free(examples.docs);
  free(good.data);
  return ok ? 0 : 1;
}
