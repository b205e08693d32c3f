/*
 * wirelab_probe tracer: traceroute's probes sent and their answers read in C, so that a
 * probe's round-trip time is the kernel's receive timestamp of the answer (SO_TIMESTAMPNS on
 * the socket that reads it) minus the time taken at the send call, as Linux traceroute measures
 * it, instead of the moment JavaScript happened to see the answer.
 *
 *   traceOpen({ probe: 'udp' | 'icmp' | 'tcp', target }, buf: Uint8Array, meta: Float64Array,
 *             onPackets(n)) → { handle, port }
 *   traceSend(handle, bytes: Uint8Array, ttl, port) → send time in ns since open, or -1 when
 *             the kernel refused the datagram (ENOBUFS, EAGAIN: the probe stays unanswered)
 *   traceClose(handle)
 *
 * Sockets: a raw ICMP socket (always: it reads time-exceeded, unreachable and echo replies,
 * and sends the echo requests of ICMP probes); for UDP probes one unbound-port UDP socket
 * whose TTL travels with each datagram (an IP_TTL cmsg), its port given back as `port`; for
 * TCP probes a raw TCP socket that sends the SYNs JavaScript built and reads SYN/ACKs and RSTs.
 * Every answer is copied (first SNAP bytes, IP header included) into slot i of `buf`; `meta`
 * holds per slot [receive time in ns since open, length, socket (0 ICMP, 1 TCP), time source
 * (1 kernel timestamp, 0 read by this module when the kernel gave none)]. Times are
 * CLOCK_REALTIME, the clock SO_TIMESTAMPNS uses.
 */
#define NAPI_VERSION 8
#define _GNU_SOURCE
#define WL_ADDON "wirelab_probe"
#include <errno.h>
#include <netinet/in.h>
#include <node_api.h>
#include "wl_napi.h"
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#define SNAP 256
#define META 4

typedef struct {
  int closed;
  int in_callback;
  int free_pending;
  int icmp_fd, tcp_fd, udp_fd, ep;
  int probe; /* 0 udp, 1 icmp, 2 tcp */
  struct sockaddr_in dst;
  int64_t base_ns;
  uv_poll_t *poll;
  napi_env env;
  napi_ref callback, buf_ref, meta_ref;
  napi_async_context async;
  uint8_t *buf;
  double *meta;
  size_t slots;
} Tracer;

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Reads what is queued on fd into slots from n on; returns the new count. */
static size_t drain_fd(Tracer *t, int fd, int kind, size_t n) {
  while (n < t->slots) {
    char control[256];
    struct iovec v = {t->buf + n * SNAP, SNAP};
    struct msghdr m = {0};
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    m.msg_control = control;
    m.msg_controllen = sizeof control;
    ssize_t len = recvmsg(fd, &m, MSG_DONTWAIT);
    if (len < 0) {
      if (errno == EINTR) continue;
      break;
    }
    int64_t at = -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
        struct timespec ts;
        memcpy(&ts, CMSG_DATA(c), sizeof ts);
        at = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
      }
    }
    double *meta = t->meta + n * META;
    meta[3] = at >= 0 ? 1 : 0;
    if (at < 0) at = now_ns();
    meta[0] = (double)(at - t->base_ns);
    meta[1] = (double)(len < SNAP ? len : SNAP);
    meta[2] = kind;
    n++;
  }
  return n;
}

static void on_ready(uv_poll_t *handle, int status, int events) {
  (void)events;
  Tracer *t = handle->data;
  if (t->closed || status < 0) return;
  napi_env env = t->env;
  for (int rounds = 0; rounds < 64; rounds++) {
    size_t n = drain_fd(t, t->icmp_fd, 0, 0);
    if (t->tcp_fd >= 0) n = drain_fd(t, t->tcp_fd, 1, n);
    struct epoll_event ev;
    epoll_wait(t->ep, &ev, 1, 0); /* let the set re-check the sockets */
    if (n == 0) return;
    napi_handle_scope scope;
    if (napi_open_handle_scope(env, &scope) != napi_ok) return;
    napi_value cb, recv, arg, result;
    napi_get_reference_value(env, t->callback, &cb);
    napi_get_global(env, &recv);
    napi_create_uint32(env, (uint32_t)n, &arg);
    t->in_callback++;
    napi_status st = napi_make_callback(env, t->async, recv, cb, 1, &arg, &result);
    t->in_callback--;
    napi_close_handle_scope(env, scope);
    if (t->free_pending && !t->in_callback) {
      if (t->async) napi_async_destroy(env, t->async);
      free(t);
      return;
    }
    if (st != napi_ok || t->closed || n < t->slots) return;
  }
}

static void free_poll(uv_handle_t *h) { free(h); }

static void tracer_close(Tracer *t) {
  if (t->closed) return;
  t->closed = 1;
  if (t->poll) {
    uv_poll_stop(t->poll);
    uv_close((uv_handle_t *)t->poll, free_poll);
    t->poll = NULL;
  }
  int *fds[] = {&t->icmp_fd, &t->tcp_fd, &t->udp_fd, &t->ep};
  for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
    if (*fds[i] >= 0) {
      close(*fds[i]);
      *fds[i] = -1;
    }
  napi_ref *refs[] = {&t->callback, &t->buf_ref, &t->meta_ref};
  for (size_t i = 0; i < 3; i++)
    if (*refs[i]) {
      napi_delete_reference(t->env, *refs[i]);
      *refs[i] = NULL;
    }
}

static void tracer_finalize(napi_env env, void *data, void *hint) {
  (void)hint;
  Tracer *t = data;
  tracer_close(t);
  if (t->in_callback) {
    t->free_pending = 1;
    return;
  }
  if (t->async) napi_async_destroy(env, t->async);
  free(t);
}

static Tracer *get_tracer(napi_env env, napi_value v) {
  Tracer *t = NULL;
  if (napi_get_value_external(env, v, (void **)&t) != napi_ok || !t) {
    napi_throw_type_error(env, NULL, "wirelab_probe: not a tracer");
    return NULL;
  }
  if (t->closed) {
    napi_throw_error(env, NULL, "wirelab_probe: the tracer is closed");
    return NULL;
  }
  return t;
}

/* A raw or datagram socket with kernel receive timestamps and a big receive buffer. */
static int stamped_socket(int type, int proto) {
  int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
  if (fd < 0) return -1;
  int on = 1, size = 4 << 20;
  if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) != 0) {
    /* no timestamps: answers are timed when read (meta[3] = 0 says so) */
  }
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  return fd;
}

static napi_value js_trace_open(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4) {
    napi_throw_type_error(env, NULL, "wirelab_probe.traceOpen(options, buf, meta, onPackets)");
    return NULL;
  }
  char probe[8], target[64];
  if (wl_get_string(env, argv[0], "probe", probe, sizeof probe) < 0 || wl_get_string(env, argv[0], "target", target, sizeof target) < 0) {
    napi_throw_type_error(env, NULL, "wirelab_probe.traceOpen: options need probe and target");
    return NULL;
  }
  napi_typedarray_type bt, mt;
  size_t blen, mlen;
  void *bd, *md;
  if (napi_get_typedarray_info(env, argv[1], &bt, &blen, &bd, NULL, NULL) != napi_ok || bt != napi_uint8_array ||
      napi_get_typedarray_info(env, argv[2], &mt, &mlen, &md, NULL, NULL) != napi_ok || mt != napi_float64_array ||
      blen / SNAP == 0 || mlen / META < blen / SNAP) {
    napi_throw_type_error(env, NULL, "wirelab_probe.traceOpen: buf is a Uint8Array of slots x 256 bytes, meta a Float64Array of slots x 4");
    return NULL;
  }
  Tracer *t = calloc(1, sizeof *t);
  if (!t) return wl_throw_errno(env, "traceOpen", ENOMEM);
  t->icmp_fd = t->tcp_fd = t->udp_fd = t->ep = -1;
  t->env = env;
  t->buf = bd;
  t->meta = md;
  t->slots = blen / SNAP;
  t->probe = strcmp(probe, "udp") == 0 ? 0 : strcmp(probe, "icmp") == 0 ? 1 : strcmp(probe, "tcp") == 0 ? 2 : -1;
  t->dst.sin_family = AF_INET;
  if (t->probe < 0 || inet_pton(AF_INET, target, &t->dst.sin_addr) != 1) {
    free(t);
    napi_throw_type_error(env, NULL, "wirelab_probe.traceOpen: probe is udp, icmp or tcp and target an IPv4 address");
    return NULL;
  }
  uint16_t port = 0;
  struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 0};
  t->ep = epoll_create1(EPOLL_CLOEXEC);
  t->icmp_fd = t->ep < 0 ? -1 : stamped_socket(SOCK_RAW, IPPROTO_ICMP);
  int ok = t->icmp_fd >= 0 && epoll_ctl(t->ep, EPOLL_CTL_ADD, t->icmp_fd, &ev) == 0;
  const char *what = "raw ICMP socket";
  if (ok && t->probe == 2) {
    what = "raw TCP socket";
    t->tcp_fd = stamped_socket(SOCK_RAW, IPPROTO_TCP);
    ok = t->tcp_fd >= 0 && epoll_ctl(t->ep, EPOLL_CTL_ADD, t->tcp_fd, &ev) == 0;
  } else if (ok && t->probe == 0) {
    what = "UDP socket";
    struct sockaddr_in me = {.sin_family = AF_INET};
    socklen_t mlen2 = sizeof me;
    t->udp_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    ok = t->udp_fd >= 0 && bind(t->udp_fd, (struct sockaddr *)&me, sizeof me) == 0 && getsockname(t->udp_fd, (struct sockaddr *)&me, &mlen2) == 0;
    if (ok) port = ntohs(me.sin_port);
  }
  if (!ok) {
    int e = errno;
    tracer_close(t);
    free(t);
    return wl_throw_errno(env, what, e);
  }
  uv_loop_t *loop;
  t->poll = malloc(sizeof *t->poll);
  if (!t->poll || napi_get_uv_event_loop(env, &loop) != napi_ok || uv_poll_init(loop, t->poll, t->ep) != 0) {
    free(t->poll);
    t->poll = NULL;
    tracer_close(t);
    free(t);
    napi_throw_error(env, NULL, "wirelab_probe.traceOpen: cannot watch the sockets");
    return NULL;
  }
  t->poll->data = t;
  t->base_ns = now_ns();
  uv_poll_start(t->poll, UV_READABLE, on_ready);
  napi_value name, ext, result, portv;
  napi_create_reference(env, argv[3], 1, &t->callback);
  napi_create_reference(env, argv[1], 1, &t->buf_ref);
  napi_create_reference(env, argv[2], 1, &t->meta_ref);
  napi_create_string_utf8(env, "wirelab_probe.trace", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &t->async);
  napi_create_external(env, t, tracer_finalize, NULL, &ext);
  napi_create_object(env, &result);
  napi_create_uint32(env, port, &portv);
  napi_set_named_property(env, result, "handle", ext);
  napi_set_named_property(env, result, "port", portv);
  return result;
}

static napi_value js_trace_send(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 4) {
    napi_throw_type_error(env, NULL, "wirelab_probe.traceSend(handle, bytes, ttl, port)");
    return NULL;
  }
  Tracer *t = get_tracer(env, argv[0]);
  if (!t) return NULL;
  napi_typedarray_type type;
  size_t len;
  void *data;
  uint32_t ttl, port;
  if (napi_get_typedarray_info(env, argv[1], &type, &len, &data, NULL, NULL) != napi_ok || type != napi_uint8_array ||
      napi_get_value_uint32(env, argv[2], &ttl) != napi_ok || napi_get_value_uint32(env, argv[3], &port) != napi_ok || ttl < 1 || ttl > 255) {
    napi_throw_type_error(env, NULL, "wirelab_probe.traceSend: bytes is a Uint8Array, ttl 1-255, port a number");
    return NULL;
  }
  struct sockaddr_in to = t->dst;
  int fd = t->probe == 0 ? t->udp_fd : t->probe == 1 ? t->icmp_fd : t->tcp_fd;
  int hops = (int)ttl;
  char control[CMSG_SPACE(sizeof(int))];
  struct iovec v = {data ? data : (void *)"", len};
  struct msghdr m = {0};
  m.msg_name = &to;
  m.msg_namelen = sizeof to;
  m.msg_iov = &v;
  m.msg_iovlen = 1;
  if (t->probe == 0) {
    to.sin_port = htons((uint16_t)port);
    /* the TTL travels with the datagram */
    memset(control, 0, sizeof control);
    m.msg_control = control;
    m.msg_controllen = sizeof control;
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = IPPROTO_IP;
    c->cmsg_type = IP_TTL;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &hops, sizeof hops);
  } else if (setsockopt(fd, IPPROTO_IP, IP_TTL, &hops, sizeof hops) != 0) {
    return wl_throw_errno(env, "traceSend: IP_TTL", errno);
  }
  /* taken before the call: over veth the answer can be received inside it */
  int64_t at = now_ns();
  ssize_t r;
  do r = sendmsg(fd, &m, 0);
  while (r < 0 && errno == EINTR);
  napi_value result;
  napi_create_double(env, r < 0 ? -1 : (double)(at - t->base_ns), &result);
  return result;
}

static napi_value js_trace_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  Tracer *t = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc >= 1 && napi_get_value_external(env, argv[0], (void **)&t) == napi_ok && t)
    tracer_close(t);
  return NULL;
}

/* Adds traceOpen, traceSend and traceClose to the module's exports. */
int trace_init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"traceOpen", NULL, js_trace_open, NULL, NULL, NULL, napi_default, NULL},
      {"traceSend", NULL, js_trace_send, NULL, NULL, NULL, napi_default, NULL},
      {"traceClose", NULL, js_trace_close, NULL, NULL, NULL, napi_default, NULL},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props) == napi_ok ? 0 : -1;
}
