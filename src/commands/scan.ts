/**
 * `wirelab scan TARGET -p PORTS [--connect|--syn|--udp] [--reason] [--json] [--allow-target CIDR...]
 *  [--threads N] [--portable] [-T0..-T5] [--initial-rtt-timeout T] [--min-rtt-timeout T]
 *  [--max-rtt-timeout T] [--max-retries N] [--scan-delay T]`: (times as nmap takes them: `250ms`,
 *  `1s`, `2m`; a bare number is seconds)
 * a TCP port scan laid out like nmap's normal output (or the JSON scan result).
 * Exit codes: 0 scanned; 2 bad ports/target or a target outside loopback and the allow-list;
 * 3 raw sockets not permitted (--syn without root/CAP_NET_RAW).
 */
import type { Command } from 'commander';
import { withExit } from './exit.js';
import { ExitCode, UsageError } from '../errors.js';
import { formatNmap } from '../probes/format-nmap.js';
import { scan } from '../probes/ops.js';
import { HostContext } from '../hosts/context.js';
import type { ScanResult } from '../probes/scan-types.js';
import { parseAllowTargets } from '../probes/target.js';
import { parseNmapTime, parseTemplate, type TimingOptions } from '../probes/timing.js';

interface ScanCliOptions {
  ports: string;
  connect?: boolean;
  syn?: boolean;
  udp?: boolean;
  json?: boolean;
  reason?: boolean;
  allowTarget?: string[];
  threads?: string;
  portable?: boolean;
  timing?: string;
  initialRttTimeout?: string;
  minRttTimeout?: string;
  maxRttTimeout?: string;
  maxRetries?: string;
  scanDelay?: string;
}

/** nmap's timing flags as scan options; a malformed value is a usage error naming the flag. */
export function timingFlags(opts: ScanCliOptions): TimingOptions {
  const t: TimingOptions = {};
  if (opts.timing !== undefined) {
    const v = parseTemplate(opts.timing);
    if (v === undefined)
      throw new UsageError(
        `-T wants a template 0-5 or its name (paranoid, sneaky, polite, normal, aggressive, insane), not "${opts.timing}"`,
      );
    t.timing = v;
  }
  const time = (v: string | undefined, flag: string, zeroOk: boolean) => {
    if (v === undefined) return undefined;
    const ms = parseNmapTime(v);
    if (ms === undefined || (!zeroOk && ms === 0))
      throw new UsageError(`--${flag} wants a time such as 250ms, 1s or 2m (a bare number is seconds), not "${v}"`);
    return ms;
  };
  const set = <K extends keyof TimingOptions>(k: K, v: TimingOptions[K] | undefined) => {
    if (v !== undefined) t[k] = v;
  };
  set('initialTimeoutMs', time(opts.initialRttTimeout, 'initial-rtt-timeout', false));
  set('minTimeoutMs', time(opts.minRttTimeout, 'min-rtt-timeout', true));
  set('maxTimeoutMs', time(opts.maxRttTimeout, 'max-rtt-timeout', false));
  set('scanDelayMs', time(opts.scanDelay, 'scan-delay', true));
  if (opts.maxRetries !== undefined) {
    const n = Number(opts.maxRetries);
    if (!/^\d+$/.test(opts.maxRetries.trim()) || n > 50)
      throw new UsageError(`--max-retries wants a whole number from 0 to 50, not "${opts.maxRetries}"`);
    t.maxRetries = n;
  }
  return t;
}

/** What the command prints for a result: nmap's layout (the one a report's scan listing shows), or JSON. */
export function scanOutput(result: ScanResult, opts: Pick<ScanCliOptions, 'json' | 'reason'>): string {
  return opts.json ? JSON.stringify(result) + '\n' : formatNmap(result, { reason: opts.reason === true });
}

/** Runs the command; returns the exit code. */
export async function runScan(target: string, opts: ScanCliOptions): Promise<number> {
  const allow = parseAllowTargets(opts.allowTarget);
  if ([opts.connect, opts.syn, opts.udp].filter(Boolean).length > 1) throw new UsageError('choose one of --connect, --syn and --udp');
  const method = opts.syn ? 'syn' : opts.udp ? 'udp' : 'connect';
  let threads: number | undefined;
  if (opts.threads !== undefined) {
    threads = Number(opts.threads);
    if (!Number.isInteger(threads) || threads < 1 || threads > 8)
      throw new UsageError(`--threads wants a whole number from 1 to 8, not "${opts.threads}"`);
  }
  const timing = timingFlags(opts);
  const ctx = new HostContext('local', process.cwd());
  const result = await scan({ target, ports: opts.ports, method, allow, threads, portable: opts.portable === true, ...timing }, ctx);
  process.stdout.write(scanOutput(result, opts));
  return ExitCode.ok;
}

export function register(program: Command): void {
  program
    .command('scan')
    .description('port scan (TCP connect or SYN, or UDP) of an IP address, output like nmap')
    .argument('<target>', 'IP address: loopback, or inside an --allow-target subnet')
    .requiredOption('-p, --ports <spec>', 'ports: 50000-50009, 22,80,443, - (all)')
    .option('--connect', 'connect scan, like nmap -sT (default)')
    .option('--syn', 'SYN scan over raw sockets, like nmap -sS (needs root or CAP_NET_RAW)')
    .option('--udp', "UDP scan with nmap's payloads, like nmap -sU (open, closed, filtered, open|filtered)")
    .option('--reason', "add nmap's REASON column")
    .option('--json', 'print the scan result as JSON')
    .option('--allow-target <cidr...>', 'subnets besides loopback that may be scanned')
    .option('--threads <n>', 'threads that send probes (default: connect scan one per core up to 4, SYN scan 1)')
    .option('-T, --timing <0-5>', "nmap's timing template: 0 paranoid, 1 sneaky, 2 polite, 3 normal (default), 4 aggressive, 5 insane")
    .option('--initial-rtt-timeout <time>', 'how long a probe waits before any round trip was measured (nmap default 1s)')
    .option('--min-rtt-timeout <time>', 'floor of the adaptive timeout (default 100ms)')
    .option('--max-rtt-timeout <time>', 'ceiling of the adaptive timeout (default 10s)')
    .option('--max-retries <n>', 'retransmissions a port may get at most (default 10)')
    .option('--scan-delay <time>', 'at least this long between probes')
    .option('--portable', 'use the portable scanner (raw-socket, Node TCP handles) even where the native one is built')
    .action(withExit(async (target: string, opts: ScanCliOptions) => runScan(target, opts)));
}
