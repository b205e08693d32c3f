/**
 * nmap's timing controls: the `-T0`..`-T5` templates and the options that override them
 * (`--initial-rtt-timeout`, `--min-rtt-timeout`, `--max-rtt-timeout`, `--max-retries`,
 * `--scan-delay`), with nmap's own values and rules (nmap.cc, NmapOps.cc; "Timing and
 * Performance" in the nmap book):
 *
 * | template       | initial | min    | max     | max retries | scan delay | max TCP scan delay | parallelism |
 * |----------------|---------|--------|---------|-------------|------------|--------------------|-------------|
 * | T0 paranoid    | 5 min   | 100 ms | 5 min¹  | 10          | 5 min      | 1 s                | 1           |
 * | T1 sneaky      | 15 s    | 100 ms | 15 s¹   | 10          | 15 s       | 1 s                | 1           |
 * | T2 polite      | 1 s     | 100 ms | 10 s    | 10          | 400 ms     | 1 s                | 1           |
 * | T3 normal      | 1 s     | 100 ms | 10 s    | 10          | 0          | 1 s                | —           |
 * | T4 aggressive  | 500 ms  | 100 ms | 1250 ms | 6           | 0          | 10 ms              | —           |
 * | T5 insane      | 250 ms  | 50 ms  | 300 ms  | 2           | 0          | 5 ms               | —           |
 *
 * ¹ nmap raises the max RTT timeout to the initial one when the initial is larger.
 * Setting one of min/initial/max moves the others as NmapOps does, so that
 * min <= initial <= max always holds.
 */
import { UsageError } from '../errors.js';

export type TimingTemplate = 0 | 1 | 2 | 3 | 4 | 5;

export const TEMPLATE_NAMES = ['paranoid', 'sneaky', 'polite', 'normal', 'aggressive', 'insane'] as const;

/** What a scan asks for; every field optional (nmap's defaults are T3's). */
export interface TimingOptions {
  /** nmap -T<0-5>. */
  timing?: TimingTemplate;
  /** --initial-rtt-timeout, ms. */
  initialTimeoutMs?: number;
  /** --min-rtt-timeout, ms. */
  minTimeoutMs?: number;
  /** --max-rtt-timeout, ms. */
  maxTimeoutMs?: number;
  /** --max-retries: retransmissions a port may get at most (nmap: 10). */
  maxRetries?: number;
  /** --scan-delay, ms: at least this long between probes. */
  scanDelayMs?: number;
}

/** The values a scan runs with. */
export interface Timing {
  initialMs: number;
  minMs: number;
  maxMs: number;
  maxRetries: number;
  scanDelayMs: number;
  /** How far nmap lets the scan delay grow when it sees probes dropped (TCP; UDP scans 1 s). */
  maxTcpScanDelayMs: number;
  maxUdpScanDelayMs: number;
  /** Probes in flight at most (T0-T2: 1), or undefined for the scan's own window. */
  maxParallelism?: number;
}

class RttTimeouts {
  constructor(
    public min = 100,
    public initial = 1000,
    public max = 10_000,
  ) {}
  // NmapOps::setMinRttTimeout / setInitialRttTimeout / setMaxRttTimeout
  setMin(ms: number): void {
    this.min = ms;
    if (ms > this.max) this.max = ms;
    if (ms > this.initial) this.initial = ms;
  }
  setInitial(ms: number): void {
    this.initial = ms;
    if (ms > this.max) this.max = ms;
    if (ms < this.min) this.min = ms;
  }
  setMax(ms: number): void {
    this.max = ms;
    if (ms < this.min) this.min = ms;
    if (ms < this.initial) this.initial = ms;
  }
}

/** The template's values, then the explicit options over them (applied min, then max, then initial; each moves the others as NmapOps does). */
export function resolveTiming(o: TimingOptions): Timing {
  const t = o.timing ?? 3;
  if (![0, 1, 2, 3, 4, 5].includes(t)) throw new UsageError(`timing template must be 0-5 (nmap -T0..-T5), got ${String(t)}`);
  const rtt = new RttTimeouts();
  let maxRetries = 10;
  let scanDelayMs = 0;
  let maxTcpScanDelayMs = 1000;
  let maxParallelism: number | undefined;
  if (t === 0) {
    maxParallelism = 1;
    scanDelayMs = 300_000;
    rtt.setInitial(300_000);
  } else if (t === 1) {
    maxParallelism = 1;
    scanDelayMs = 15_000;
    rtt.setInitial(15_000);
  } else if (t === 2) {
    maxParallelism = 1;
    scanDelayMs = 400;
  } else if (t === 4) {
    rtt.setMin(100);
    rtt.setMax(1250);
    rtt.setInitial(500);
    maxRetries = 6;
    maxTcpScanDelayMs = 10;
  } else if (t === 5) {
    rtt.setMin(50);
    rtt.setMax(300);
    rtt.setInitial(250);
    maxRetries = 2;
    maxTcpScanDelayMs = 5;
  }
  const positive = (v: number | undefined, what: string, zeroOk = false) => {
    if (v === undefined) return undefined;
    if (!Number.isFinite(v) || v < 0 || (!zeroOk && v === 0))
      throw new UsageError(`${what} must be ${zeroOk ? 'at least 0' : 'greater than 0'}, got ${v}`);
    return v;
  };
  const min = positive(o.minTimeoutMs, '--min-rtt-timeout', true);
  const max = positive(o.maxTimeoutMs, '--max-rtt-timeout');
  const initial = positive(o.initialTimeoutMs, '--initial-rtt-timeout');
  if (min !== undefined) rtt.setMin(min);
  if (max !== undefined) rtt.setMax(max);
  if (initial !== undefined) rtt.setInitial(initial);
  if (o.maxRetries !== undefined) {
    if (!Number.isInteger(o.maxRetries) || o.maxRetries < 0 || o.maxRetries > 50)
      throw new UsageError(`--max-retries must be a whole number from 0 to 50, got ${o.maxRetries}`);
    maxRetries = o.maxRetries;
  }
  const delay = positive(o.scanDelayMs, '--scan-delay', true);
  if (delay !== undefined) {
    scanDelayMs = delay;
    // nmap: "--scan-delay larger than --max-scan-delay" raises the max along
    if (delay > maxTcpScanDelayMs) maxTcpScanDelayMs = delay;
  }
  return {
    initialMs: rtt.initial,
    minMs: rtt.min,
    maxMs: rtt.max,
    maxRetries,
    scanDelayMs,
    maxTcpScanDelayMs,
    maxUdpScanDelayMs: Math.max(1000, scanDelayMs),
    ...(maxParallelism ? { maxParallelism } : {}),
  };
}

/**
 * nmap's time values: a number with an optional unit `ms`, `s`, `m` or `h`; a bare number is
 * seconds (`--host-timeout 30`, `--initial-rtt-timeout 250ms`). Returns ms, or undefined.
 */
export function parseNmapTime(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m) return undefined;
  const mult = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * mult;
}

/** `-T` as nmap takes it: a digit 0-5 or the template's name. */
export function parseTemplate(text: string): TimingTemplate | undefined {
  const s = text.trim().toLowerCase();
  if (/^[0-5]$/.test(s)) return Number(s) as TimingTemplate;
  const i = TEMPLATE_NAMES.indexOf(s as (typeof TEMPLATE_NAMES)[number]);
  return i >= 0 ? (i as TimingTemplate) : undefined;
}
