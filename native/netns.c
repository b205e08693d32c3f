/*
 * Moves the calling thread into a host's namespaces, as `ip netns exec NAME` moves a process
 * (iproute2's netns_switch): the network namespace /run/netns/NAME, then a mount namespace of
 * its own in which /sys shows that network namespace's devices and each file of
 * /etc/netns/NAME (resolv.conf, hosts) is bound over its /etc counterpart.
 *
 * setns(CLONE_NEWNET) and unshare(CLONE_NEWNS) change only the calling thread, so a Node worker
 * thread that calls this becomes the host: sockets it opens, threads it starts and processes it
 * spawns live in the host's namespaces, while the rest of the process stays where it was.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>

static napi_value fail(napi_env env, const char *what, const char *name, int err) {
  char msg[512];
  snprintf(msg, sizeof msg, "enter netns %s: %s: %s", name, what, strerror(err));
  napi_throw_error(env, err == EPERM ? "EPERM" : NULL, msg);
  return NULL;
}

/* Binds each file of /etc/netns/NAME over /etc/FILE (missing targets are skipped, as ip does). */
static int bind_etc(const char *name) {
  char dir[300], src[600], dst[600];
  snprintf(dir, sizeof dir, "/etc/netns/%s", name);
  DIR *d = opendir(dir);
  if (!d) return errno == ENOENT ? 0 : -1;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    snprintf(src, sizeof src, "%s/%s", dir, e->d_name);
    snprintf(dst, sizeof dst, "/etc/%s", e->d_name);
    if (mount(src, dst, "none", MS_BIND, NULL) < 0 && errno != ENOENT) {
      int err = errno;
      closedir(d);
      errno = err;
      return -1;
    }
  }
  closedir(d);
  return 0;
}

/* enterNetns(name): the calling thread joins /run/netns/<name>, as described above. */
static napi_value js_enter_netns(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char name[256], path[300];
  size_t len = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len) != napi_ok || len == 0 || strchr(name, '/')) {
    napi_throw_type_error(env, NULL, "enterNetns(name): a namespace name under /run/netns");
    return NULL;
  }
  snprintf(path, sizeof path, "/run/netns/%s", name);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(env, "open", path, errno);
  if (setns(fd, CLONE_NEWNET) < 0) {
    int err = errno;
    close(fd);
    return fail(env, "setns", name, err);
  }
  close(fd);
  if (unshare(CLONE_NEWNS) < 0) return fail(env, "unshare mount namespace", name, errno);
  /* Nothing mounted here propagates back to the machine. */
  if (mount("", "/", "none", MS_SLAVE | MS_REC, NULL) < 0) return fail(env, "make / a slave mount", name, errno);
  /* /sys as this network namespace sees it (its devices in /sys/class/net). */
  if (umount2("/sys", MNT_DETACH) < 0 && errno != EINVAL) return fail(env, "unmount /sys", name, errno);
  if (mount(name, "/sys", "sysfs", 0, NULL) < 0) return fail(env, "mount /sys", name, errno);
  if (bind_etc(name) < 0) return fail(env, "bind /etc/netns files", name, errno);
  return NULL;
}

/*
 * Appends the listening TCP sockets of one address family to `arr` as [address bytes (4 or 16),
 * port] pairs, asked of the kernel by sock_diag (what `ss -lt` does). The netlink socket lives
 * in the calling thread's network namespace, so these are that namespace's sockets. Unlike
 * /proc/net/tcp, which walks every socket of the machine to print one namespace's, a dump of
 * the LISTEN state walks only the listening table. Returns 0, or -1 with errno set.
 */
static int dump_listening(napi_env env, int fd, int family, napi_value arr, uint32_t *n) {
  struct {
    struct nlmsghdr nlh;
    struct inet_diag_req_v2 req;
  } msg;
  memset(&msg, 0, sizeof msg);
  msg.nlh.nlmsg_len = sizeof msg;
  msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  msg.req.sdiag_family = (unsigned char)family;
  msg.req.sdiag_protocol = IPPROTO_TCP;
  msg.req.idiag_states = 1u << 10; /* TCP_LISTEN */
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  if (sendto(fd, &msg, sizeof msg, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) return -1;
  static __thread char buf[32768];
  for (int rounds = 0; rounds < 100000; rounds++) {
    ssize_t len = recv(fd, buf, sizeof buf, 0);
    if (len < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    if (len == 0) return 0;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_type == NLMSG_DONE) return 0;
      if (h->nlmsg_type == NLMSG_ERROR) {
        struct nlmsgerr *e = NLMSG_DATA(h);
        errno = e->error ? -e->error : EIO;
        return -1;
      }
      if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY) continue;
      struct inet_diag_msg *m = NLMSG_DATA(h);
      size_t bytes = m->idiag_family == AF_INET ? 4 : 16;
      napi_value addr, port;
      void *data;
      if (napi_create_buffer_copy(env, bytes, m->id.idiag_src, &data, &addr) != napi_ok ||
          napi_create_uint32(env, ntohs(m->id.idiag_sport), &port) != napi_ok || napi_set_element(env, arr, (*n)++, addr) != napi_ok ||
          napi_set_element(env, arr, (*n)++, port) != napi_ok) {
        errno = ENOMEM;
        return -1;
      }
    }
  }
  errno = EOVERFLOW;
  return -1;
}

static napi_value diag_fail(napi_env env, const char *what, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "listening sockets: %s: %s", what, strerror(err));
  napi_throw_error(env, NULL, msg);
  return NULL;
}

/*
 * tcpListening(): the calling thread's network namespace's listening TCP sockets, IPv4 and
 * IPv6, as a flat array [address bytes, port, address bytes, port, …]. Throws on failure.
 */
static napi_value js_tcp_listening(napi_env env, napi_callback_info info) {
  napi_value arr;
  uint32_t n = 0;
  if (napi_create_array(env, &arr) != napi_ok) return NULL;
  int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) return diag_fail(env, "socket(NETLINK_SOCK_DIAG)", errno);
  int families[2] = {AF_INET, AF_INET6};
  for (int i = 0; i < 2; i++) {
    /* a kernel without IPv6 answers ENOENT for the family: no sockets of it */
    if (dump_listening(env, fd, families[i], arr, &n) < 0 && !(families[i] == AF_INET6 && errno == ENOENT)) {
      int err = errno;
      close(fd);
      return diag_fail(env, families[i] == AF_INET ? "dump of IPv4 listeners" : "dump of IPv6 listeners", err);
    }
  }
  close(fd);
  return arr;
}

/* Adds enterNetns and tcpListening to the module's exports. */
int netns_init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"enterNetns", NULL, js_enter_netns, NULL, NULL, NULL, napi_default, NULL},
      {"tcpListening", NULL, js_tcp_listening, NULL, NULL, NULL, napi_default, NULL},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props) == napi_ok ? 0 : -1;
}
