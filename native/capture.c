/*
 * wirelab_capture: live capture to a pcap or pcapng file, in C, on a thread of its own.
 *
 * The `cap` binding makes one JavaScript call per packet and gives no counters, so a loopback
 * flood outruns it and its losses are invisible. This module does what dumpcap does instead:
 *
 *   - libpcap handle with a big kernel ring (pcap_set_buffer_size), immediate mode off (the
 *     kernel hands over whole TPACKET_V3 blocks), nanosecond kernel timestamps;
 *   - a capture thread that waits on the handle's selectable fd (poll, 10 ms) and reads with
 *     pcap_dispatch in batches, appending each record to a 1 MiB buffer written with write(2);
 *   - at stop: it keeps reading until no packet came for `quietMs` after the stop (bounded by
 *     `maxDrainMs`), so everything the kernel captured before the stop is written, then takes
 *     pcap_stats (packets received by filter, dropped by kernel, dropped by interface), writes
 *     a pcapng Interface Statistics Block with them, syncs and closes the file.
 *
 * File formats are those of src/packets/writer.ts: pcap with microsecond timestamps (magic
 * a1b2c3d4), pcapng with one SHB (shb_userappl "wirelab"), one IDB (if_name, if_tsresol 9) and
 * one EPB per packet.
 *
 * JavaScript sees:
 *   open({ device, filter, file, format, snaplen, bufferSize, timeoutMs, quietMs, maxDrainMs })
 *       → handle; throws an Error whose `code` is 'permission', 'no-device', 'filter', 'file'
 *         or 'open'
 *   linktype(handle) → the LINKTYPE_* number written to the file
 *   count(handle)    → packets written so far
 *   stop(handle)     → Promise<{ captured, received, droppedByKernel, droppedByInterface }>
 *                      (idempotent: a second call gets the same numbers)
 *   devices()        → device names (pcap_findalldevs), for error messages
 */
#define NAPI_VERSION 8
#define _GNU_SOURCE
#define WL_ADDON "wirelab_capture"
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include "wl_napi.h"
#include <pcap/pcap.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BUF_SIZE (1 << 20)
#define FMT_PCAP 0
#define FMT_PCAPNG 1

typedef struct {
  pcap_t *p;
  int fd;
  int format;
  uint32_t snaplen;
  int poll_fd;
  int quiet_ms, max_drain_ms, timeout_ms;
  pthread_t thread;
  int thread_started;
  int joined;
  int stop; /* set by JS (atomic) */
  uint64_t count; /* packets written (atomic) */
  unsigned char *buf;
  size_t used;
  int write_errno;       /* first write error (the capture stops) */
  char pcap_err[PCAP_ERRBUF_SIZE];
  int read_failed;       /* pcap_dispatch failed */
  struct pcap_stat stats;
  int stats_ok;
  uint64_t first_ns, last_ns;
  napi_deferred *waiters;
  size_t nwaiters;
  int stopping; /* a stop() async work is under way */
  int linktype; /* LINKTYPE_* number written to the file */
} capture_t;

/* LINKTYPE_* number of a DLT_* value: equal except for a few (pcap-common.c); on Linux DLT_RAW
 * is 12 and its LINKTYPE 101. */
static int linktype_of(int dlt) {
  switch (dlt) {
  case 12: case 14: return 101;
  case 11: return 100;
  case 13: return 50;
  case 17: return 117;
  case 19: return 106;
  default: return dlt;
  }
}

static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int flush_buf(capture_t *c) {
  size_t off = 0;
  while (off < c->used) {
    ssize_t n = write(c->fd, c->buf + off, c->used - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (!c->write_errno) c->write_errno = errno;
      c->used = 0;
      return -1;
    }
    off += (size_t)n;
  }
  c->used = 0;
  return 0;
}

static void put16(unsigned char *b, uint16_t v) { memcpy(b, &v, 2); }
static void put32(unsigned char *b, uint32_t v) { memcpy(b, &v, 4); }
static void put64(unsigned char *b, uint64_t v) { memcpy(b, &v, 8); }

/* A pcapng option at b: code, length, value padded to 32 bits; returns its size. */
static size_t opt(unsigned char *b, uint16_t code, const void *val, uint16_t len) {
  put16(b, code);
  put16(b + 2, len);
  memcpy(b + 4, val, len);
  size_t padded = (len + 3u) & ~3u;
  memset(b + 4 + len, 0, padded - len);
  return 4 + padded;
}

/* Host byte order is little endian on every platform we build for (x86-64, arm64). */
static void write_headers(capture_t *c, int linktype, const char *ifname) {
  unsigned char *b = c->buf;
  if (c->format == FMT_PCAP) {
    put32(b, 0xa1b2c3d4);
    put16(b + 4, 2);
    put16(b + 6, 4);
    put32(b + 8, 0);
    put32(b + 12, 0);
    put32(b + 16, c->snaplen);
    put32(b + 20, (uint32_t)linktype);
    c->used = 24;
    return;
  }
  /* SHB */
  size_t o = 0;
  put32(b, 0x0a0d0d0a);
  put32(b + 8, 0x1a2b3c4d);
  put16(b + 12, 1);
  put16(b + 14, 0);
  put64(b + 16, (uint64_t)-1);
  o = 24;
  o += opt(b + o, 4, "wirelab", 7);
  put32(b + o, 0); /* opt_endofopt */
  o += 4;
  put32(b + 4, (uint32_t)(o + 4));
  put32(b + o, (uint32_t)(o + 4));
  o += 4;
  /* IDB */
  size_t s = o;
  put32(b + o, 1);
  put16(b + o + 8, (uint16_t)linktype);
  put16(b + o + 10, 0);
  put32(b + o + 12, c->snaplen);
  o += 16;
  size_t nl = ifname ? strlen(ifname) : 0;
  if (nl > 0 && nl < 256) o += opt(b + o, 2, ifname, (uint16_t)nl);
  unsigned char res = 9;
  o += opt(b + o, 9, &res, 1);
  put32(b + o, 0);
  o += 4;
  put32(b + s + 4, (uint32_t)(o - s + 4));
  put32(b + o, (uint32_t)(o - s + 4));
  o += 4;
  c->used = o;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *data) {
  capture_t *c = (capture_t *)user;
  if (c->write_errno) return;
  uint32_t caplen = h->caplen < c->snaplen ? h->caplen : c->snaplen;
  uint32_t orig = h->len > caplen ? h->len : caplen;
  size_t padded = (caplen + 3u) & ~3u;
  size_t need = (c->format == FMT_PCAP ? 16 + caplen : 32 + padded);
  if (c->used + need > BUF_SIZE && flush_buf(c) < 0) return;
  if (need > BUF_SIZE) return; /* cannot happen: snaplen ≤ 262144 */
  unsigned char *b = c->buf + c->used;
  /* nanosecond precision handle: tv_usec holds nanoseconds */
  uint64_t sec = (uint64_t)h->ts.tv_sec, nsec = (uint64_t)h->ts.tv_usec;
  uint64_t ns = sec * 1000000000ull + nsec;
  if (!c->first_ns) c->first_ns = ns;
  c->last_ns = ns;
  if (c->format == FMT_PCAP) {
    put32(b, (uint32_t)sec);
    put32(b + 4, (uint32_t)(nsec / 1000));
    put32(b + 8, caplen);
    put32(b + 12, orig);
    memcpy(b + 16, data, caplen);
  } else {
    uint32_t len = (uint32_t)(32 + padded);
    put32(b, 6);
    put32(b + 4, len);
    put32(b + 8, 0);
    put32(b + 12, (uint32_t)(ns >> 32));
    put32(b + 16, (uint32_t)ns);
    put32(b + 20, caplen);
    put32(b + 24, orig);
    memcpy(b + 28, data, caplen);
    memset(b + 28 + caplen, 0, padded - caplen);
    put32(b + 28 + padded, len);
  }
  c->used += need;
  __atomic_store_n(&c->count, c->count + 1, __ATOMIC_RELAXED);
}

/* pcapng Interface Statistics Block: isb_starttime, isb_endtime, isb_ifrecv (ps_recv),
 * isb_ifdrop (ps_drop + ps_ifdrop: every loss, as dumpcap writes it, so Wireshark's capture
 * file properties show it), isb_osdrop (ps_drop), isb_usrdeliv (packets written). */
static void write_isb(capture_t *c) {
  if (c->used + 256 > BUF_SIZE && flush_buf(c) < 0) return;
  unsigned char *b = c->buf + c->used;
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  uint64_t end = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
  uint64_t start = c->first_ns ? c->first_ns : end;
  size_t o = 0;
  put32(b, 5);
  put32(b + 8, 0);
  put32(b + 12, (uint32_t)(end >> 32));
  put32(b + 16, (uint32_t)end);
  o = 20;
  uint32_t t[2];
  t[0] = (uint32_t)(start >> 32), t[1] = (uint32_t)start;
  o += opt(b + o, 2, t, 8);
  t[0] = (uint32_t)(end >> 32), t[1] = (uint32_t)end;
  o += opt(b + o, 3, t, 8);
  uint64_t v = c->stats.ps_recv;
  o += opt(b + o, 4, &v, 8);
  v = (uint64_t)c->stats.ps_drop + c->stats.ps_ifdrop;
  o += opt(b + o, 5, &v, 8);
  v = c->stats.ps_drop;
  o += opt(b + o, 7, &v, 8);
  v = c->count;
  o += opt(b + o, 8, &v, 8);
  put32(b + o, 0);
  o += 4;
  put32(b + 4, (uint32_t)(o + 4));
  put32(b + o, (uint32_t)(o + 4));
  c->used += o + 4;
}

static void *capture_loop(void *arg) {
  capture_t *c = (capture_t *)arg;
  int64_t stop_at = 0, last = mono_ms();
  int64_t settle = c->quiet_ms > 2 * c->timeout_ms ? c->quiet_ms : 2 * c->timeout_ms;
  for (;;) {
    struct pollfd pfd = { .fd = c->poll_fd, .events = POLLIN };
    int pr = poll(&pfd, 1, 10);
    int n = 0;
    if (pr >= 0) {
      /* also after a poll timeout: the handle is non-blocking, so this returns at once */
      n = pcap_dispatch(c->p, -1, on_packet, (u_char *)c);
      if (n < 0 && n != PCAP_ERROR_BREAK) {
        snprintf(c->pcap_err, sizeof c->pcap_err, "%s", pcap_geterr(c->p));
        c->read_failed = 1;
        break;
      }
    }
    int64_t now = mono_ms();
    if (n > 0) last = now;
    if (c->write_errno) break;
    if (__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
      if (!stop_at) stop_at = now;
      int64_t since = now - (last > stop_at ? last : stop_at);
      if (n <= 0 && now - stop_at >= settle && since >= c->quiet_ms) break;
      if (now - stop_at >= c->max_drain_ms) break;
    }
  }
  if (pcap_stats(c->p, &c->stats) == 0) c->stats_ok = 1;
  if (c->format == FMT_PCAPNG && c->stats_ok) write_isb(c);
  flush_buf(c);
  if (fsync(c->fd) < 0 && !c->write_errno && errno != EINVAL) c->write_errno = errno;
  close(c->fd);
  c->fd = -1;
  pcap_close(c->p);
  c->p = NULL;
  return NULL;
}

/* ---- N-API glue ---- */

static napi_value throw_code(napi_env env, const char *code, const char *msg) {
  napi_value m, c, err;
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &m);
  napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &c);
  napi_create_error(env, c, m, &err);
  napi_throw(env, err);
  return NULL;
}

static void join_capture(capture_t *c) {
  if (c->thread_started && !c->joined) {
    __atomic_store_n(&c->stop, 1, __ATOMIC_RELEASE);
    pthread_join(c->thread, NULL);
    c->joined = 1;
  }
}

static void finalize(napi_env env, void *data, void *hint) {
  capture_t *c = (capture_t *)data;
  /* Only reached when JS dropped the handle without stop() finishing: stop it here. */
  join_capture(c);
  if (c->p) pcap_close(c->p);
  if (c->fd >= 0) close(c->fd);
  free(c->buf);
  free(c->waiters);
  free(c);
}

static capture_t *unwrap(napi_env env, napi_value v) {
  void *data = NULL;
  if (napi_get_value_external(env, v, &data) != napi_ok) return NULL;
  return (capture_t *)data;
}

static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1) return throw_code(env, "usage", "open(options) needs an options object");
  char device[256], filter[8192], file[4096], format[16];
  if (wl_get_string(env, argv[0], "device", device, sizeof device) < 0) return throw_code(env, "usage", "options.device is required");
  if (wl_get_string(env, argv[0], "file", file, sizeof file) < 0) return throw_code(env, "usage", "options.file is required");
  wl_get_string(env, argv[0], "filter", filter, sizeof filter);
  wl_get_string(env, argv[0], "format", format, sizeof format);
  int64_t snaplen = wl_get_int64(env, argv[0], "snaplen", 262144);
  int64_t bufsize = wl_get_int64(env, argv[0], "bufferSize", 64 << 20);
  int64_t timeout = wl_get_int64(env, argv[0], "timeoutMs", 20);
  if (snaplen < 1 || snaplen > 262144) return throw_code(env, "usage", "snaplen must be 1..262144");

  char err[PCAP_ERRBUF_SIZE] = "";
  char msg[PCAP_ERRBUF_SIZE + 512];
  pcap_t *p = pcap_create(device, err);
  if (!p) {
    snprintf(msg, sizeof msg, "%s", err);
    return throw_code(env, "open", msg);
  }
  pcap_set_snaplen(p, (int)snaplen);
  pcap_set_promisc(p, 1);
  pcap_set_timeout(p, (int)timeout);
  pcap_set_immediate_mode(p, 0);
  pcap_set_buffer_size(p, (int)bufsize);
  pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
  int st = pcap_activate(p);
  if (st < 0) {
    const char *code = "open";
    const char *what = pcap_geterr(p);
    if (st == PCAP_ERROR_PERM_DENIED) code = "permission";
    else if (st == PCAP_ERROR_NO_SUCH_DEVICE) code = "no-device";
    if (st == PCAP_ERROR_PERM_DENIED && (!what || !*what)) what = "permission denied";
    if (st == PCAP_ERROR_NO_SUCH_DEVICE && (!what || !*what)) what = "No such device exists";
    const char *status = pcap_statustostr(st);
    if (what && strcmp(what, status) == 0) what = NULL;
    snprintf(msg, sizeof msg, "%s%s%s", status, what && *what ? ": " : "", what ? what : "");
    pcap_close(p);
    return throw_code(env, code, msg);
  }
  if (filter[0]) {
    struct bpf_program prog;
    if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
      snprintf(msg, sizeof msg, "%s", pcap_geterr(p));
      pcap_close(p);
      return throw_code(env, "filter", msg);
    }
    int fr = pcap_setfilter(p, &prog);
    pcap_freecode(&prog);
    if (fr < 0) {
      snprintf(msg, sizeof msg, "%s", pcap_geterr(p));
      pcap_close(p);
      return throw_code(env, "filter", msg);
    }
  }
  if (pcap_setnonblock(p, 1, err) < 0) {
    snprintf(msg, sizeof msg, "%s", err);
    pcap_close(p);
    return throw_code(env, "open", msg);
  }
  int pfd = pcap_get_selectable_fd(p);
  if (pfd < 0) {
    pcap_close(p);
    return throw_code(env, "open", "the capture handle has no selectable file descriptor");
  }
  int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    snprintf(msg, sizeof msg, "cannot write %s: %s", file, strerror(errno));
    pcap_close(p);
    return throw_code(env, "file", msg);
  }
  capture_t *c = calloc(1, sizeof *c);
  if (c) c->buf = malloc(BUF_SIZE);
  if (!c || !c->buf) {
    free(c);
    close(fd);
    pcap_close(p);
    return throw_code(env, "open", "out of memory");
  }
  c->p = p;
  c->fd = fd;
  c->poll_fd = pfd;
  c->format = strcmp(format, "pcapng") == 0 ? FMT_PCAPNG : FMT_PCAP;
  c->snaplen = (uint32_t)snaplen;
  c->timeout_ms = (int)timeout;
  c->quiet_ms = (int)wl_get_int64(env, argv[0], "quietMs", 50);
  c->max_drain_ms = (int)wl_get_int64(env, argv[0], "maxDrainMs", 5000);
  c->linktype = linktype_of(pcap_datalink(p));
  write_headers(c, c->linktype, device);
  if (flush_buf(c) < 0) {
    snprintf(msg, sizeof msg, "cannot write %s: %s", file, strerror(c->write_errno));
    close(fd);
    pcap_close(p);
    free(c->buf);
    free(c);
    return throw_code(env, "file", msg);
  }
  napi_value ext;
  if (napi_create_external(env, c, finalize, NULL, &ext) != napi_ok) {
    close(fd);
    pcap_close(p);
    free(c->buf);
    free(c);
    return throw_code(env, "open", "napi_create_external failed");
  }
  if (pthread_create(&c->thread, NULL, capture_loop, c) != 0) {
    /* the finalizer closes the handle and file */
    return throw_code(env, "open", "cannot start the capture thread");
  }
  c->thread_started = 1;
  return ext;
}

/* The LINKTYPE_* number written to the file (fixed at activation). */
static napi_value js_linktype(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  capture_t *c = argc ? unwrap(env, argv[0]) : NULL;
  if (!c) return throw_code(env, "usage", "linktype(handle)");
  CHECK(napi_create_int32(env, c->linktype, &out));
  return out;
}

static napi_value js_count(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], out;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  capture_t *c = argc ? unwrap(env, argv[0]) : NULL;
  if (!c) return throw_code(env, "usage", "count(handle)");
  CHECK(napi_create_double(env, (double)__atomic_load_n(&c->count, __ATOMIC_RELAXED), &out));
  return out;
}

typedef struct {
  capture_t *c;
  napi_async_work work;
  napi_ref ref; /* keeps the handle alive while the work runs */
} stop_work_t;

static void stop_execute(napi_env env, void *data) {
  stop_work_t *w = (stop_work_t *)data;
  join_capture(w->c);
}

static napi_value result_object(napi_env env, capture_t *c) {
  napi_value obj, v;
  napi_create_object(env, &obj);
  napi_create_double(env, (double)c->count, &v);
  napi_set_named_property(env, obj, "captured", v);
  if (c->stats_ok) {
    napi_create_double(env, (double)c->stats.ps_recv, &v);
    napi_set_named_property(env, obj, "received", v);
    napi_create_double(env, (double)c->stats.ps_drop, &v);
    napi_set_named_property(env, obj, "droppedByKernel", v);
    napi_create_double(env, (double)c->stats.ps_ifdrop, &v);
    napi_set_named_property(env, obj, "droppedByInterface", v);
  }
  return obj;
}

static void settle_waiters(napi_env env, capture_t *c) {
  for (size_t i = 0; i < c->nwaiters; i++) {
    if (c->write_errno || c->read_failed) {
      char msg[PCAP_ERRBUF_SIZE + 128];
      if (c->write_errno) snprintf(msg, sizeof msg, "writing the capture file failed: %s", strerror(c->write_errno));
      else snprintf(msg, sizeof msg, "reading packets failed: %s", c->pcap_err);
      napi_value m, code, err;
      napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &m);
      napi_create_string_utf8(env, c->write_errno ? "file" : "read", NAPI_AUTO_LENGTH, &code);
      napi_create_error(env, code, m, &err);
      napi_reject_deferred(env, c->waiters[i], err);
    } else {
      napi_resolve_deferred(env, c->waiters[i], result_object(env, c));
    }
  }
  c->nwaiters = 0;
}

static void stop_complete(napi_env env, napi_status status, void *data) {
  stop_work_t *w = (stop_work_t *)data;
  capture_t *c = w->c;
  c->stopping = 0;
  settle_waiters(env, c);
  napi_delete_async_work(env, w->work);
  napi_delete_reference(env, w->ref);
  free(w);
}

static napi_value js_stop(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], promise;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  capture_t *c = argc ? unwrap(env, argv[0]) : NULL;
  if (!c) return throw_code(env, "usage", "stop(handle)");
  napi_deferred d;
  CHECK(napi_create_promise(env, &d, &promise));
  napi_deferred *nw = realloc(c->waiters, (c->nwaiters + 1) * sizeof *nw);
  if (!nw) return throw_code(env, "open", "out of memory");
  c->waiters = nw;
  c->waiters[c->nwaiters++] = d;
  __atomic_store_n(&c->stop, 1, __ATOMIC_RELEASE);
  if (c->joined) {
    settle_waiters(env, c);
    return promise;
  }
  if (c->stopping) return promise;
  stop_work_t *w = calloc(1, sizeof *w);
  w->c = c;
  napi_value name;
  napi_create_string_utf8(env, "wirelab_capture.stop", NAPI_AUTO_LENGTH, &name);
  napi_create_reference(env, argv[0], 1, &w->ref);
  CHECK(napi_create_async_work(env, NULL, name, stop_execute, stop_complete, w, &w->work));
  CHECK(napi_queue_async_work(env, w->work));
  c->stopping = 1;
  return promise;
}

static napi_value js_devices(napi_env env, napi_callback_info info) {
  pcap_if_t *all = NULL;
  char err[PCAP_ERRBUF_SIZE];
  napi_value arr;
  CHECK(napi_create_array(env, &arr));
  if (pcap_findalldevs(&all, err) < 0) return arr;
  uint32_t i = 0;
  for (pcap_if_t *d = all; d; d = d->next) {
    napi_value s;
    napi_create_string_utf8(env, d->name, NAPI_AUTO_LENGTH, &s);
    napi_set_element(env, arr, i++, s);
  }
  pcap_freealldevs(all);
  return arr;
}

/*
 * compileFilter(filter, linktype): libpcap's compiler on a dead handle (no device, no
 * privilege), as `validate` needs it: null when the filter compiles, else libpcap's message.
 */
static napi_value js_compile_filter(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], out;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1) return throw_code(env, "usage", "compileFilter(filter, linktype) needs a filter");
  size_t len = 0;
  if (napi_get_value_string_utf8(env, argv[0], NULL, 0, &len) != napi_ok) return throw_code(env, "usage", "the filter must be a string");
  char *filter = malloc(len + 1);
  if (!filter) return throw_code(env, "open", "out of memory");
  napi_get_value_string_utf8(env, argv[0], filter, len + 1, &len);
  int32_t linktype = DLT_EN10MB;
  if (argc > 1) napi_get_value_int32(env, argv[1], &linktype);
  pcap_t *p = pcap_open_dead(linktype, 262144);
  if (!p) {
    free(filter);
    return throw_code(env, "open", "pcap_open_dead failed");
  }
  struct bpf_program prog;
  if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
    napi_create_string_utf8(env, pcap_geterr(p), NAPI_AUTO_LENGTH, &out);
  } else {
    pcap_freecode(&prog);
    napi_get_null(env, &out);
  }
  pcap_close(p);
  free(filter);
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "open", NULL, js_open, NULL, NULL, NULL, napi_default, NULL },
    { "linktype", NULL, js_linktype, NULL, NULL, NULL, napi_default, NULL },
    { "count", NULL, js_count, NULL, NULL, NULL, napi_default, NULL },
    { "stop", NULL, js_stop, NULL, NULL, NULL, napi_default, NULL },
    { "devices", NULL, js_devices, NULL, NULL, NULL, napi_default, NULL },
    { "compileFilter", NULL, js_compile_filter, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
