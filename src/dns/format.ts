/**
 * Prints a resolution like BIND's nslookup on Linux: the Server/Address header, then each
 * final reply: "Non-authoritative answer:" for a reply without AA, Name/Address lines for A and
 * AAAA, "canonical name =", "mail exchanger =", "text =", "nameserver =", "name =" lines, the
 * SOA block, "** server can't find NAME: RCODE" and "*** Can't find NAME: No answer".
 */
import { ipFamily } from '../util/ip.js';
import type { DnsTransaction, ResolveResult } from './client.js';
import type { RecordJson } from './rdata.js';

function recordLines(r: RecordJson): string {
  switch (r.type) {
    case 'A':
    case 'AAAA':
      return `Name:\t${r.name}\nAddress: ${r.data}`;
    case 'CNAME':
      return `${r.name}\tcanonical name = ${r.data}.`;
    case 'MX':
      return `${r.name}\tmail exchanger = ${r.data}.`;
    case 'NS':
      return `${r.name}\tnameserver = ${r.data}.`;
    case 'PTR':
      return `${r.name}\tname = ${r.data}.`;
    case 'TXT':
      return `${r.name}\ttext = "${r.data.replace(/["\\]/g, '\\$&')}"`;
    case 'SOA': {
      const [mname, rname, serial, refresh, retry, expire, minimum] = r.data.split(' ');
      return `${r.name}\n\torigin = ${mname}\n\tmail addr = ${rname}\n\tserial = ${serial}\n\trefresh = ${refresh}\n\tretry = ${retry}\n\texpire = ${expire}\n\tminimum = ${minimum}`;
    }
    default:
      return `${r.name}\t${r.type} = ${r.data}`;
  }
}

/** What the layout reads of a resolution (a ResolveResult, or a run record's resolve probe). */
export type NslookupInput = Pick<ResolveResult, 'query' | 'server' | 'name' | 'transactions'>;

/** The final replies: those for the name that ended the walk, last reply per question. */
function finalReplies(result: NslookupInput): DnsTransaction[] {
  const byType = new Map<string, DnsTransaction>();
  for (const t of result.transactions) if (t.question.name === result.name) byType.set(t.question.type, t);
  return [...byType.values()];
}

/**
 * nslookup-style text. `defaultTypes`: the types were not chosen (A then AAAA), so, as nslookup
 * does, one "No answer" line covers both and an error is printed once.
 */
export function formatNslookup(result: NslookupInput, defaultTypes: boolean): string {
  const { address, port } = result.server;
  // nslookup 9.18 prints no Server/Address header for a reverse lookup of an address
  const out: string[] = ipFamily(result.query) ? [] : [`Server:\t\t${address}`, `Address:\t${address}#${port}`, ''];
  const printed = new Set<string>();
  let anyAnswer = false;
  const replies = finalReplies(result);
  for (const tx of replies) {
    if (tx.rcode === null) {
      out.push(
        tx.error?.startsWith('timeout')
          ? ';; connection timed out; no servers could be reached'
          : `;; communications error to ${address}#${port}: ${tx.error}`,
      );
      break;
    }
    if (tx.rcode !== 'NOERROR') {
      out.push(`** server can't find ${tx.question.name}: ${tx.rcode}`);
      if (defaultTypes) break;
      continue;
    }
    // as BIND's nslookup: said for each non-AA reply, but in the A+AAAA default only for the A one
    if (!tx.aa && (!defaultTypes || tx.question.type === 'A')) out.push('Non-authoritative answer:');
    for (const r of tx.answers) {
      const line = recordLines(r);
      if (r.type === 'CNAME' && printed.has(line)) continue;
      printed.add(line);
      out.push(line);
      anyAnswer = true;
    }
    if (tx.answers.length === 0 && !defaultTypes) out.push(`*** Can't find ${tx.question.name}: No answer`);
  }
  if (defaultTypes && !anyAnswer && replies.length > 0 && replies.every((t) => t.rcode === 'NOERROR'))
    out.push(`*** Can't find ${result.name}: No answer`);
  out.push('');
  return out.join('\n') + '\n';
}
