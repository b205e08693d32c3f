/*
 * A bounded, paced loopback UDP flood for bench/capture.mjs: `flood PORT RATE SECONDS`
 * sends RATE datagrams per second of 18 bytes (60-byte Ethernet frames on lo) to
 * 127.0.0.1:PORT for SECONDS seconds (at most 10 s, at most 5,000,000 datagrams), in sendmmsg
 * batches of 64, and prints `sent <n> seconds <s>`. A sink socket bound to the port never reads,
 * so the kernel drops the datagrams after the capture taps saw them (no ICMP port unreachable).
 * Built by the bench with `cc -O2`.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: flood PORT RATE SECONDS\n");
    return 2;
  }
  int port = atoi(argv[1]);
  double rate = atof(argv[2]), secs = atof(argv[3]);
  if (port <= 0 || port > 65535 || rate <= 0 || secs <= 0 || secs > 10) {
    fprintf(stderr, "flood: bad arguments (SECONDS at most 10)\n");
    return 2;
  }
  long total = (long)(rate * secs);
  if (total > 5000000) total = 5000000;
  struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(port) };
  inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
  int sink = socket(AF_INET, SOCK_DGRAM, 0);
  int small = 4096;
  setsockopt(sink, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  if (bind(sink, (struct sockaddr *)&dst, sizeof dst) < 0) {
    perror("flood: bind sink");
    return 1;
  }
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  if (connect(s, (struct sockaddr *)&dst, sizeof dst) < 0) {
    perror("flood: connect");
    return 1;
  }
  char payload[18];
  memset(payload, 'a', sizeof payload);
  struct iovec iov = { payload, sizeof payload };
  struct mmsghdr msgs[BATCH];
  memset(msgs, 0, sizeof msgs);
  for (int i = 0; i < BATCH; i++) msgs[i].msg_hdr.msg_iov = &iov, msgs[i].msg_hdr.msg_iovlen = 1;
  long sent = 0;
  double t0 = now();
  while (sent < total) {
    double due = t0 + sent / rate; /* when packet number `sent` is due */
    double t = now();
    if (t < due) {
      struct timespec ts = { 0, (long)((due - t) * 1e9) };
      nanosleep(&ts, NULL);
    }
    int n = total - sent < BATCH ? (int)(total - sent) : BATCH;
    int r = sendmmsg(s, msgs, n, 0);
    if (r > 0) sent += r;
    if (now() - t0 > secs + 5) break; /* the host cannot keep the rate: stop anyway */
  }
  double el = now() - t0;
  printf("sent %ld seconds %.3f\n", sent, el);
  close(s);
  close(sink);
  return 0;
}
