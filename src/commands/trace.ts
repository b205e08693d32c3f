/**
 * `wirelab trace TARGET [--probe udp|icmp|tcp] [-m|--max-hops N] [-w|--wait MAX,HERE,NEAR] [-q|--queries N] [-N|--sim-queries N]
 * [--port N] [--style traceroute|tracert] [--json] [--allow-target CIDR...] [--portable]`: traceroute,
 * printed like Linux `traceroute -n` (or Windows tracert). Exit codes: 0 traced (whether or
 * not the destination answered); 2 bad input or refused target; 3 raw sockets not permitted.
 */
import type { Command } from 'commander';
import { withExit } from './exit.js';
import { ExitCode, UsageError } from '../errors.js';
import { HostContext } from '../hosts/context.js';
import { formatTraceroute, formatTracert } from '../probes/format-trace.js';
import { trace } from '../probes/ops.js';
import { parseWait, type TraceProbe, type TraceResult } from '../probes/trace.js';
import { parseAllowTargets } from '../probes/target.js';

interface TraceCliOptions {
  probe: string;
  maxHops: string;
  wait: string;
  queries: string;
  simQueries: string;
  port?: string;
  style: string;
  json?: boolean;
  allowTarget?: string[];
  portable?: boolean;
}

function num(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${what} needs a positive number, got "${text}"`);
  return n;
}

/** What the command prints for a result: traceroute's layout (the one a report's route listing shows), tracert's, or JSON. */
export function traceOutput(result: TraceResult, opts: Pick<TraceCliOptions, 'json' | 'style'>): string {
  return opts.json ? JSON.stringify(result) + '\n' : opts.style === 'tracert' ? formatTracert(result) : formatTraceroute(result);
}

/** Runs the command; returns the exit code. */
export async function runTrace(target: string, opts: TraceCliOptions): Promise<number> {
  const allow = parseAllowTargets(opts.allowTarget);
  if (!['traceroute', 'tracert'].includes(opts.style)) throw new UsageError(`--style must be traceroute or tracert, got "${opts.style}"`);
  const wait = parseWait(opts.wait);
  if (!wait)
    throw new UsageError(`--wait wants MAX[,HERE,NEAR] as traceroute takes it (seconds, then factors: 5,3,10), got "${opts.wait}"`);
  const ctx = new HostContext('local', process.cwd());
  const result = await trace(
    {
      target,
      probe: opts.probe as TraceProbe,
      maxHops: Math.floor(num(opts.maxHops, 'max-hops')),
      ...wait,
      queries: Math.floor(num(opts.queries, 'queries')),
      parallel: Math.floor(num(opts.simQueries, 'sim-queries')),
      ...(opts.port ? { port: Math.floor(num(opts.port, 'port')) } : {}),
      allow,
      portable: opts.portable === true,
    },
    ctx,
  );
  process.stdout.write(traceOutput(result, opts));
  return ExitCode.ok;
}

export function register(program: Command): void {
  program
    .command('trace')
    .description('traceroute to an IP address with UDP, ICMP or TCP SYN probes')
    .argument('<target>', 'IP address: loopback, or inside an --allow-target subnet')
    .option('--probe <kind>', 'udp (like traceroute), icmp (traceroute -I, tracert), tcp (traceroute -T)', 'udp')
    .option('-m, --max-hops <n>', 'largest TTL to try', '30')
    .option(
      '-w, --wait <max,here,near>',
      "traceroute's wait: at most MAX s; HERE x the RTT of an answer from the same hop, NEAR x one from a later hop (MAX alone: no shortening)",
      '5,3,10',
    )
    .option('-q, --queries <n>', 'probes per hop', '3')
    .option('-N, --sim-queries <n>', 'probes outstanding at once', '16')
    .option('--port <n>', 'UDP: first destination port (33434); TCP: destination port (80)')
    .option('--style <style>', 'output like traceroute or tracert', 'traceroute')
    .option('--json', 'print the trace result as JSON')
    .option('--allow-target <cidr...>', 'subnets besides loopback that may be traced')
    .option('--portable', 'use the portable tracer (raw-socket, dgram; times from the event loop) even where the native one is built')
    .action(withExit(async (target: string, opts: TraceCliOptions) => runTrace(target, opts)));
}
