/**
 * DNS host operations: `dnsServe` starts the authoritative fixture on this host (tracked in the
 * host context, so it stops with the host), `dnsTransactions` reads what it served (for the run
 * record), `resolve` runs the stub resolver from this host.
 */
import { execFileSync } from 'node:child_process';
import { isIPv4 } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { HostContext, HostOp } from '../hosts/context.js';
import { checkTarget } from '../probes/target.js';
import { parseServer, resolveName, type ResolveArgs, type ResolveResult } from './client.js';
import type { ServedTransaction } from './respond.js';
import { startDnsServer, type DnsServer } from './server.js';
import type { ZoneSpec } from './zone.js';

export interface DnsServeArgs {
  /** One zone or several. */
  zone?: ZoneSpec;
  zones?: ZoneSpec[];
  /**
   * Address(es) to listen on. Default: 127.0.0.1 without a namespace; inside one, every address
   * of the host. `0.0.0.0` means every IPv4 address of the host, `::` every address.
   */
  address?: string | string[];
  port?: number;
}

/**
 * Every address of this host (inside a namespace agent: the namespace's) except link-local
 * ones, from `ip -j addr` (node's networkInterfaces() omits interfaces whose carrier is not up yet).
 * The host's own (global) addresses come first and loopback last, so the first one, which the
 * record reports and other hosts are pointed at, is an address the host is reached at.
 */
function hostAddresses(): string[] {
  const global = new Set<string>();
  const loopback = new Set<string>();
  try {
    const links = JSON.parse(execFileSync('ip', ['-j', 'addr', 'show'], { encoding: 'utf8', timeout: 5000 })) as {
      addr_info?: { local?: string; scope?: string }[];
    }[];
    for (const l of links)
      for (const a of l.addr_info ?? []) if (a.local && a.scope !== 'link') (a.scope === 'host' ? loopback : global).add(a.local);
  } catch {
    for (const list of Object.values(networkInterfaces()))
      for (const a of list ?? []) if (!a.address.startsWith('fe80:')) (a.internal ? loopback : global).add(a.address);
  }
  const out = [...global, ...loopback];
  return out.length ? out : ['127.0.0.1'];
}

export const dnsServe: HostOp<DnsServeArgs, { id: string; address: string; addresses: string[]; port: number }> = async (
  args,
  ctx: HostContext,
) => {
  const zones = [...(args.zone ? [args.zone] : []), ...(args.zones ?? [])];
  // a wildcard would answer from whichever source address routing picks, so dig and the lab's
  // resolvers would reject replies of a host with several addresses: bind each address instead
  const wanted = [args.address ?? (ctx.netns ? '::' : '127.0.0.1')].flat();
  const address = wanted.flatMap((a) => (a === '::' ? hostAddresses() : a === '0.0.0.0' ? hostAddresses().filter((x) => isIPv4(x)) : [a]));
  const server = await startDnsServer({ zones, address, port: args.port ?? 0 });
  const id = ctx.track('dns-server', server);
  return { id, address: server.address, addresses: server.addresses, port: server.port };
};

export const dnsTransactions: HostOp<{ id: string }, { transactions: ServedTransaction[]; dropped: number }> = async ({ id }, ctx) => {
  const server = ctx.get<DnsServer>(id, 'dns-server');
  return { transactions: server.transactions, dropped: server.dropped };
};

/**
 * Resolves from this host. The server must be loopback or inside `allow` (the topology passes
 * its subnets), checked before any packet is sent, as for scans and traces.
 */
export const resolve: HostOp<ResolveArgs & { allow?: string[] }, ResolveResult> = async ({ allow, ...args }) => {
  checkTarget(parseServer(args.server, args.port).address, allow ?? []);
  return resolveName(args);
};

export const dnsOps = { dnsServe, dnsTransactions, resolve } satisfies Record<string, HostOp>;
