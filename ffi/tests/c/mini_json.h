/*
 * mini_json: a tiny, purpose-built JSON reader for the pfhir tests (the fixture
 * corpus's .expected.json files). Not a general library: it reads trusted test files,
 * keeps numbers as doubles, decodes \uXXXX escapes (with surrogate pairs) to UTF-8, and
 * gives up (NULL) on anything malformed. Used by the C tests and the C++ binding tests.
 */
#ifndef PFHIR_TEST_MINI_JSON_H
#define PFHIR_TEST_MINI_JSON_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mj_kind { MJ_NULL, MJ_BOOL, MJ_NUMBER, MJ_STRING, MJ_ARRAY, MJ_OBJECT } mj_kind;

typedef struct mj_value mj_value;

struct mj_value {
  mj_kind kind;
  bool boolean;
  double number;
  char *string;       /* MJ_STRING: NUL-terminated UTF-8 */
  size_t string_len;  /* without the NUL */
  size_t count;       /* MJ_ARRAY / MJ_OBJECT: number of items */
  char **keys;        /* MJ_OBJECT: member names (NUL-terminated) */
  mj_value **items;   /* MJ_ARRAY / MJ_OBJECT: values */
};

/* Parses `len` bytes; NULL when they are not one JSON value. Free with mj_free. */
mj_value *mj_parse(const char *text, size_t len);
void mj_free(mj_value *v);

/* Member `name` of an object, or NULL (also when `obj` is NULL or not an object). */
const mj_value *mj_get(const mj_value *obj, const char *name);
/* Item `i` of an array, or NULL. */
const mj_value *mj_at(const mj_value *arr, size_t i);
/* The string of `v`, or NULL when it is not a string. */
const char *mj_str(const mj_value *v);

#ifdef __cplusplus
}
#endif

#endif /* PFHIR_TEST_MINI_JSON_H */
