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
#include <unistd.h>

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

/* Adds enterNetns to the module's exports. */
int netns_init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"enterNetns", NULL, js_enter_netns, NULL, NULL, NULL, napi_default, NULL},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props) == napi_ok ? 0 : -1;
}
