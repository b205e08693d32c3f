/*
 * wirelab_probe: the per-port hot path of wirelab's port scans, in C.
 *
 * A full-range loopback scan is 65535 probes and as many answers; done one JavaScript call per
 * packet, the calls cost more than the kernel's own work. This module moves only the per-packet
 * work here and hands answers to JavaScript in batches:
 *
 *   - SYN scan: builds each SYN (same bytes as src/probes/packet.ts SynFactory). IPv4: behind
 *     our own IP header on an IPPROTO_RAW socket; answers come through a packet socket's
 *     receive ring (PACKET_RX_RING) behind a classic BPF filter that keeps only TCP segments from
 *     the target to our source port and ICMP unreachables quoting our SYNs, so our own SYNs
 *     (looped back on lo), the kernel's RSTs and everyone else's traffic never reach user space,
 *     and reading needs no system call (without a ring: a raw TCP socket with the same TCP
 *     filter, read with recvmmsg, and JavaScript reads ICMP). IPv6: a raw TCP socket as that.
 *     Answers: SYN/ACK → open, RST → closed, both acknowledging our sequence number.
 *   - Connect scan: non-blocking connect() per port, completions collected from one epoll set;
 *     connected sockets are closed with RST (SO_LINGER 0), so no TIME_WAIT is left.
 *
 * The scan engine (window, adaptive timeout, retransmission, probe log) stays in TypeScript
 * (src/probes/scan-engine.ts). JavaScript sees:
 *
 *   open({ mode: 'syn', source, target, sport, seqBase }, out: Int32Array, onAnswers(n))
 *   open({ mode: 'connect', target, family }, out, onAnswers(n))  → scanner
 *   send(scanner, ports: Uint16Array, count, out: Int32Array) → pairs written to out now
 *   cancel(scanner, port)     (connect: abandons the socket of an unanswered probe)
 *   poll(scanner)             (hands answers already queued to onAnswers now)
 *   close(scanner)
 *
 * Answers are (port, code) pairs of int32: code 1 open, 2 closed, 3 self-connect (connect scan:
 * the kernel picked the scanned port as our source port; no listener), or -errno (connect scan:
 * the error connect() reported, e.g. -ECONNREFUSED, -EHOSTUNREACH).
 */
#define NAPI_VERSION 8
#define _GNU_SOURCE
#define WL_ADDON "wirelab_probe"
#include <arpa/inet.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <node_api.h>
#include "wl_napi.h"
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#define MODE_SYN 1
#define MODE_CONNECT 2
#define MODE_UDP 3
#define CODE_ICMP4 1000 /* + code of an ICMP destination-unreachable */
#define CODE_ICMP6 2000 /* + code of an ICMPv6 destination-unreachable */
#define CODE_OPEN 1
#define CODE_CLOSED 2
#define CODE_SELF 3
#define BATCH 64
#define SYN_LEN 24
#define MAX_THREADS 8
#define SPLIT_MIN 32 /* fewer ports than this per thread are not worth a thread */

typedef struct {
  int mode;
  int fd; /* raw TCP socket (syn) or epoll set (connect) */
  int closed;
  uint32_t threads; /* sending threads, 1 or more */
  int in_callback;  /* on_ready is calling JavaScript: the finalizer must not free us now */
  int free_pending; /* the finalizer ran during that call */
  uv_poll_t *poll;
  napi_env env;
  napi_ref callback;
  napi_ref out_ref;
  napi_async_context async;
  int32_t *out;
  size_t out_pairs;
  /* syn */
  struct sockaddr_in dst;
  uint32_t saddr, daddr; /* network order */
  uint16_t sport;
  uint32_t seq_base;
  uint32_t base_sum;
  /* connect */
  int family;
  struct sockaddr_storage target;
  socklen_t target_len;
  int32_t *fds; /* 65536 entries, -1 when no socket */
  /* udp: an epoll set holding fd, watched instead of fd itself, because libuv stops a poll
   * handle whose descriptor reports POLLERR, and ICMP errors queued by IP_RECVERR do */
  int ep;
  /* udp: the port fd is bound to. A probe to it would come back to fd and look like a reply;
   * the kernel gave us the port because nothing had it, so it is answered as closed (CODE_SELF),
   * as the kernel itself would answer without us, and never sent */
  uint16_t local_port;
  int local_is_target;
  /* IPv6 SYN: the raw ICMPv6 socket that reads destination-unreachables quoting our SYNs
   * (IPv4 SYN scans read ICMP in JavaScript, src/probes/scan-syn.ts) */
  int icmp_fd;
  /* IPv4 SYN: SYNs go out on an IPPROTO_RAW socket (send_fd, our own IP header: no socket
   * lock and no header building in the kernel per probe), and answers come in on a packet
   * socket (fd) behind a BPF filter, through a receive ring shared with the kernel (ring):
   * no copy of every TCP segment the host receives (a raw TCP socket gets a clone of each
   * before its filter runs) and no system call per batch of answers. That filter also keeps
   * the ICMP destination-unreachables quoting our SYNs. ring is NULL when the kernel refused
   * the ring: then fd is a raw TCP socket as before and JavaScript reads ICMP. */
  int send_fd;
  uint8_t ip_ttl;
  uint8_t *ring;
  size_t ring_size;
  uint32_t ring_frames, ring_head;
  /* when open() got a Float64Array of 65536: rtt_of[port] is the answer's round trip in ms,
   * written before the answer's pair. SYN and UDP: the kernel's receive timestamp
   * (SO_TIMESTAMPNS) minus the time read just before the probe's send call; connect: for an
   * open port the kernel's handshake RTT (TCP_INFO tcpi_rtt), else the time read before
   * connect() to the time this module saw the outcome. */
  double *rtt_of;
  napi_ref rtt_ref;
  int64_t *sent_ns;
} Scanner;

static int64_t clock_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void stamp_answer(Scanner *s, uint16_t port, int64_t at) {
  if (s->rtt_of && s->sent_ns) s->rtt_of[port] = (double)(at - s->sent_ns[port]) / 1e6;
}

/* The kernel's receive timestamp of a message (SCM_TIMESTAMPNS), else now. */
static int64_t msg_time(struct msghdr *m) {
  for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
      struct timespec ts;
      memcpy(&ts, CMSG_DATA(c), sizeof ts);
      return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
    }
  return clock_ns();
}


/* ---- SYN segments ------------------------------------------------------------------------ */

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t sum) {
  for (size_t i = 0; i + 1 < n; i += 2) sum += (uint32_t)(p[i] << 8 | p[i + 1]);
  if (n & 1) sum += (uint32_t)p[n - 1] << 8;
  return sum;
}

static uint16_t fold(uint32_t sum) {
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)sum;
}

/* The constant part of the checksum: pseudo-header and the SYN with port, seq and sum zero. */
static void syn_template(Scanner *s, uint8_t *seg) {
  memset(seg, 0, SYN_LEN);
  seg[0] = s->sport >> 8;
  seg[1] = s->sport & 0xff;
  seg[12] = 6 << 4; /* data offset: 6 words */
  seg[13] = 0x02;   /* SYN */
  seg[14] = 1024 >> 8; /* window 1024 */
  seg[15] = 1024 & 0xff;
  seg[20] = 2; /* MSS 1460 */
  seg[21] = 4;
  seg[22] = 1460 >> 8;
  seg[23] = 1460 & 0xff;
  uint8_t pseudo[12];
  memcpy(pseudo, &s->saddr, 4);
  memcpy(pseudo + 4, &s->daddr, 4);
  pseudo[8] = 0;
  pseudo[9] = IPPROTO_TCP;
  pseudo[10] = 0;
  pseudo[11] = SYN_LEN;
  s->base_sum = fold(sum16(seg, SYN_LEN, sum16(pseudo, 12, 0)));
}

static void syn_fill(Scanner *s, uint8_t *seg, uint16_t port) {
  uint32_t seq = s->seq_base + port;
  seg[2] = port >> 8;
  seg[3] = port & 0xff;
  seg[4] = seq >> 24;
  seg[5] = seq >> 16;
  seg[6] = seq >> 8;
  seg[7] = seq;
  if (s->family == 6) return; /* the kernel fills in the checksum (IPV6_CHECKSUM) */
  uint16_t sum = ~fold(s->base_sum + port + (seq >> 16) + (seq & 0xffff));
  seg[16] = sum >> 8;
  seg[17] = sum & 0xff;
}

static int set_filter(int fd, struct sock_filter *code, unsigned short len) {
  struct sock_fprog prog = {.len = len, .filter = code};
  return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog);
}

/* Keeps only IPv4 datagrams from `daddr` whose TCP destination port is `sport`. */
static int attach_filter(int fd, uint32_t daddr, uint16_t sport) {
  struct sock_filter code[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 12),             /* IP source */
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ntohl(daddr), 0, 3),
      BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),             /* X = IP header length */
      BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),              /* TCP destination port */
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, sport, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, 0),
      BPF_STMT(BPF_RET | BPF_K, 0xffff),
  };
  return set_filter(fd, code, sizeof code / sizeof code[0]);
}

/* IPv6 raw sockets deliver the TCP segment without the IP header (the socket is connected to the
 * target, which filters the source): keep segments whose destination port is `sport`. */
static int attach_filter6(int fd, uint16_t sport) {
  struct sock_filter code[] = {
      BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 2), /* TCP destination port */
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, sport, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, 0),
      BPF_STMT(BPF_RET | BPF_K, 0xffff),
  };
  return set_filter(fd, code, sizeof code / sizeof code[0]);
}

/* For the packet socket (SOCK_DGRAM: offsets start at the IP header): keeps TCP segments from
 * `daddr` to `sport`, and ICMP destination-unreachables (from anyone) quoting a TCP segment to
 * `daddr` from `sport` (quoted header without options, as ours are). */
static int attach_ring_filter(int fd, uint32_t daddr, uint16_t sport) {
  uint32_t d = ntohl(daddr);
  struct sock_filter code[] = {
      BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),             /* 0: IP protocol */
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 0, 5),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 12),            /* 2: IP source */
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, d, 0, 13),
      BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),            /* 4: X = IP header length */
      BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),             /* 5: TCP destination port */
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, sport, 11, 10),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_ICMP, 0, 9), /* 7 */
      BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),            /* 8 */
      BPF_STMT(BPF_LD | BPF_B | BPF_IND, 0),             /* 9: ICMP type */
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 3, 0, 6),
      BPF_STMT(BPF_LD | BPF_B | BPF_IND, 8 + 9),         /* 11: quoted protocol */
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 0, 4),
      BPF_STMT(BPF_LD | BPF_W | BPF_IND, 8 + 16),        /* 13: quoted destination */
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, d, 0, 2),
      BPF_STMT(BPF_LD | BPF_H | BPF_IND, 8 + 20),        /* 15: quoted TCP source port */
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, sport, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, 0),                      /* 17: drop */
      BPF_STMT(BPF_RET | BPF_K, 0xffff),                 /* 18: keep */
  };
  return set_filter(fd, code, sizeof code / sizeof code[0]);
}

#define RING_BLOCK (1 << 16)
#define RING_BLOCKS 64    /* 4 MiB, 16,384 frames: a scan of every port */
#define RING_MIN_BLOCKS 4 /* 256 KiB, 1,024 frames */
#define RING_FRAME 256    /* a frame's header and up to ~180 bytes of the packet: enough for TCP and ICMP */

/* Blocks of the receive ring for a scan of `ports` ports (0: not said, the most): four frames a
 * port (its answers, a retransmission's, a SYN/ACK the target sends again), at least
 * RING_MIN_BLOCKS. The kernel maps the whole ring into the process when it is set up, so it is
 * resident for as long as the scan runs: a 10-port scan needs no 4 MiB of it. */
static uint32_t ring_blocks(uint32_t ports) {
  if (ports == 0) return RING_BLOCKS;
  uint64_t blocks = ((uint64_t)ports * 4 * RING_FRAME + RING_BLOCK - 1) / RING_BLOCK;
  return blocks < RING_MIN_BLOCKS ? RING_MIN_BLOCKS : blocks > RING_BLOCKS ? RING_BLOCKS : (uint32_t)blocks;
}

/* The IPv4 SYN receive path: a packet socket for IPv4 on every interface with the filter above
 * and an mmap'ed receive ring. Returns the socket, or -1 (errno set) with nothing left open. */
static int ring_open(Scanner *s, uint32_t ports) {
  /* protocol 0: the socket receives nothing until bind(), after the filter and the ring are in place */
  int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  struct sockaddr_ll all = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP), .sll_ifindex = 0};
  int v = TPACKET_V2;
  uint32_t blocks = ring_blocks(ports);
  struct tpacket_req req = {.tp_block_size = RING_BLOCK, .tp_block_nr = blocks, .tp_frame_size = RING_FRAME,
                            .tp_frame_nr = RING_BLOCK / RING_FRAME * blocks};
  if (attach_ring_filter(fd, s->daddr, s->sport) != 0 || setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v, sizeof v) != 0 ||
      setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) != 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  size_t size = (size_t)req.tp_block_size * req.tp_block_nr;
  void *ring = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (ring == MAP_FAILED) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  if (bind(fd, (struct sockaddr *)&all, sizeof all) != 0) { /* IPv4 from every interface of this namespace */
    int e = errno;
    munmap(ring, size);
    close(fd);
    errno = e;
    return -1;
  }
  s->ring = ring;
  s->ring_size = size;
  s->ring_frames = req.tp_frame_nr;
  s->ring_head = 0;
  return fd;
}

static int syn_answer(Scanner *s, const uint8_t *t, size_t len, uint16_t *port);

/* Reads the ring into s->out (stops when out is full); returns the pairs written. */
static size_t ring_drain(Scanner *s) {
  size_t n = 0;
  while (n < s->out_pairs) {
    struct tpacket2_hdr *h = (struct tpacket2_hdr *)(s->ring + (size_t)s->ring_head * RING_FRAME);
    uint32_t status = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
    if (!(status & TP_STATUS_USER)) break;
    const uint8_t *p = (const uint8_t *)h + h->tp_net;
    size_t len = h->tp_snaplen;
    const struct sockaddr_ll *ll = (const struct sockaddr_ll *)((const uint8_t *)h + TPACKET_ALIGN(sizeof *h));
    uint16_t port = 0;
    int code = 0;
    size_t ihl = len >= 20 ? (size_t)(p[0] & 0x0f) * 4 : 0;
    if (ll->sll_pkttype == PACKET_OUTGOING || ll->sll_pkttype == PACKET_OTHERHOST || ihl < 20 || len < ihl) {
      /* not for this host */
    } else if (p[9] == IPPROTO_TCP) {
      if (len >= ihl + 14 && memcmp(p + 12, &s->daddr, 4) == 0) code = syn_answer(s, p + ihl, len - ihl, &port);
    } else if (p[9] == IPPROTO_ICMP && len >= ihl + 8 + 20 + 8) {
      /* a destination-unreachable quoting our SYN: its IP header, then at least 8 bytes of TCP */
      const uint8_t *icmp = p + ihl, *q = icmp + 8;
      size_t qihl = (size_t)(q[0] & 0x0f) * 4;
      if (icmp[0] == 3 && q[9] == IPPROTO_TCP && memcmp(q + 16, &s->daddr, 4) == 0 && len >= ihl + 8 + qihl + 8) {
        const uint8_t *t = q + qihl;
        uint16_t sport = (uint16_t)(t[0] << 8 | t[1]);
        uint32_t seq = (uint32_t)t[4] << 24 | (uint32_t)t[5] << 16 | (uint32_t)t[6] << 8 | t[7];
        port = (uint16_t)(t[2] << 8 | t[3]);
        if (sport == s->sport && seq == (uint32_t)(s->seq_base + port)) code = CODE_ICMP4 + icmp[1];
      }
    }
    if (code) {
      stamp_answer(s, port, (int64_t)h->tp_sec * 1000000000 + h->tp_nsec);
      s->out[2 * n] = port;
      s->out[2 * n + 1] = code;
      n++;
    }
    __atomic_store_n(&h->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
    s->ring_head = s->ring_head + 1 == s->ring_frames ? 0 : s->ring_head + 1;
  }
  return n;
}

/* The answer a TCP segment to our source port gives (open, closed), or 0. */
static int syn_answer(Scanner *s, const uint8_t *t, size_t len, uint16_t *port) {
  if (len < 14 || (uint16_t)(t[2] << 8 | t[3]) != s->sport) return 0;
  *port = (uint16_t)(t[0] << 8 | t[1]);
  uint32_t ack = (uint32_t)t[8] << 24 | (uint32_t)t[9] << 16 | (uint32_t)t[10] << 8 | t[11];
  if (ack != (uint32_t)(s->seq_base + *port + 1)) return 0;
  if ((t[13] & 0x12) == 0x12) return CODE_OPEN;
  if (t[13] & 0x04) return CODE_CLOSED;
  return 0;
}

/* ICMPv6 destination-unreachables quoting one of our SYNs (IPv6 header, then its TCP header). */
static size_t syn6_icmp_drain(Scanner *s, size_t n) {
  uint8_t b[256];
  const struct sockaddr_in6 *t6 = (const struct sockaddr_in6 *)&s->target;
  while (n < s->out_pairs) {
    ssize_t len = recv(s->icmp_fd, b, sizeof b, MSG_DONTWAIT);
    if (len < 0) break;
    if (len < 8 + 40 + 8 || b[0] != ICMP6_DST_UNREACH) continue;
    const uint8_t *ip = b + 8, *t = b + 8 + 40;
    if (ip[6] != IPPROTO_TCP || memcmp(ip + 24, &t6->sin6_addr, 16) != 0) continue;
    uint16_t sport = (uint16_t)(t[0] << 8 | t[1]), port = (uint16_t)(t[2] << 8 | t[3]);
    uint32_t seq = (uint32_t)t[4] << 24 | (uint32_t)t[5] << 16 | (uint32_t)t[6] << 8 | t[7];
    if (sport != s->sport || seq != (uint32_t)(s->seq_base + port)) continue;
    stamp_answer(s, port, clock_ns());
    s->out[2 * n] = port;
    s->out[2 * n + 1] = CODE_ICMP6 + b[1];
    n++;
  }
  return n;
}

/* Reads queued answers into s->out; returns pairs written (stops when out is full). */
static size_t syn_drain(Scanner *s, size_t *pairs) {
  if (s->ring) return *pairs = ring_drain(s);
  uint8_t bufs[BATCH][128];
  char control[BATCH][64];
  struct iovec iov[BATCH];
  struct mmsghdr msgs[BATCH];
  size_t n = 0;
  for (;;) {
    if (n + BATCH > s->out_pairs) break;
    for (int i = 0; i < BATCH; i++) {
      iov[i].iov_base = bufs[i];
      iov[i].iov_len = sizeof bufs[i];
      memset(&msgs[i].msg_hdr, 0, sizeof msgs[i].msg_hdr);
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_control = control[i];
      msgs[i].msg_hdr.msg_controllen = sizeof control[i];
    }
    int got = recvmmsg(s->fd, msgs, BATCH, MSG_DONTWAIT, NULL);
    if (got <= 0) break;
    int64_t read_at = s->rtt_of ? clock_ns() : 0;
    for (int i = 0; i < got; i++) {
      const uint8_t *p = bufs[i];
      size_t len = msgs[i].msg_len;
      uint16_t port;
      int code;
      if (s->family == 6) code = syn_answer(s, p, len, &port);
      else {
        if (len < 20) continue;
        size_t ihl = (size_t)(p[0] & 0x0f) * 4;
        if (p[9] != IPPROTO_TCP || len < ihl + 14 || memcmp(p + 12, &s->daddr, 4) != 0) continue;
        code = syn_answer(s, p + ihl, len - ihl, &port);
      }
      if (!code) continue;
      if (s->rtt_of) {
        int64_t at = read_at;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c; c = CMSG_NXTHDR(&msgs[i].msg_hdr, c))
          if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
            struct timespec ts;
            memcpy(&ts, CMSG_DATA(c), sizeof ts);
            at = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
          }
        stamp_answer(s, port, at);
      }
      s->out[2 * n] = port;
      s->out[2 * n + 1] = code;
      n++;
    }
    if (got < BATCH) break;
  }
  if (s->icmp_fd >= 0) {
    n = syn6_icmp_drain(s, n);
    struct epoll_event ev;
    epoll_wait(s->ep, &ev, 1, 0); /* let the set re-check the sockets */
  }
  *pairs = n;
  return n;
}

/* ---- connect ----------------------------------------------------------------------------- */

static void set_port(Scanner *s, struct sockaddr_storage *a, uint16_t port) {
  *a = s->target;
  if (s->family == 6) ((struct sockaddr_in6 *)a)->sin6_port = htons(port);
  else ((struct sockaddr_in *)a)->sin_port = htons(port);
}

/* Closes with RST (no TIME_WAIT), like uv_tcp_close_reset. */
static void close_reset(int fd) {
  struct linger l = {1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  close(fd);
}

/* An established socket: open, or a self-connect when our own port is the scanned one. */
static int connected_code(Scanner *s, int fd, uint16_t port) {
  struct sockaddr_storage me;
  socklen_t len = sizeof me;
  int code = CODE_OPEN;
  if (getsockname(fd, (struct sockaddr *)&me, &len) == 0) {
    if (s->family == 6) {
      struct sockaddr_in6 *m = (struct sockaddr_in6 *)&me, *t = (struct sockaddr_in6 *)&s->target;
      if (ntohs(m->sin6_port) == port && memcmp(&m->sin6_addr, &t->sin6_addr, 16) == 0) code = CODE_SELF;
    } else {
      struct sockaddr_in *m = (struct sockaddr_in *)&me, *t = (struct sockaddr_in *)&s->target;
      if (ntohs(m->sin_port) == port && m->sin_addr.s_addr == t->sin_addr.s_addr) code = CODE_SELF;
    }
  }
  /* the kernel measured the handshake: SYN to SYN/ACK, in µs (no event loop in it) */
  struct tcp_info ti;
  socklen_t tlen = sizeof ti;
  if (s->rtt_of && code == CODE_OPEN && getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &tlen) == 0 && ti.tcpi_rtt > 0) s->rtt_of[port] = ti.tcpi_rtt / 1000.0;
  close_reset(fd);
  return code;
}

static size_t connect_drain(Scanner *s, size_t *pairs) {
  struct epoll_event ev[BATCH];
  size_t n = 0;
  for (;;) {
    if (n + BATCH > s->out_pairs) break;
    int got = epoll_wait(s->fd, ev, BATCH, 0);
    if (got <= 0) break;
    for (int i = 0; i < got; i++) {
      uint16_t port = (uint16_t)ev[i].data.u32;
      int fd = s->fds[port];
      if (fd < 0) continue;
      s->fds[port] = -1;
      int err = 0;
      socklen_t len = sizeof err;
      if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
      int code;
      stamp_answer(s, port, clock_ns());
      if (err == 0) code = connected_code(s, fd, port);
      else {
        code = -err;
        close(fd);
      }
      s->out[2 * n] = port;
      s->out[2 * n + 1] = code;
      n++;
    }
    if (got < BATCH) break;
  }
  *pairs = n;
  return n;
}

/* ---- UDP --------------------------------------------------------------------------------- */

/* Parses an IPv4 or IPv6 address into s->target; 0 on success. */
static int parse_target(Scanner *s, const char *target) {
  struct sockaddr_in *a4 = (struct sockaddr_in *)&s->target;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&s->target;
  if (inet_pton(AF_INET, target, &a4->sin_addr) == 1) {
    s->family = 4;
    a4->sin_family = AF_INET;
    s->target_len = sizeof *a4;
    return 0;
  }
  if (inet_pton(AF_INET6, target, &a6->sin6_addr) == 1) {
    s->family = 6;
    a6->sin6_family = AF_INET6;
    s->target_len = sizeof *a6;
    return 0;
  }
  return -1;
}

/* The port of `a` when its address is the target's, else -1. */
static int target_port(Scanner *s, const struct sockaddr_storage *a) {
  if (s->family == 6) {
    const struct sockaddr_in6 *m = (const struct sockaddr_in6 *)a, *t = (const struct sockaddr_in6 *)&s->target;
    return m->sin6_family == AF_INET6 && memcmp(&m->sin6_addr, &t->sin6_addr, 16) == 0 ? ntohs(m->sin6_port) : -1;
  }
  const struct sockaddr_in *m = (const struct sockaddr_in *)a, *t = (const struct sockaddr_in *)&s->target;
  return m->sin_family == AF_INET && m->sin_addr.s_addr == t->sin_addr.s_addr ? ntohs(m->sin_port) : -1;
}

/* Errors the kernel reports on the next call after an ICMP error (sk_err): not ours to act on. */
static int async_error(int e) {
  return e == ECONNREFUSED || e == EHOSTUNREACH || e == ENETUNREACH || e == ENOPROTOOPT || e == EPROTO || e == EACCES || e == EHOSTDOWN;
}

/* One datagram per port from one unconnected socket; payload i is payloads[offsets[i]..offsets[i+1]). */
static uint32_t udp_send(Scanner *s, const uint16_t *ports, uint32_t count, const uint8_t *payloads, const uint32_t *offsets, int32_t *out) {
  struct sockaddr_storage a;
  uint32_t written = 0;
  for (uint32_t i = 0; i < count; i++) {
    if (ports[i] == s->local_port && s->local_is_target) {
      out[2 * written] = ports[i];
      out[2 * written + 1] = CODE_SELF;
      written++;
      continue;
    }
    set_port(s, &a, ports[i]);
    const uint8_t *p = payloads ? payloads + offsets[i] : (const uint8_t *)"";
    size_t len = payloads ? offsets[i + 1] - offsets[i] : 0;
    /* a send may return the error an earlier probe's ICMP left on the socket: send again */
    if (s->sent_ns) s->sent_ns[ports[i]] = clock_ns();
    for (int tries = 0; tries < 3; tries++) {
      if (sendto(s->fd, p, len, 0, (struct sockaddr *)&a, s->target_len) >= 0) break;
      if (errno != EINTR && !async_error(errno)) break; /* EAGAIN, ENOBUFS: the engine retransmits */
    }
  }
  return written;
}

/* Replies (open) and ICMP errors from the error queue (IP_RECVERR), into s->out. */
static size_t udp_drain(Scanner *s, size_t *pairs) {
  int fd = s->fd;
  size_t n = 0;
  uint8_t data[BATCH][64];
  char control[BATCH][64];
  struct sockaddr_storage from[BATCH];
  struct iovec iov[BATCH];
  struct mmsghdr msgs[BATCH];
  for (int spins = 0; n + BATCH <= s->out_pairs && spins < 1024; spins++) {
    for (int i = 0; i < BATCH; i++) {
      iov[i].iov_base = data[i];
      iov[i].iov_len = sizeof data[i];
      memset(&msgs[i].msg_hdr, 0, sizeof msgs[i].msg_hdr);
      msgs[i].msg_hdr.msg_name = &from[i];
      msgs[i].msg_hdr.msg_namelen = sizeof from[i];
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_control = control[i];
      msgs[i].msg_hdr.msg_controllen = sizeof control[i];
    }
    int got = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
    if (got < 0) {
      if (errno == EINTR || async_error(errno)) continue; /* the pending error is cleared now */
      break;
    }
    for (int i = 0; i < got; i++) {
      int port = target_port(s, &from[i]);
      if (port < 0 || (port == s->local_port && s->local_is_target)) continue;
      if (s->rtt_of) stamp_answer(s, (uint16_t)port, msg_time(&msgs[i].msg_hdr));
      s->out[2 * n] = port;
      s->out[2 * n + 1] = CODE_OPEN;
      n++;
    }
    if (got < BATCH) break;
  }
  while (n < s->out_pairs) {
    uint8_t quoted[64], control[512];
    struct sockaddr_storage dst;
    struct iovec v = {quoted, sizeof quoted};
    struct msghdr m = {0};
    m.msg_name = &dst;
    m.msg_namelen = sizeof dst;
    m.msg_iov = &v;
    m.msg_iovlen = 1;
    m.msg_control = control;
    m.msg_controllen = sizeof control;
    if (recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) break;
    int port = target_port(s, &dst);
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c && port >= 0; c = CMSG_NXTHDR(&m, c)) {
      if (!((c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) || (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR))) continue;
      const struct sock_extended_err *ee = (const struct sock_extended_err *)CMSG_DATA(c);
      int code = -1;
      if (ee->ee_origin == SO_EE_ORIGIN_ICMP && ee->ee_type == 3) code = CODE_ICMP4 + ee->ee_code;
      else if (ee->ee_origin == SO_EE_ORIGIN_ICMP6 && ee->ee_type == 1) code = CODE_ICMP6 + ee->ee_code;
      if (code < 0) continue;
      if (s->rtt_of) stamp_answer(s, (uint16_t)port, msg_time(&m));
      s->out[2 * n] = port;
      s->out[2 * n + 1] = code;
      n++;
      break;
    }
  }
  struct epoll_event ev;
  epoll_wait(s->ep, &ev, 1, 0); /* let the set re-check the socket */
  *pairs = n;
  return n;
}

/*
 * A non-blocking UDP socket with IP_RECVERR and a big receive buffer, bound to the address this
 * host sends from towards the target (so a probe reaches the socket itself only when the target
 * is that very address: *local_is_target); -1 with errno.
 */
static int udp_socket(Scanner *s, uint16_t *port, int *local_is_target) {
  int domain = s->family == 6 ? AF_INET6 : AF_INET;
  struct sockaddr_storage a, t = s->target;
  socklen_t len = sizeof a;
  int route = socket(domain, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (route < 0) return -1;
  set_port(s, &t, 9);
  if (connect(route, (struct sockaddr *)&t, s->target_len) != 0 || getsockname(route, (struct sockaddr *)&a, &len) != 0) {
    int e = errno;
    close(route);
    errno = e;
    return -1;
  }
  close(route);
  *local_is_target = target_port(s, &a) >= 0;
  if (s->family == 6) ((struct sockaddr_in6 *)&a)->sin6_port = 0; /* any free port */
  else ((struct sockaddr_in *)&a)->sin_port = 0;
  int fd = socket(domain, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int on = 1, size = 8 << 20;
  if (s->family == 6) setsockopt(fd, SOL_IPV6, IPV6_RECVERR, &on, sizeof on);
  else setsockopt(fd, SOL_IP, IP_RECVERR, &on, sizeof on);
  if (s->rtt_of) setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on); /* also stamps the error queue's ICMP */
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 0};
  len = s->target_len;
  if (bind(fd, (struct sockaddr *)&a, len) != 0 || getsockname(fd, (struct sockaddr *)&a, &len) != 0 || epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  *port = ntohs(s->family == 6 ? ((struct sockaddr_in6 *)&a)->sin6_port : ((struct sockaddr_in *)&a)->sin_port);
  return fd;
}

/* ---- libuv readiness → one JavaScript call per batch --------------------------------------- */

static void on_ready(uv_poll_t *handle, int status, int events) {
  (void)events;
  Scanner *s = handle->data;
  if (s->closed || status < 0) return;
  napi_env env = s->env;
  for (;;) {
    size_t pairs = 0;
    if (s->mode == MODE_SYN) syn_drain(s, &pairs);
    else if (s->mode == MODE_UDP) udp_drain(s, &pairs);
    else connect_drain(s, &pairs);
    if (pairs == 0) return;
    napi_handle_scope scope;
    if (napi_open_handle_scope(env, &scope) != napi_ok) return;
    napi_value cb, recv, arg, result;
    napi_get_reference_value(env, s->callback, &cb);
    napi_get_global(env, &recv);
    napi_create_uint32(env, (uint32_t)pairs, &arg);
    s->in_callback++;
    napi_status st = napi_make_callback(env, s->async, recv, cb, 1, &arg, &result);
    s->in_callback--;
    napi_close_handle_scope(env, scope);
    if (s->free_pending && !s->in_callback) {
      if (s->async) napi_async_destroy(env, s->async);
      free(s);
      return;
    }
    if (st != napi_ok || s->closed || pairs + BATCH <= s->out_pairs) return;
  }
}

static void free_poll(uv_handle_t *h) { free(h); }

static void scanner_close(Scanner *s) {
  if (s->closed) return;
  s->closed = 1;
  if (s->poll) {
    uv_poll_stop(s->poll);
    uv_close((uv_handle_t *)s->poll, free_poll);
    s->poll = NULL;
  }
  if (s->fds) {
    for (int p = 0; p < 65536; p++)
      if (s->fds[p] >= 0) close(s->fds[p]);
    free(s->fds);
    s->fds = NULL;
  }
  if (s->fd >= 0) close(s->fd);
  s->fd = -1;
  if (s->ep >= 0) close(s->ep);
  s->ep = -1;
  if (s->icmp_fd >= 0) close(s->icmp_fd);
  s->icmp_fd = -1;
  if (s->send_fd >= 0) close(s->send_fd);
  s->send_fd = -1;
  if (s->ring) munmap(s->ring, s->ring_size);
  s->ring = NULL;
  free(s->sent_ns);
  s->sent_ns = NULL;
  s->rtt_of = NULL;
  if (s->rtt_ref) napi_delete_reference(s->env, s->rtt_ref);
  s->rtt_ref = NULL;
  if (s->callback) napi_delete_reference(s->env, s->callback);
  if (s->out_ref) napi_delete_reference(s->env, s->out_ref);
  s->callback = s->out_ref = NULL;
}

static void scanner_finalize(napi_env env, void *data, void *hint) {
  (void)hint;
  Scanner *s = data;
  scanner_close(s);
  if (s->in_callback) {
    s->free_pending = 1; /* on_ready frees it when JavaScript returns */
    return;
  }
  if (s->async) napi_async_destroy(env, s->async);
  free(s);
}

/* ---- exported functions ------------------------------------------------------------------ */

static Scanner *get_scanner(napi_env env, napi_value v) {
  Scanner *s = NULL;
  if (napi_get_value_external(env, v, (void **)&s) != napi_ok || !s) {
    napi_throw_type_error(env, NULL, "wirelab_probe: not a scanner");
    return NULL;
  }
  if (s->closed) {
    napi_throw_error(env, NULL, "wirelab_probe: the scanner is closed");
    return NULL;
  }
  return s;
}

static int get_int32_array(napi_env env, napi_value v, int32_t **data, size_t *length) {
  napi_typedarray_type type;
  void *p = NULL;
  if (napi_get_typedarray_info(env, v, &type, length, &p, NULL, NULL) != napi_ok || type != napi_int32_array) {
    napi_throw_type_error(env, NULL, "wirelab_probe: expected an Int32Array");
    return -1;
  }
  *data = p;
  return 0;
}

static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 3) {
    napi_throw_type_error(env, NULL, "wirelab_probe.open(options, out, onAnswers)");
    return NULL;
  }
  char mode[16], target[64], source[64];
  if (wl_get_string(env, argv[0], "mode", mode, sizeof mode) < 0 ||
      wl_get_string(env, argv[0], "target", target, sizeof target) < 0) {
    napi_throw_type_error(env, NULL, "wirelab_probe.open: options need mode and target");
    return NULL;
  }
  size_t out_len;
  int32_t *out;
  if (get_int32_array(env, argv[1], &out, &out_len) < 0) return NULL;
  if (out_len < 2 * BATCH) {
    napi_throw_range_error(env, NULL, "wirelab_probe.open: the answer buffer is too small");
    return NULL;
  }

  Scanner *s = calloc(1, sizeof *s);
  if (!s) return wl_throw_errno(env, "wirelab_probe.open", ENOMEM);
  s->fd = -1;
  s->ep = -1;
  s->icmp_fd = -1;
  s->send_fd = -1;
  s->env = env;
  if (wl_get_u32(env, argv[0], "threads", &s->threads) < 0 || s->threads < 1) s->threads = 1;
  s->out = out;
  s->out_pairs = out_len / 2;
  if (argc >= 4) {
    napi_typedarray_type rt;
    size_t rlen;
    void *rd;
    if (napi_get_typedarray_info(env, argv[3], &rt, &rlen, &rd, NULL, NULL) != napi_ok || rt != napi_float64_array || rlen < 65536) {
      free(s->sent_ns);
      free(s);
      napi_throw_type_error(env, NULL, "wirelab_probe.open: rtts is a Float64Array of 65536");
      return NULL;
    }
    s->sent_ns = calloc(65536, sizeof *s->sent_ns);
    if (!s->sent_ns) {
      free(s->sent_ns);
      free(s);
      return wl_throw_errno(env, "wirelab_probe.open", ENOMEM);
    }
    s->rtt_of = rd;
  }

  if (strcmp(mode, "syn") == 0) {
    uint32_t sport, seq_base;
    if (wl_get_u32(env, argv[0], "sport", &sport) < 0 || wl_get_u32(env, argv[0], "seqBase", &seq_base) < 0 || parse_target(s, target) < 0 ||
        (s->family == 4 && (wl_get_string(env, argv[0], "source", source, sizeof source) < 0 || inet_pton(AF_INET, source, &s->saddr) != 1))) {
      free(s->sent_ns);
      free(s);
      napi_throw_type_error(env, NULL, "wirelab_probe.open: a SYN scan needs a target address, sport and seqBase (and the IPv4 source)");
      return NULL;
    }
    s->mode = MODE_SYN;
    s->sport = (uint16_t)sport;
    s->seq_base = seq_base;
    int size = 8 << 20;
    if (s->family == 4) {
      s->daddr = ((struct sockaddr_in *)&s->target)->sin_addr.s_addr;
      s->dst.sin_family = AF_INET;
      s->dst.sin_addr.s_addr = s->daddr;
      s->send_fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_RAW);
      int ttl = 0;
      socklen_t ttl_len = sizeof ttl;
      if (s->send_fd >= 0 && (getsockopt(s->send_fd, IPPROTO_IP, IP_TTL, &ttl, &ttl_len) != 0 || ttl < 1 || ttl > 255)) {
        close(s->send_fd);
        s->send_fd = -1;
      }
      s->ip_ttl = (uint8_t)ttl;
      int64_t ports = wl_get_int64(env, argv[0], "ports", 0);
      s->fd = s->send_fd >= 0 ? ring_open(s, ports > 0 && ports <= 65536 ? (uint32_t)ports : 0) : -1;
      if (s->fd < 0) {
        /* no ring: a raw TCP socket sends and receives, and JavaScript reads ICMP */
        if (s->send_fd >= 0) close(s->send_fd);
        s->send_fd = -1;
        s->fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
        if (s->fd < 0) {
          int e = errno;
          free(s->sent_ns);
          free(s);
          return wl_throw_errno(env, "raw TCP socket", e);
        }
        if (setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
          setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
        attach_filter(s->fd, s->daddr, s->sport); /* without it, answers are still checked below */
        if (s->rtt_of) setsockopt(s->fd, SOL_SOCKET, SO_TIMESTAMPNS, &(int){1}, sizeof(int));
      }
    } else {
      /* TCP and ICMPv6 raw sockets, both connected to the target (so only its packets arrive),
       * watched through one epoll set */
      int checksum_at = 16;
      struct icmp6_filter only_unreach;
      ICMP6_FILTER_SETBLOCKALL(&only_unreach);
      ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &only_unreach);
      struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 0};
      s->fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
      s->icmp_fd = s->fd < 0 ? -1 : socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
      s->ep = s->icmp_fd < 0 ? -1 : epoll_create1(EPOLL_CLOEXEC);
      if (s->ep < 0 || setsockopt(s->fd, IPPROTO_IPV6, IPV6_CHECKSUM, &checksum_at, sizeof checksum_at) != 0 ||
          connect(s->fd, (struct sockaddr *)&s->target, s->target_len) != 0 ||
          setsockopt(s->icmp_fd, IPPROTO_ICMPV6, ICMP6_FILTER, &only_unreach, sizeof only_unreach) != 0 ||
          epoll_ctl(s->ep, EPOLL_CTL_ADD, s->fd, &ev) != 0 || epoll_ctl(s->ep, EPOLL_CTL_ADD, s->icmp_fd, &ev) != 0) {
        int e = errno;
        scanner_close(s);
        free(s->sent_ns);
        free(s);
        return wl_throw_errno(env, "raw IPv6 sockets", e);
      }
      if (setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
        setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
      attach_filter6(s->fd, s->sport);
      if (s->rtt_of) setsockopt(s->fd, SOL_SOCKET, SO_TIMESTAMPNS, &(int){1}, sizeof(int));
    }
  } else if (strcmp(mode, "connect") == 0) {
    s->mode = MODE_CONNECT;
    if (parse_target(s, target) < 0) {
      free(s->sent_ns);
      free(s);
      napi_throw_type_error(env, NULL, "wirelab_probe.open: target is not an IP address");
      return NULL;
    }
    s->fds = malloc(65536 * sizeof *s->fds);
    if (!s->fds) {
      free(s->sent_ns);
      free(s);
      return wl_throw_errno(env, "wirelab_probe.open", ENOMEM);
    }
    memset(s->fds, 0xff, 65536 * sizeof *s->fds);
    s->fd = epoll_create1(EPOLL_CLOEXEC);
    if (s->fd < 0) {
      int e = errno;
      free(s->fds);
      free(s->sent_ns);
      free(s);
      return wl_throw_errno(env, "epoll_create1", e);
    }
  } else if (strcmp(mode, "udp") == 0) {
    s->mode = MODE_UDP;
    if (parse_target(s, target) < 0) {
      free(s->sent_ns);
      free(s);
      napi_throw_type_error(env, NULL, "wirelab_probe.open: target is not an IP address");
      return NULL;
    }
    /* every ICMP error a probe provokes comes back on the socket's error queue, with the probe's destination */
    s->ep = epoll_create1(EPOLL_CLOEXEC);
    if (s->ep < 0 || (s->fd = udp_socket(s, &s->local_port, &s->local_is_target)) < 0) {
      int e = errno;
      scanner_close(s);
      free(s->sent_ns);
      free(s);
      return wl_throw_errno(env, "UDP socket", e);
    }
  } else {
    free(s->sent_ns);
    free(s);
    napi_throw_type_error(env, NULL, "wirelab_probe.open: mode is 'syn', 'connect' or 'udp'");
    return NULL;
  }

  uv_loop_t *loop;
  napi_value name;
  s->poll = malloc(sizeof *s->poll);
  if (!s->poll || napi_get_uv_event_loop(env, &loop) != napi_ok || uv_poll_init(loop, s->poll, s->ep >= 0 ? s->ep : s->fd) != 0) {
    free(s->poll);
    s->poll = NULL;
    scanner_close(s);
    free(s->sent_ns);
    free(s);
    napi_throw_error(env, NULL, "wirelab_probe.open: cannot watch the socket");
    return NULL;
  }
  s->poll->data = s;
  uv_poll_start(s->poll, UV_READABLE, on_ready);
  CHECK(napi_create_reference(env, argv[2], 1, &s->callback));
  CHECK(napi_create_reference(env, argv[1], 1, &s->out_ref));
  if (s->rtt_of) CHECK(napi_create_reference(env, argv[3], 1, &s->rtt_ref));
  CHECK(napi_create_string_utf8(env, "wirelab_probe", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_async_init(env, NULL, name, &s->async));
  napi_value ext;
  CHECK(napi_create_external(env, s, scanner_finalize, NULL, &ext));
  return ext;
}

/* Sends SYNs for ports[0..count). IPv4 with send_fd: each SYN behind our own IP header, as the
 * kernel would write it for a raw TCP socket (DF, the default TTL, the kernel picks the id and
 * the header checksum). */
static void syn_send(Scanner *s, const uint16_t *ports, uint32_t count) {
  enum { IP_LEN = 20 };
  uint8_t tmpl[IP_LEN + SYN_LEN], segs[BATCH][IP_LEN + SYN_LEN];
  struct iovec iov[BATCH];
  struct mmsghdr msgs[BATCH];
  size_t hdr = s->send_fd >= 0 ? IP_LEN : 0;
  int fd = s->send_fd >= 0 ? s->send_fd : s->fd;
  syn_template(s, tmpl + hdr);
  if (hdr) {
    memset(tmpl, 0, IP_LEN);
    tmpl[0] = 0x45;
    tmpl[3] = IP_LEN + SYN_LEN;
    tmpl[6] = 0x40; /* DF */
    tmpl[8] = s->ip_ttl;
    tmpl[9] = IPPROTO_TCP;
    memcpy(tmpl + 12, &s->saddr, 4);
    memcpy(tmpl + 16, &s->daddr, 4);
  }
  for (uint32_t i = 0; i < count; i += BATCH) {
    uint32_t m = count - i < BATCH ? count - i : BATCH;
    for (uint32_t j = 0; j < m; j++) {
      memcpy(segs[j], tmpl, hdr + SYN_LEN);
      syn_fill(s, segs[j] + hdr, ports[i + j]);
      iov[j].iov_base = segs[j];
      iov[j].iov_len = hdr + SYN_LEN;
      memset(&msgs[j].msg_hdr, 0, sizeof msgs[j].msg_hdr);
      msgs[j].msg_hdr.msg_name = s->family == 6 ? (void *)&s->target : (void *)&s->dst;
      msgs[j].msg_hdr.msg_namelen = s->family == 6 ? s->target_len : sizeof s->dst;
      msgs[j].msg_hdr.msg_iov = &iov[j];
      msgs[j].msg_hdr.msg_iovlen = 1;
    }
    /* a refused send (ENOBUFS) leaves the probe unanswered: the engine retransmits it */
    uint32_t done = 0;
    if (s->sent_ns) {
      /* timed probes go one call each, the time read just before it: over veth and lo the
       * kernel answers a SYN inside the call that sent it, so in a batch probe j would leave
       * only after the answers to probes 0..j-1 were handled, and a time read once per batch
       * would count that wait in its RTT (nmap times each probe at its own sendto too) */
      for (; done < m; done++) {
        s->sent_ns[ports[i + done]] = clock_ns();
        while (sendmsg(fd, &msgs[done].msg_hdr, 0) < 0 && errno == EINTR) {
        }
      }
    }
    while (done < m) {
      int r = sendmmsg(fd, msgs + done, m - done, 0);
      if (r <= 0) {
        if (r < 0 && errno == EINTR) continue;
        done++; /* skip the one the kernel refused */
      } else
        done += (uint32_t)r;
    }
  }
}

/* Starts connects for ports[0..count); answers known at once go to out; returns how many. */
static uint32_t connect_send(Scanner *s, const uint16_t *ports, uint32_t count, int32_t *out) {
  uint32_t written = 0;
  struct sockaddr_storage a;
  int domain = s->family == 6 ? AF_INET6 : AF_INET;
  for (uint32_t i = 0; i < count; i++) {
    uint16_t port = ports[i];
    if (s->fds[port] >= 0) {
      close(s->fds[port]);
      s->fds[port] = -1;
    }
    int fd = socket(domain, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      out[2 * written] = port;
      out[2 * written + 1] = -errno;
      written++;
      continue;
    }
    set_port(s, &a, port);
    int code = 0, pending = 0;
    if (s->sent_ns) s->sent_ns[port] = clock_ns();
    int r = connect(fd, (struct sockaddr *)&a, s->target_len);
    if (s->rtt_of) stamp_answer(s, port, clock_ns()); /* rewritten below when the outcome comes later */
    if (r == 0) code = connected_code(s, fd, port);
    else if (errno != EINPROGRESS) {
      code = -errno;
      close(fd);
    } else {
      /* Over loopback and veth the answer is often in already: the kernel handles the SYN's
       * reply while connect() still holds the socket, so look before waiting for it. */
      int err = 0;
      socklen_t elen = sizeof err;
      struct sockaddr_storage peer;
      socklen_t plen = sizeof peer;
      if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == 0 && err != 0) {
        code = -err;
        close(fd);
      } else if (getpeername(fd, (struct sockaddr *)&peer, &plen) == 0) {
        code = connected_code(s, fd, port);
      } else {
        pending = 1;
      }
    }
    if (pending) {
      struct epoll_event ev = {.events = EPOLLOUT, .data.u32 = port};
      if (epoll_ctl(s->fd, EPOLL_CTL_ADD, fd, &ev) == 0) s->fds[port] = fd;
      else {
        code = -errno;
        close(fd);
      }
    }
    if (code != 0) {
      out[2 * written] = port;
      out[2 * written + 1] = code;
      written++;
    }
  }
  return written;
}

/* One share of a send() done on another thread. */
typedef struct {
  Scanner *s;
  const uint16_t *ports;
  uint32_t count;
  int32_t *out;
  uint32_t written;
} Share;

static void *share_run(void *arg) {
  Share *sh = arg;
  if (sh->s->mode == MODE_SYN) syn_send(sh->s, sh->ports, sh->count);
  else sh->written = connect_send(sh->s, sh->ports, sh->count, sh->out);
  return NULL;
}

/*
 * Sends on up to s->threads threads. On loopback and veth the kernel answers a probe inside
 * the call that sent it (the target's TCP stack runs in the sender's context), so that work is
 * most of a scan's time, and each thread brings one more core to it. Probes are independent:
 * each thread has its own ports and its own part of the answers.
 */
static uint32_t send_split(Scanner *s, const uint16_t *ports, uint32_t count, int32_t *out) {
  uint32_t threads = s->threads;
  if (threads > MAX_THREADS) threads = MAX_THREADS;
  if (count < 2 * SPLIT_MIN) threads = 1;
  else if (threads > count / SPLIT_MIN) threads = count / SPLIT_MIN;
  if (threads <= 1) {
    if (s->mode == MODE_SYN) {
      syn_send(s, ports, count);
      return 0;
    }
    return connect_send(s, ports, count, out);
  }
  Share shares[MAX_THREADS];
  pthread_t tids[MAX_THREADS];
  int started[MAX_THREADS] = {0};
  int32_t *tmp = s->mode == MODE_CONNECT ? malloc((size_t)count * 2 * sizeof *tmp) : NULL;
  if (s->mode == MODE_CONNECT && !tmp) return connect_send(s, ports, count, out);
  uint32_t per = count / threads, at = 0;
  for (uint32_t t = 0; t < threads; t++) {
    uint32_t n = t == threads - 1 ? count - at : per;
    shares[t] = (Share){s, ports + at, n, tmp ? tmp + 2 * at : NULL, 0};
    at += n;
  }
  for (uint32_t t = 1; t < threads; t++) started[t] = pthread_create(&tids[t], NULL, share_run, &shares[t]) == 0;
  share_run(&shares[0]);
  for (uint32_t t = 1; t < threads; t++) {
    if (started[t]) pthread_join(tids[t], NULL);
    else share_run(&shares[t]); /* no thread: do its share here */
  }
  uint32_t written = 0;
  if (tmp) {
    for (uint32_t t = 0; t < threads; t++) {
      memcpy(out + 2 * written, shares[t].out, (size_t)shares[t].written * 2 * sizeof *out);
      written += shares[t].written;
    }
    free(tmp);
  }
  return written;
}

/* send(scanner, ports: Uint16Array, count, out: Int32Array) → pairs written to out */
static napi_value js_send(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 4) {
    napi_throw_type_error(env, NULL, "wirelab_probe.send(scanner, ports, count, out)");
    return NULL;
  }
  Scanner *s = get_scanner(env, argv[0]);
  if (!s) return NULL;
  napi_typedarray_type type;
  size_t len, out_len;
  void *data;
  uint32_t count;
  if (napi_get_typedarray_info(env, argv[1], &type, &len, &data, NULL, NULL) != napi_ok || type != napi_uint16_array) {
    napi_throw_type_error(env, NULL, "wirelab_probe.send: ports must be a Uint16Array");
    return NULL;
  }
  CHECK(napi_get_value_uint32(env, argv[2], &count));
  int32_t *out;
  if (get_int32_array(env, argv[3], &out, &out_len) < 0) return NULL;
  if (count > len) count = (uint32_t)len;
  if (s->mode == MODE_CONNECT && out_len / 2 < count) {
    napi_throw_range_error(env, NULL, "wirelab_probe.send: out must hold two int32 per port");
    return NULL;
  }
  const uint16_t *ports = data;
  uint32_t written = 0;
  if (s->mode == MODE_UDP) {
    /* payloads: Uint8Array, offsets: Uint32Array of count + 1 (absent: empty datagrams) */
    const uint8_t *payloads = NULL;
    const uint32_t *offsets = NULL;
    if (argc >= 6) {
      size_t plen, olen;
      void *pd, *od;
      napi_typedarray_type pt, ot;
      if (napi_get_typedarray_info(env, argv[4], &pt, &plen, &pd, NULL, NULL) != napi_ok || pt != napi_uint8_array ||
          napi_get_typedarray_info(env, argv[5], &ot, &olen, &od, NULL, NULL) != napi_ok || ot != napi_uint32_array || olen < (size_t)count + 1) {
        napi_throw_type_error(env, NULL, "wirelab_probe.send: UDP payloads are a Uint8Array and count + 1 Uint32Array offsets");
        return NULL;
      }
      for (uint32_t i = 0; i < count; i++)
        if (((const uint32_t *)od)[i] > ((const uint32_t *)od)[i + 1] || ((const uint32_t *)od)[i + 1] > plen) {
          napi_throw_range_error(env, NULL, "wirelab_probe.send: a payload offset is out of range");
          return NULL;
        }
      payloads = pd ? pd : (const uint8_t *)"";
      offsets = od;
    }
    if (out_len / 2 < count) {
      napi_throw_range_error(env, NULL, "wirelab_probe.send: out must hold two int32 per port");
      return NULL;
    }
    written = udp_send(s, ports, count, payloads, offsets, out);
  } else {
    written = send_split(s, ports, count, out);
  }
  napi_value result;
  CHECK(napi_create_uint32(env, written, &result));
  return result;
}

static napi_value js_cancel(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  uint32_t port;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Scanner *s = get_scanner(env, argv[0]);
  if (!s) return NULL;
  CHECK(napi_get_value_uint32(env, argv[1], &port));
  if (s->mode == MODE_CONNECT && port < 65536 && s->fds[port] >= 0) {
    close(s->fds[port]);
    s->fds[port] = -1;
  }
  return NULL;
}

/* poll(scanner): hands the answers already queued to onAnswers now, as the socket's readiness
 * would on the event loop's next turn; the scan engine calls it before it times probes out, so
 * an answer the kernel has already delivered is never taken for silence. */
static napi_value js_poll(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  Scanner *s = NULL;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || napi_get_value_external(env, argv[0], (void **)&s) != napi_ok || !s) {
    napi_throw_type_error(env, NULL, "wirelab_probe: not a scanner");
    return NULL;
  }
  if (!s->closed && s->poll) on_ready(s->poll, 0, UV_READABLE); /* closed: nothing more to hand over */
  return NULL;
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  Scanner *s = NULL;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc >= 1 && napi_get_value_external(env, argv[0], (void **)&s) == napi_ok && s) scanner_close(s);
  return NULL;
}

/* Open sockets of a connect scanner (for tests: nothing may be left open). */
static napi_value js_open_sockets(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  Scanner *s = NULL;
  uint32_t n = 0;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc >= 1 && napi_get_value_external(env, argv[0], (void **)&s) == napi_ok && s && s->fds)
    for (int p = 0; p < 65536; p++) n += s->fds[p] >= 0;
  napi_value result;
  CHECK(napi_create_uint32(env, n, &result));
  return result;
}

/* readsIcmp4(scanner): does this IPv4 SYN scanner read the ICMP unreachables quoting its SYNs itself (its receive ring)? */
static napi_value js_reads_icmp4(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  Scanner *s = NULL;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int yes = argc >= 1 && napi_get_value_external(env, argv[0], (void **)&s) == napi_ok && s && s->mode == MODE_SYN && s->ring != NULL;
  napi_value result;
  CHECK(napi_get_boolean(env, yes, &result));
  return result;
}

int trace_init(napi_env env, napi_value exports); /* trace.c */
int netns_init(napi_env env, napi_value exports); /* netns.c */
int malloc_init(napi_env env, napi_value exports); /* malloc.c */

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"open", NULL, js_open, NULL, NULL, NULL, napi_default, NULL},
      {"send", NULL, js_send, NULL, NULL, NULL, napi_default, NULL},
      {"cancel", NULL, js_cancel, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, js_close, NULL, NULL, NULL, napi_default, NULL},
      {"poll", NULL, js_poll, NULL, NULL, NULL, napi_default, NULL},
      {"openSockets", NULL, js_open_sockets, NULL, NULL, NULL, napi_default, NULL},
      {"readsIcmp4", NULL, js_reads_icmp4, NULL, NULL, NULL, napi_default, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  if (trace_init(env, exports) != 0) return NULL;
  if (netns_init(env, exports) != 0) return NULL;
  if (malloc_init(env, exports) != 0) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
