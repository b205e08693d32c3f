import type { TimingOptions } from './timing.js';

/**
 * Port states as nmap names them: TCP connect and SYN scans give open, closed or filtered; a
 * UDP scan gives open|filtered to a port that never answered (nothing tells an open port that
 * ignores the probe from a firewall that drops it).
 */
export type PortState = 'open' | 'closed' | 'filtered' | 'open|filtered';

/**
 * Why a port got its state, in nmap's `--reason` words: `syn-ack`, `conn-refused` (connect
 * scan, RST or ICMP port-unreachable turned into ECONNREFUSED by the kernel), `reset` (SYN
 * scan), `no-response`, or an ICMP unreachable kind (`port-unreach`, `host-unreach`,
 * `net-unreach`, `proto-unreach`, `admin-prohibited`, `host-prohibited`, `net-prohibited`).
 */
export type PortReason = string;

export interface PortResult {
  port: number;
  proto: 'tcp' | 'udp';
  state: PortState;
  reason: PortReason;
  /** Service name from nmap-services (or /etc/services), `unknown` when not listed. */
  service: string;
  /** Round-trip time of the probe that decided the state (absent for no-response). */
  rttMs?: number;
}

/** One probe as sent on the wire and what came back. */
export interface ProbeRecord {
  /** Milliseconds since the scan started, when the probe was sent. */
  time: number;
  port: number;
  /** `SYN` (TCP scans) or `UDP` (a datagram, with nmap's payload for the port when it has one). */
  sent: 'SYN' | 'UDP';
  /** `SYN/ACK`, `RST`, `none`, or `ICMP <kind>` (e.g. `ICMP host-unreach`). */
  answer: string;
}

/** What `scan` returns; JSON-serialisable so it crosses the namespace agent unchanged. */
export interface ScanResult {
  target: string;
  method: 'connect' | 'syn' | 'udp';
  /** Which implementation sent the probes: `native` (native/probe.c) or `portable` (raw-socket, Node's TCP handles). */
  engine: 'native' | 'portable';
  ports: PortResult[];
  probesSent: number;
  elapsedMs: number;
  /** Every probe, in send order, up to the recording cap. */
  probes: ProbeRecord[];
  /** Probes sent but left out of `probes` because of the cap. */
  probesOmitted: number;
  /**
   * Where the RTTs come from: `kernel` (SYN and UDP scans on the native path: the kernel's receive
   * timestamp of the answer minus the time read before the send call), `native` (connect scans
   * on the native path: an open port's RTT is the kernel's handshake RTT (TCP_INFO), other
   * answers are timed by clocks read in native/probe.c before connect() and when it saw the
   * outcome), `userspace` (when JavaScript saw the answer).
   */
  timeSource: 'kernel' | 'native' | 'userspace';
  /** nmap's smoothed RTT (srtt) over the answers, which nmap's `Host is up (… latency)` line shows; absent without answers. */
  srttMs?: number;
}

/** Options common to both scan methods; nmap's timing controls come from TimingOptions. */
export interface ScanOptions extends TimingOptions {
  target: string;
  /** Port specification (`50000-50009`, `22,80`, `-`) or a list of ports. */
  ports: string | number[];
  /** CIDRs besides loopback that may be probed. */
  allow?: string[];
  /** Probes in flight at once. */
  window?: number;
  /**
   * Exactly this many probes per silent port before it is filtered, overriding nmap's rule
   * (which gives 2 unless retransmissions were seen to be answered; see `maxRetries`).
   */
  tries?: number;
  /** Cap on recorded probes (default 2000). */
  maxRecordedProbes?: number;
  /**
   * Use the portable path even where the native module (native/probe.c) is built: raw-socket
   * for SYN scans, Node's TCP handles for connect scans.
   */
  portable?: boolean;
  /** Native path: threads that send probes (default: connect one per core, at most 4; SYN 1). */
  threads?: number;
  /** Connect scan on the portable path: use Node's TCP handles directly (default) instead of net.Socket objects. */
  useHandles?: boolean;
  /** SYN scan: the TCP source port of every probe (default: random in 40000-59999). */
  sourcePort?: number;
}
