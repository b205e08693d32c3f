import type { PortResult, ScanProbe } from '../generated/run-record.js';
import type { TimingOptions } from './timing.js';

/**
 * Port states as nmap names them: TCP connect and SYN scans give open, closed or filtered; a
 * UDP scan gives open|filtered to a port that never answered (nothing tells an open port that
 * ignores the probe from a firewall that drops it).
 */
export type PortState = PortResult['state'];

/**
 * Why a port got its state, in nmap's `--reason` words: `syn-ack`, `conn-refused` (connect
 * scan, RST or ICMP port-unreachable turned into ECONNREFUSED by the kernel), `reset` (SYN
 * scan), `no-response`, or an ICMP unreachable kind (`port-unreach`, `host-unreach`,
 * `net-unreach`, `proto-unreach`, `admin-prohibited`, `host-prohibited`, `net-prohibited`).
 */
export type PortReason = string;

/** One scanned port, one probe as sent and what came back: the run record's types (schemas/run.schema.json). */
export type { PortResult, ScanProbeRecord as ProbeRecord } from '../generated/run-record.js';

/** What `scan` returns (the run record's scan probe without its `kind`); JSON, so it crosses to the controller unchanged. */
export type ScanResult = Omit<ScanProbe, 'kind'>;

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
