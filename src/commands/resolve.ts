/**
 * `wirelab resolve NAME [--type A,AAAA,...] [--server IP[:PORT]] [--search D1,D2] [--ndots N]
 * [--timeout S] [--tries N] [--tcp] [--walk all-types|first-type] [--first-id N] [--json]
 * [--allow-target CIDR...]`: a stub-resolver lookup printed like nslookup (or as JSON with every
 * transaction). The system resolver is never used: without --server the nameserver comes from
 * the file in WIRELAB_RESOLV_CONF, or the command refuses (exit 2).
 * Exit codes: 0 an answer (NOERROR), 1 the name was not found or the server failed, 2 bad input.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { withExit } from './exit.js';
import { ExitCode, UsageError } from '../errors.js';
import { HostContext } from '../hosts/context.js';
import { QUERY_TYPES, type QueryType } from '../dns/client.js';
import { formatNslookup, type NslookupInput } from '../dns/format.js';
import { resolve } from '../dns/ops.js';
import { parseResolvConf } from '../dns/resolv-conf.js';
import { parseAllowTargets } from '../probes/target.js';

interface ResolveCliOptions {
  type?: string;
  server?: string;
  search?: string;
  ndots?: string;
  timeout: string;
  tries: string;
  tcp?: boolean;
  walk: string;
  firstId?: string;
  json?: boolean;
  allowTarget?: string[];
}

function int(text: string, what: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${what} needs a whole number from ${min} to ${max}, got "${text}"`);
  return n;
}

/** Where the server, search list and ndots come from: the flags, else WIRELAB_RESOLV_CONF. */
function settings(opts: ResolveCliOptions): { server: string; search: string[]; ndots: number } {
  const list = (s?: string) =>
    (s ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  const file = process.env.WIRELAB_RESOLV_CONF;
  let conf = { nameservers: [] as string[], search: [] as string[], ndots: 1 };
  if (!opts.server || opts.search === undefined || opts.ndots === undefined) {
    if (file) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw new UsageError(`WIRELAB_RESOLV_CONF=${file} cannot be read: ${(e as Error).message}`);
      }
      conf = parseResolvConf(text);
    } else if (!opts.server) {
      throw new UsageError(
        'no DNS server given: pass --server IP[:PORT] (e.g. a `serve: dns` fixture), or set WIRELAB_RESOLV_CONF to a resolv.conf file.\n' +
          '  wirelab never asks the system resolver: /etc/resolv.conf on lab machines points at a server outside the lab.',
      );
    }
  }
  const server = opts.server ?? conf.nameservers[0];
  if (!server) throw new UsageError(`WIRELAB_RESOLV_CONF=${file} has no nameserver line; pass --server IP[:PORT]`);
  return {
    server,
    search: opts.search !== undefined ? list(opts.search) : conf.search,
    ndots: opts.ndots !== undefined ? int(opts.ndots, 'ndots', 0, 15) : conf.ndots,
  };
}

/** What the command prints for a result: nslookup's layout (the one a report's lookup listing shows), or JSON. `defaultTypes`: no --type was given. */
export function resolveOutput(result: NslookupInput, opts: { json?: boolean; defaultTypes: boolean }): string {
  return opts.json ? JSON.stringify(result, null, 2) + '\n' : formatNslookup(result, opts.defaultTypes);
}

/** Runs the command; returns the exit code. */
export async function runResolve(name: string, opts: ResolveCliOptions): Promise<number> {
  const allow = parseAllowTargets(opts.allowTarget);
  const types = (opts.type ?? '')
    .split(',')
    .map((t) => t.trim().toUpperCase())
    .filter(Boolean);
  for (const t of types)
    if (!QUERY_TYPES.includes(t as QueryType)) throw new UsageError(`--type: unknown record type "${t}" (use ${QUERY_TYPES.join(', ')})`);
  if (!['all-types', 'first-type'].includes(opts.walk)) throw new UsageError(`--walk must be all-types or first-type, got "${opts.walk}"`);
  const { server, search, ndots } = settings(opts);
  const ctx = new HostContext('local', process.cwd());
  const result = await resolve(
    {
      name,
      types: types as QueryType[],
      server,
      search,
      ndots,
      timeoutMs: Number(opts.timeout) * 1000 || 2000,
      attempts: int(opts.tries, 'tries', 1, 10),
      tcp: !!opts.tcp,
      walk: opts.walk as 'all-types' | 'first-type',
      ...(opts.firstId !== undefined ? { firstId: int(opts.firstId, 'first-id', 0, 65535) } : {}),
      allow,
    },
    ctx,
  );
  process.stdout.write(resolveOutput(result, { json: opts.json, defaultTypes: types.length === 0 }));
  return result.rcode === 'NOERROR' ? ExitCode.ok : ExitCode.checksFailed;
}

export function register(program: Command): void {
  program
    .command('resolve')
    .description('look a name up like nslookup, with a search list, against a DNS server you name (never the system resolver)')
    .argument('<name>', 'a domain name (a trailing dot: no search list) or an IP address (reverse lookup)')
    .option('-t, --type <types>', 'record types in order, comma-separated (default A,AAAA like nslookup): ' + QUERY_TYPES.join(', '))
    .option('-s, --server <ip[:port]>', 'the DNS server: IPv4[:PORT] or [IPv6]:PORT; loopback or inside --allow-target')
    .option('--search <domains>', 'search list, comma-separated (like resolv.conf "search")')
    .option('--ndots <n>', 'names with fewer dots try the search list first (default 1)')
    .option('--timeout <seconds>', 'wait per try', '2')
    .option('--tries <n>', 'UDP tries per question', '2')
    .option('--tcp', 'ask over TCP only')
    .option(
      '--walk <how>',
      'all-types: every type for each search candidate (Windows nslookup, the seed lab); first-type: like Linux nslookup',
      'all-types',
    )
    .option('--first-id <n>', 'id of the first query, then +1 per question (default random)')
    .option('--json', 'print the result with every transaction as JSON')
    .option('--allow-target <cidr...>', 'subnets besides loopback where the server may be')
    .action(withExit(async (name: string, opts: ResolveCliOptions) => runResolve(name, opts)));
}
