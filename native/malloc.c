/*
 * glibc malloc's retention, set from inside the process (what MALLOC_MMAP_THRESHOLD_,
 * MALLOC_TRIM_THRESHOLD_ and MALLOC_ARENA_MAX would set at its start).
 *
 * A run with host threads is one process of many threads. glibc serves a request of at least
 * the mmap threshold (128 KiB) with a mapping of its own, returned to the kernel on free, but by
 * default it raises that threshold to the size of every such block freed (up to 32 MiB): once the
 * bundle's 2.7 MB source buffer has been read and freed, every block below that size comes
 * from an arena, and an arena keeps what was freed in it. With threads each arena of its own
 * (up to 8 per core), a lab's peak resident memory grew by some 20 MB of freed memory nobody
 * reused. mallocTune fixes the thresholds (which also stops the raising) and caps the arenas.
 */
#include <malloc.h>
#include <node_api.h>

#define WL_ADDON "wirelab_probe"
#include "wl_napi.h"

/* mallocTune({ mmapThreshold, trimThreshold, arenaMax }): each given number passed to mallopt; true when all took. */
static napi_value js_malloc_tune(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  napi_valuetype t = napi_undefined;
  if (argc < 1 || napi_typeof(env, argv[0], &t) != napi_ok || t != napi_object) {
    napi_throw_type_error(env, NULL, "mallocTune({ mmapThreshold?, trimThreshold?, arenaMax? }): an options object");
    return NULL;
  }
  static const struct {
    const char *key;
    int param;
  } params[] = {{"mmapThreshold", M_MMAP_THRESHOLD}, {"trimThreshold", M_TRIM_THRESHOLD}, {"arenaMax", M_ARENA_MAX}};
  bool ok = true;
  for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
    bool has = false;
    CHECK(napi_has_named_property(env, argv[0], params[i].key, &has));
    if (!has) continue;
    napi_value v;
    int64_t n = 0;
    CHECK(napi_get_named_property(env, argv[0], params[i].key, &v));
    if (napi_get_value_int64(env, v, &n) != napi_ok || n < 0 || n > 0x7fffffff) {
      napi_throw_range_error(env, NULL, "mallocTune: values are whole numbers from 0 to 2^31-1");
      return NULL;
    }
    if (mallopt(params[i].param, (int)n) != 1) ok = false;
  }
  napi_value result;
  CHECK(napi_get_boolean(env, ok, &result));
  return result;
}

/* Adds mallocTune to the module's exports. */
int malloc_init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"mallocTune", NULL, js_malloc_tune, NULL, NULL, NULL, napi_default, NULL},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props) == napi_ok ? 0 : -1;
}
