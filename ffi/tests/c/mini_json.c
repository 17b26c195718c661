/* mini_json: see mini_json.h. */
#include "mini_json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct mj_parser {
  const char *p;
  const char *end;
  int depth;
} mj_parser;

static void mj_skip_ws(mj_parser *ps) {
  while (ps->p < ps->end &&
         (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')) {
    ps->p++;
  }
}

static mj_value *mj_new(mj_kind kind) {
  mj_value *v = (mj_value *)calloc(1, sizeof(mj_value));
  if (v != NULL) {
    v->kind = kind;
  }
  return v;
}

void mj_free(mj_value *v) {
  size_t i;
  if (v == NULL) {
    return;
  }
  free(v->string);
  for (i = 0; i < v->count; i++) {
    if (v->keys != NULL) {
      free(v->keys[i]);
    }
    mj_free(v->items[i]);
  }
  free(v->keys);
  free(v->items);
  free(v);
}

static int mj_hex4(const char *s, unsigned *out) {
  unsigned v = 0;
  int i;
  for (i = 0; i < 4; i++) {
    char c = s[i];
    v <<= 4;
    if (c >= '0' && c <= '9') {
      v |= (unsigned)(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      v |= (unsigned)(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      v |= (unsigned)(c - 'A' + 10);
    } else {
      return 0;
    }
  }
  *out = v;
  return 1;
}

static size_t mj_put_utf8(char *dst, unsigned cp) {
  if (cp < 0x80) {
    dst[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    dst[0] = (char)(0xC0 | (cp >> 6));
    dst[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    dst[0] = (char)(0xE0 | (cp >> 12));
    dst[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    dst[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  dst[0] = (char)(0xF0 | (cp >> 18));
  dst[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  dst[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  dst[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* Reads a string at ps->p (on the opening quote); returns a malloc'd NUL-terminated copy. */
static char *mj_string(mj_parser *ps, size_t *len_out) {
  const char *s;
  char *buf;
  size_t n = 0;
  if (ps->p >= ps->end || *ps->p != '"') {
    return NULL;
  }
  ps->p++;
  s = ps->p;
  /* The decoded text is never longer than the raw text. */
  while (ps->p < ps->end && *ps->p != '"') {
    if (*ps->p == '\\') {
      ps->p++;
    }
    ps->p++;
  }
  if (ps->p >= ps->end) {
    return NULL;
  }
  buf = (char *)malloc((size_t)(ps->p - s) + 1);
  if (buf == NULL) {
    return NULL;
  }
  while (s < ps->p) {
    char c = *s++;
    if (c != '\\') {
      buf[n++] = c;
      continue;
    }
    c = *s++;
    switch (c) {
      case '"': buf[n++] = '"'; break;
      case '\\': buf[n++] = '\\'; break;
      case '/': buf[n++] = '/'; break;
      case 'b': buf[n++] = '\b'; break;
      case 'f': buf[n++] = '\f'; break;
      case 'n': buf[n++] = '\n'; break;
      case 'r': buf[n++] = '\r'; break;
      case 't': buf[n++] = '\t'; break;
      case 'u': {
        unsigned cp, lo;
        if (ps->p - s < 4 || !mj_hex4(s, &cp)) {
          free(buf);
          return NULL;
        }
        s += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && ps->p - s >= 6 && s[0] == '\\' && s[1] == 'u' &&
            mj_hex4(s + 2, &lo) && lo >= 0xDC00 && lo < 0xE000) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          s += 6;
        }
        /* A lone surrogate is kept as its (WTF-8) three bytes: fine for tests. */
        n += mj_put_utf8(buf + n, cp);
        break;
      }
      default:
        free(buf);
        return NULL;
    }
  }
  buf[n] = '\0';
  ps->p++; /* closing quote */
  if (len_out != NULL) {
    *len_out = n;
  }
  return buf;
}

static mj_value *mj_value_at(mj_parser *ps);

static int mj_push(mj_value *v, char *key, mj_value *item, size_t *cap) {
  if (v->count == *cap) {
    size_t ncap = *cap == 0 ? 4 : *cap * 2;
    mj_value **items = (mj_value **)realloc(v->items, ncap * sizeof(*items));
    if (items == NULL) {
      return 0;
    }
    v->items = items;
    if (v->kind == MJ_OBJECT) {
      char **keys = (char **)realloc(v->keys, ncap * sizeof(*keys));
      if (keys == NULL) {
        return 0;
      }
      v->keys = keys;
    }
    *cap = ncap;
  }
  if (v->kind == MJ_OBJECT) {
    v->keys[v->count] = key;
  }
  v->items[v->count] = item;
  v->count++;
  return 1;
}

static mj_value *mj_container(mj_parser *ps, mj_kind kind) {
  char close = kind == MJ_OBJECT ? '}' : ']';
  size_t cap = 0;
  mj_value *v = mj_new(kind);
  if (v == NULL || ++ps->depth > 200) {
    mj_free(v);
    return NULL;
  }
  ps->p++; /* { or [ */
  mj_skip_ws(ps);
  if (ps->p < ps->end && *ps->p == close) {
    ps->p++;
    ps->depth--;
    return v;
  }
  for (;;) {
    char *key = NULL;
    mj_value *item;
    mj_skip_ws(ps);
    if (kind == MJ_OBJECT) {
      key = mj_string(ps, NULL);
      mj_skip_ws(ps);
      if (key == NULL || ps->p >= ps->end || *ps->p != ':') {
        free(key);
        mj_free(v);
        return NULL;
      }
      ps->p++;
    }
    item = mj_value_at(ps);
    if (item == NULL || !mj_push(v, key, item, &cap)) {
      free(key);
      mj_free(item);
      mj_free(v);
      return NULL;
    }
    mj_skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ',') {
      ps->p++;
      continue;
    }
    if (ps->p < ps->end && *ps->p == close) {
      ps->p++;
      ps->depth--;
      return v;
    }
    mj_free(v);
    return NULL;
  }
}

static int mj_word(mj_parser *ps, const char *w) {
  size_t n = strlen(w);
  if ((size_t)(ps->end - ps->p) >= n && memcmp(ps->p, w, n) == 0) {
    ps->p += n;
    return 1;
  }
  return 0;
}

static mj_value *mj_value_at(mj_parser *ps) {
  mj_value *v;
  mj_skip_ws(ps);
  if (ps->p >= ps->end) {
    return NULL;
  }
  switch (*ps->p) {
    case '{': return mj_container(ps, MJ_OBJECT);
    case '[': return mj_container(ps, MJ_ARRAY);
    case '"':
      v = mj_new(MJ_STRING);
      if (v != NULL && (v->string = mj_string(ps, &v->string_len)) == NULL) {
        mj_free(v);
        return NULL;
      }
      return v;
    case 't':
    case 'f':
    case 'n': {
      int is_true = mj_word(ps, "true");
      if (is_true || mj_word(ps, "false")) {
        v = mj_new(MJ_BOOL);
        if (v != NULL) {
          v->boolean = is_true != 0;
        }
        return v;
      }
      return mj_word(ps, "null") ? mj_new(MJ_NULL) : NULL;
    }
    default: {
      char tmp[64];
      size_t n = 0;
      char *endp;
      while (ps->p < ps->end && n < sizeof(tmp) - 1 &&
             (strchr("+-0123456789.eE", *ps->p) != NULL)) {
        tmp[n++] = *ps->p++;
      }
      tmp[n] = '\0';
      if (n == 0) {
        return NULL;
      }
      v = mj_new(MJ_NUMBER);
      if (v != NULL) {
        v->number = strtod(tmp, &endp);
        if (*endp != '\0') {
          mj_free(v);
          return NULL;
        }
      }
      return v;
    }
  }
}

mj_value *mj_parse(const char *text, size_t len) {
  mj_parser ps;
  mj_value *v;
  ps.p = text;
  ps.end = text + len;
  ps.depth = 0;
  v = mj_value_at(&ps);
  mj_skip_ws(&ps);
  if (v != NULL && ps.p != ps.end) {
    mj_free(v);
    return NULL;
  }
  return v;
}

const mj_value *mj_get(const mj_value *obj, const char *name) {
  size_t i;
  if (obj == NULL || obj->kind != MJ_OBJECT) {
    return NULL;
  }
  for (i = 0; i < obj->count; i++) {
    if (strcmp(obj->keys[i], name) == 0) {
      return obj->items[i];
    }
  }
  return NULL;
}

const mj_value *mj_at(const mj_value *arr, size_t i) {
  if (arr == NULL || arr->kind != MJ_ARRAY || i >= arr->count) {
    return NULL;
  }
  return arr->items[i];
}

const char *mj_str(const mj_value *v) {
  return v != NULL && v->kind == MJ_STRING ? v->string : NULL;
}
