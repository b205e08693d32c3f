/*
 * N-API boilerplate shared by the addons (capture.c, probe.c, trace.c): the CHECK macro,
 * throwing an errno as an Error (code EPERM for EPERM/EACCES, so the JS side can ask for
 * root), and reading string and number properties of an options object. Define WL_ADDON
 * (the addon's name, for messages) before including this file.
 */
#ifndef WL_NAPI_H
#define WL_NAPI_H

#include <errno.h>
#include <node_api.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifndef WL_ADDON
#error "define WL_ADDON (the addon's name) before including wl_napi.h"
#endif

/* Returns NULL from the calling napi function, with an Error naming the call, when it failed. */
#define CHECK(call)                                                           \
  do {                                                                        \
    if ((call) != napi_ok) {                                                  \
      napi_throw_error(env, NULL, WL_ADDON ": N-API call failed: " #call);    \
      return NULL;                                                            \
    }                                                                         \
  } while (0)

/* Throws `what: strerror(err)`, with code EPERM when the kernel refused for want of privilege. */
static inline napi_value wl_throw_errno(napi_env env, const char *what, int err) {
  char msg[160];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_throw_error(env, err == EPERM || err == EACCES ? "EPERM" : NULL, msg);
  return NULL;
}

/*
 * obj[key] as UTF-8 into buf (cut to cap - 1 bytes); its length, or -1 when it is missing or
 * not a string (buf is then empty). Throws nothing.
 */
static inline int wl_get_string(napi_env env, napi_value obj, const char *key, char *buf, size_t cap) {
  napi_value v;
  size_t len = 0;
  buf[0] = 0;
  if (napi_get_named_property(env, obj, key, &v) != napi_ok) return -1;
  if (napi_get_value_string_utf8(env, v, buf, cap, &len) != napi_ok) {
    buf[0] = 0;
    return -1;
  }
  return (int)len;
}

/* obj[key] as an unsigned 32-bit number: 0, or -1 when it is missing or not a number. */
static inline int wl_get_u32(napi_env env, napi_value obj, const char *key, uint32_t *out) {
  napi_value v;
  if (napi_get_named_property(env, obj, key, &v) != napi_ok) return -1;
  return napi_get_value_uint32(env, v, out) == napi_ok ? 0 : -1;
}

/* obj[key] as an integer, or `def` when it is missing or not a number. */
static inline int64_t wl_get_int64(napi_env env, napi_value obj, const char *key, int64_t def) {
  napi_value v;
  int64_t r;
  if (napi_get_named_property(env, obj, key, &v) != napi_ok) return def;
  return napi_get_value_int64(env, v, &r) == napi_ok ? r : def;
}

#endif
