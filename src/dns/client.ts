/**
 * wirelab's stub resolver. Never the system resolver: the server is always given. Applies the
 * search list (search.ts), asks each candidate name every requested type in order, and ends
 * the walk at the first candidate for which some answer is not NXDOMAIN (NOERROR with or
 * without data, or an error), as nslookup does; UDP with retries, TCP when the reply is
 * truncated. Every message exchanged is returned as a transaction.
 */
import type { DnsTransaction, ResolveProbe } from '../generated/run-record.js';
import { randomInt } from 'node:crypto';
import * as dnsPacket from 'dns-packet';
import type { DecodedPacket, RecordType } from 'dns-packet';
import { ipFamily } from '../util/ip.js';
import { UsageError } from '../errors.js';
import { reverseName } from './names.js';
import { answerJson } from './rdata.js';
import { searchCandidates } from './search.js';
import { exchangeTcp, UdpChannel, type Endpoint } from './transport.js';

export const QUERY_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'PTR', 'SOA', 'TXT', 'SRV', 'ANY'] as const;
export type QueryType = (typeof QUERY_TYPES)[number];

export interface ResolveArgs {
  /** A name, or an IP address (then a PTR query of its reverse name, no search list). */
  name: string;
  /** Types asked for each candidate name, in order (default A then AAAA, like nslookup). */
  types?: QueryType[];
  /** The server: "IP", "IP:PORT", "[IPv6]:PORT". */
  server: string;
  /** Port when `server` has none (default 53). */
  port?: number;
  search?: string[];
  /** resolv.conf's ndots (default 1). */
  ndots?: number;
  /** Per attempt, ms (default 2000). */
  timeoutMs?: number;
  /** UDP attempts per question (default 2). */
  attempts?: number;
  /** Ask over TCP only. */
  tcp?: boolean;
  /** The RD flag (default true, as stub resolvers send). */
  recurse?: boolean;
  /**
   * How the search list is walked. `all-types` (default; Windows nslookup, as in the seed lab):
   * every type for each candidate. `first-type` (BIND's nslookup on Linux): the walk asks only
   * the first type, then the other types for the name it found.
   */
  walk?: 'all-types' | 'first-type';
  /** Id of the first query, then +1 per question (default: random), for deterministic tests. */
  firstId?: number;
}

/** One message sent and what came back: the run record's type (schemas/run.schema.json). */
export type { DnsTransaction } from '../generated/run-record.js';

/**
 * A lookup (the run record's resolve probe without its `kind` and the step's `defaultTypes`):
 * the names tried in search-list order, the one that ended the walk, its rcode (NOERROR if any
 * type answered NOERROR, else the first rcode, or TIMEOUT/ERROR), every transaction.
 */
export type ResolveResult = Omit<ResolveProbe, 'kind' | 'defaultTypes'>;

/** Parses "IP", "IP:PORT", "[IPv6]:PORT" (a bare IPv6 address has no port). */
export function parseServer(server: string, port = 53): Endpoint {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(server);
  if (m) return { address: m[1], port: m[2] ? Number(m[2]) : port };
  if (ipFamily(server)) return { address: server, port };
  const i = server.lastIndexOf(':');
  const ep = { address: server.slice(0, i), port: Number(server.slice(i + 1)) };
  if (i < 0 || ipFamily(ep.address) !== 4 || !Number.isInteger(ep.port) || ep.port < 1 || ep.port > 65535)
    throw new UsageError(`DNS server must be an IP address with an optional port (IP:PORT, [IPv6]:PORT), got "${server}"`);
  return ep;
}

const endpointText = (e: Endpoint) => `${e.address}#${e.port}`;

async function ask(
  udp: UdpChannel | undefined,
  server: Endpoint,
  name: string,
  type: QueryType,
  id: number,
  a: Required<Pick<ResolveArgs, 'timeoutMs' | 'attempts' | 'recurse'>>,
  out: DnsTransaction[],
): Promise<DnsTransaction> {
  const query = dnsPacket.encode({
    type: 'query',
    id,
    flags: a.recurse ? dnsPacket.RECURSION_DESIRED : 0,
    questions: [{ name, type: type as RecordType, class: 'IN' }],
  });
  const record = (transport: 'udp' | 'tcp', t0: number, r: { message?: Buffer; error?: string }): DnsTransaction => {
    const tx: DnsTransaction = {
      question: { name, type },
      server: endpointText(server),
      transport,
      id,
      rcode: null,
      aa: false,
      tc: false,
      answers: [],
      authority: [],
      additional: [],
      elapsedMs: performance.now() - t0,
    };
    if (r.error) tx.error = r.error;
    if (r.message) {
      try {
        const p = dnsPacket.decode(r.message) as DecodedPacket & { rcode?: string };
        Object.assign(tx, {
          rcode: p.rcode ?? 'NOERROR',
          aa: p.flag_aa,
          tc: p.flag_tc,
          answers: (p.answers ?? []).map(answerJson),
          authority: (p.authorities ?? []).map(answerJson),
          additional: (p.additionals ?? []).filter((x) => x.type !== 'OPT').map(answerJson),
        });
      } catch (e) {
        tx.error = `malformed reply: ${(e as Error).message}`;
      }
    }
    out.push(tx);
    return tx;
  };
  let last: DnsTransaction | undefined;
  if (udp) {
    for (let attempt = 0; attempt < a.attempts; attempt++) {
      const t0 = performance.now();
      last = record('udp', t0, await udp.exchange(query, a.timeoutMs));
      if (last.rcode !== null && !last.tc) return last;
      if (last.tc) break;
    }
    if (!last?.tc) return last!;
  }
  const t0 = performance.now();
  return record('tcp', t0, await exchangeTcp(server, query, a.timeoutMs));
}

/** Resolves `args.name` against `args.server`; never throws for DNS outcomes, only for bad input. */
export async function resolveName(args: ResolveArgs): Promise<ResolveResult> {
  const server = parseServer(args.server, args.port);
  const reverse = reverseName(args.name);
  const types = args.types?.length ? args.types : reverse ? (['PTR'] as QueryType[]) : (['A', 'AAAA'] as QueryType[]);
  for (const t of types) if (!QUERY_TYPES.includes(t)) throw new UsageError(`unknown query type ${t} (use ${QUERY_TYPES.join(', ')})`);
  const candidates = reverse ? [reverse] : searchCandidates(args.name, args.search ?? [], args.ndots ?? 1);
  const opts = { timeoutMs: args.timeoutMs ?? 2000, attempts: Math.max(1, args.attempts ?? 2), recurse: args.recurse ?? true };
  let id = args.firstId ?? randomInt(0, 0x10000);
  const transactions: DnsTransaction[] = [];
  const udp = args.tcp ? undefined : new UdpChannel(server);
  let name = candidates[0];
  let finals: DnsTransaction[] = [];
  try {
    for (const cand of candidates) {
      name = cand;
      finals = [];
      for (const type of args.walk === 'first-type' ? types.slice(0, 1) : types) {
        finals.push(await ask(udp, server, cand, type, id, opts, transactions));
        id = (id + 1) & 0xffff;
      }
      if (finals.some((t) => t.rcode !== 'NXDOMAIN')) break;
    }
    if (args.walk === 'first-type' && finals[0]?.rcode === 'NOERROR') {
      for (const type of types.slice(1)) {
        finals.push(await ask(udp, server, name, type, id, opts, transactions));
        id = (id + 1) & 0xffff;
      }
    }
  } finally {
    udp?.close();
  }
  const answers: Record<string, string[]> = {};
  const aliases: [string, string][] = [];
  for (const tx of finals) {
    // follow the CNAME chain from the question name, keeping the records the chain owns
    let owner = tx.question.name;
    const data: string[] = [];
    for (let hop = 0; hop < 16; hop++) {
      const own = tx.answers.filter((r) => r.name === owner);
      data.push(...own.filter((r) => r.type === tx.question.type || tx.question.type === 'ANY').map((r) => r.data));
      const cname = own.find((r) => r.type === 'CNAME');
      if (!cname || tx.question.type === 'CNAME') break;
      if (!aliases.some(([x]) => x === owner)) aliases.push([owner, cname.data]);
      owner = cname.data;
    }
    answers[tx.question.type] = [...(answers[tx.question.type] ?? []), ...data];
  }
  const rcode = finals.some((t) => t.rcode === 'NOERROR')
    ? 'NOERROR'
    : (finals[0]?.rcode ?? (finals[0]?.error?.startsWith('timeout') ? 'TIMEOUT' : 'ERROR'));
  return {
    query: args.name,
    server,
    candidates,
    name,
    rcode,
    authoritative: finals.length > 0 && finals.every((t) => t.aa),
    answers,
    aliases,
    transactions,
  };
}

/**
 * The data a resolution gives for `type`: the answers of that type along the CNAME chain. For
 * CNAME when it was not asked, the targets of the aliases followed: an A answer for an alias
 * holds its CNAME records, as nslookup's "canonical name =" lines show.
 */
export function answerData(result: Pick<ResolveResult, 'answers' | 'aliases'>, type: string): string[] {
  const asked = result.answers[type];
  if (asked !== undefined) return asked;
  return type === 'CNAME' ? result.aliases.map(([, target]) => target) : [];
}
