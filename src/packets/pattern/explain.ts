/**
 * Why a packet does not match a pattern line: the parts of the line it fails, in words, so a
 * failure report can say "No. 5 has [ACK], expected [PSH, ACK]" instead of just "no match".
 */
import type { DecodedPacket } from '../types.js';
import type { PacketSpec } from './types.js';
import { numField, packetMatches, type EndpointResolver } from './pred.js';

const probe = (p: DecodedPacket, key: string): number | undefined => numField(p, key);

/** Each failing part of `spec` for packet `p` (empty when it matches). */
export function mismatches(p: DecodedPacket, spec: PacketSpec, r: EndpointResolver): string[] {
  const out: string[] = [];
  const only = (part: Partial<PacketSpec>): boolean => packetMatches(p, { conds: [], ...part }, r);
  if (spec.proto && !only({ proto: spec.proto })) out.push(`protocol ${p.protocol}, expected ${spec.proto.toUpperCase()}`);
  if ((spec.src || spec.dst) && !only({ src: spec.src, dst: spec.dst, either: spec.either })) {
    out.push(
      `${p.source} → ${p.destination} (ports ${p.tcp?.srcPort ?? p.udp?.srcPort ?? '-'} → ${p.tcp?.dstPort ?? p.udp?.dstPort ?? '-'}), other endpoints expected`,
    );
  }
  if (spec.flags && p.tcp && !only({ flags: spec.flags })) {
    const want = `[${spec.flags.names.join(', ')}${spec.flags.atLeast ? ', *' : ''}]`;
    out.push(`flags [${p.tcp.flags.join(', ')}], expected ${want}`);
  }
  if (spec.dns && !only({ proto: 'dns', dns: spec.dns })) out.push('DNS question/answer differs');
  if (spec.icmp && !only({ icmp: spec.icmp }))
    out.push(`ICMP type ${p.icmp?.type ?? '-'} code ${p.icmp?.code ?? '-'}, expected ${spec.icmp.word}`);
  for (const c of spec.conds) {
    if (only({ conds: [c] })) continue;
    if ('value' in c) {
      const actual = probe(p, c.key);
      out.push(`${actual === undefined ? `no ${c.key}` : `${c.key}=${actual}`}, expected ${c.key}${c.op}${c.value}`);
    } else {
      const what = c.regex ? `match ${String(c.regex)}` : `${c.op === '==' ? 'equal' : 'contain'} ${JSON.stringify(c.text)}`;
      out.push(`${c.key === 'data' ? 'payload' : 'Info'} does ${c.op === '!=' ? '' : 'not '}${what}`);
    }
  }
  return out;
}

/**
 * The packet among `candidates` (indices, in order) that comes closest to `spec`: fewest failing
 * parts, earliest on ties. Undefined when there are no candidates.
 */
export function closest(
  packets: readonly DecodedPacket[],
  candidates: number[],
  spec: PacketSpec,
  r: EndpointResolver,
): { index: number; reasons: string[] } | undefined {
  let best: { index: number; reasons: string[] } | undefined;
  for (const i of candidates) {
    const reasons = mismatches(packets[i], spec, r);
    if (!best || reasons.length < best.reasons.length) best = { index: i, reasons };
    if (reasons.length <= 1) break;
  }
  return best;
}
