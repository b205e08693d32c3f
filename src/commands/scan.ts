/**
 * `wirelab scan TARGET -p PORTS [--connect|--syn|--udp] [--reason] [--json] [--allow-target CIDR...]
 *  [--threads N] [--portable]`:
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
}

/** Runs the command; returns the exit code. */
export async function runScan(target: string, opts: ScanCliOptions): Promise<number> {
  if ([opts.connect, opts.syn, opts.udp].filter(Boolean).length > 1) throw new UsageError('choose one of --connect, --syn and --udp');
  const method = opts.syn ? 'syn' : opts.udp ? 'udp' : 'connect';
  let threads: number | undefined;
  if (opts.threads !== undefined) {
    threads = Number(opts.threads);
    if (!Number.isInteger(threads) || threads < 1 || threads > 8) throw new UsageError(`--threads wants a whole number from 1 to 8, not "${opts.threads}"`);
  }
  const ctx = new HostContext('local', process.cwd());
  const result = await scan(
    { target, ports: opts.ports, method, allow: opts.allowTarget ?? [], threads, portable: opts.portable === true },
    ctx,
  );
  process.stdout.write(opts.json ? JSON.stringify(result) + '\n' : formatNmap(result, { reason: opts.reason === true }));
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
    .option('--portable', 'use the portable scanner (raw-socket, Node TCP handles) even where the native one is built')
    .action(withExit(async (target: string, opts: ScanCliOptions) => runScan(target, opts)));
}
