/**
 * Parser of the expected-packet-sequence language. One line:
 *
 *   line      := gap | quant? [endpoints] body quant?
 *   gap       := "..." ["{" n "," m "}"]               any packets, as few as possible
 *   quant     := "?" | "+" | "*" | "{n}" | "{n,}" | "{n,m}"   (prefix, or last word of the line)
 *   endpoints := endpoint (">" | "<" | "<>") endpoint    "<>" = either direction
 *   endpoint  := ("*" | host | IPv4 | "[" IPv6 "]") [":" (port | "*")]
 *   body      := { protocol | "[" flags "]" | key op value | protocol words }
 *   flags     := FIN SYN RST PSH ACK URG ECE CWR AE, comma separated; a "*" = at least these
 *   key op v  := (len|seq|ack|win|mss|ws|ttl|type|code|id|rcode|mtu) (=|!=|<|<=|>|>=) n
 *                mtu: the next-hop MTU of ICMP "fragmentation needed" / ICMPv6 "packet too big"
 *              | (data|info) (=|==|!=) ("text" | /regex/flags)      "=" contains, "==" exact
 *   DNS words := [query|response] [TYPE] [name] [answer…]        ICMP words: echo-request, time-exceeded…
 *
 * Example: `server > client [SYN, ACK] mss=1452`, `?server > client [ACK]`, `client > dns DNS query A lab.example`.
 * In YAML, a plain line may not start with `*`, `{`, `[` (alias / flow syntax): write the repeat
 * at the end (`client > server [ACK] *`) or quote the line. Comparisons take no blanks (`len>0`).
 */
import { ParseFail, Scanner } from './scan.js';
import { icmpKind, ICMP_WORDS } from './icmp.js';
import type { Cmp, Condition, Endpoint, NumKey, PacketSpec, PatternError, PatternItem } from './types.js';

const FLAGS = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR', 'AE'];
const NUM_KEYS: NumKey[] = ['len', 'seq', 'ack', 'win', 'mss', 'ws', 'ttl', 'type', 'code', 'id', 'rcode', 'mtu'];
const PROTOCOLS = ['tcp', 'udp', 'icmp', 'icmpv6', 'dns', 'arp', 'http'];
const DNS_TYPES = ['A', 'AAAA', 'PTR', 'CNAME', 'MX', 'NS', 'TXT', 'SOA', 'SRV', 'ANY', 'HTTPS'];
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const NAME = /^[A-Za-z_][\w.-]*$/;

/** A repeat (`?`, `+`, `*`, `{n}`, `{n,}`, `{n,m}`) at the scanner, or undefined. */
export function quantifier(s: Scanner): { min: number; max: number } | undefined {
  const ch = s.peek();
  if (ch === '?' || ch === '+' || ch === '*') {
    s.pos++;
    return ch === '?' ? { min: 0, max: 1 } : ch === '+' ? { min: 1, max: Infinity } : { min: 0, max: Infinity };
  }
  if (ch !== '{') return undefined;
  const at = s.pos++;
  const min = s.int('a repeat count');
  let max = min;
  if (s.peek() === ',') {
    s.pos++;
    max = /\d/.test(s.peek()) ? s.int('a maximum count') : Infinity;
  }
  if (s.peek() !== '}') s.fail('expected "}" closing the repeat count', ['}']);
  s.pos++;
  if (max < min) s.fail(`repeat maximum ${max} is below the minimum ${min}`, undefined, at);
  return { min, max };
}

function endpoint(s: Scanner): Endpoint {
  const col = s.pos + 1;
  let e: Endpoint;
  if (s.peek() === '[') {
    const close = s.text.indexOf(']', s.pos);
    if (close < 0) s.fail('expected "]" closing the IPv6 address', [']']);
    e = { addr: s.text.slice(s.pos + 1, close).toLowerCase(), col };
    s.pos = close + 1;
  } else {
    const w = s.word('[],=<>!"/:');
    if (w === '*') e = { col };
    else if (IPV4.test(w)) e = { addr: w, col };
    else if (NAME.test(w)) e = { host: w, col };
    else s.fail(w ? `"${w}" is not a host name or address` : 'expected an endpoint', ['host name', 'IP address', '*'], col - 1);
  }
  if (s.peek() === ':') {
    s.pos++;
    if (s.peek() === '*') s.pos++;
    else {
      const at = s.pos;
      const port = s.int('a port number');
      if (port > 65535) s.fail(`port ${port} is out of range`, ['0-65535'], at);
      e.port = port;
    }
  }
  return e;
}

/** Looks ahead: does the line start with `endpoint > endpoint` (arrow between blanks)? */
function hasEndpoints(s: Scanner): boolean {
  return /^(\[[0-9a-fA-F.]*:[0-9a-fA-F:.]*\](:\S*)?|[^\s[\]<>=!"/]+)\s+(<>|>|<)\s/.test(s.text.slice(s.pos));
}

function condition(s: Scanner, key: string, at: number): Condition {
  const op = /^(==|!=|<=|>=|=|<|>)/.exec(s.text.slice(s.pos))?.[0] as Cmp | '==' | undefined;
  if (!op) s.fail(`expected an operator after "${key}"`, ['=', '!=', '<', '<=', '>', '>=']);
  s.pos += op.length;
  if (key === 'data' || key === 'info') {
    if (op !== '=' && op !== '==' && op !== '!=') s.fail(`"${key}" compares with =, == or !=`, ['=', '==', '!='], s.pos - op.length);
    if (s.peek() === '"') return { key, op, text: s.quoted() };
    if (s.peek() === '/') return { key, op, regex: s.regex() };
    s.fail(`expected "text" or /regex/ after ${key}${op}`, ['"text"', '/regex/']);
  }
  if (!NUM_KEYS.includes(key as NumKey)) s.fail(`unknown field "${key}"`, [...NUM_KEYS, 'data', 'info'], at);
  if (op === '==') s.fail('numbers compare with "="', ['='], s.pos - 2);
  return { key: key as NumKey, op, value: s.int(`a number after ${key}${op}`) };
}

function flags(s: Scanner, spec: PacketSpec): void {
  s.pos++;
  const names: string[] = [];
  let atLeast = false;
  for (;;) {
    s.skipWs();
    if (s.peek() === ']') break;
    if (s.done) s.fail('expected "]" closing the flags', [']']);
    const at = s.pos;
    if (s.peek() === '*') {
      s.pos++;
      atLeast = true;
    } else {
      const f = s.word('[],*').toUpperCase();
      if (!FLAGS.includes(f)) s.fail(f ? `unknown TCP flag "${f}"` : 'expected a TCP flag', [...FLAGS, '*'], at);
      if (names.includes(f)) s.fail(`flag ${f} given twice`, undefined, at);
      names.push(f);
    }
    s.skipWs();
    if (s.peek() === ',') s.pos++;
    else if (/\w/.test(s.peek())) {
      // `[SYN ACK]`: the flags as written, comma-separated
      const close = s.text.indexOf(']', s.pos);
      const inside = s.text
        .slice(at, close < 0 ? undefined : close)
        .trim()
        .split(/[\s,]+/)
        .filter(Boolean);
      s.fail(`separate flags with commas: [${[...names.slice(0, -1), ...inside].join(', ')}]`);
    } else if (s.peek() !== ']') s.fail('expected "," or "]"', [',', ']']);
  }
  s.pos++;
  if (spec.flags) s.fail('flags given twice', undefined, s.pos - 1);
  spec.flags = { names, atLeast };
}

/** A bare word in the body: protocol, DNS words, ICMP kind. */
function bareWord(s: Scanner, spec: PacketSpec, w: string, at: number): void {
  const lw = w.toLowerCase();
  if (!spec.proto && PROTOCOLS.includes(lw)) {
    spec.proto = lw;
    return;
  }
  if (spec.proto === 'dns') {
    const d = (spec.dns ??= { answers: [] });
    if ((lw === 'query' || lw === 'response') && d.response === undefined && !d.type && !d.name) d.response = lw === 'response';
    else if (!d.type && !d.name && DNS_TYPES.includes(w.toUpperCase())) d.type = w.toUpperCase();
    else if (!d.name) d.name = w.replace(/\.$/, '').toLowerCase();
    else d.answers.push(w.toLowerCase());
    return;
  }
  if ((spec.proto === 'icmp' || spec.proto === 'icmpv6') && !spec.icmp) {
    const k = icmpKind(spec.proto === 'icmpv6' ? 6 : 4, lw);
    if (!k) s.fail(`unknown ICMP kind "${w}"`, ICMP_WORDS, at);
    spec.icmp = k;
    return;
  }
  const expected = spec.proto ? [] : PROTOCOLS.map((p) => p.toUpperCase());
  s.fail(`unexpected word "${w}"`, [...expected, '[FLAGS]', 'key=value'], at);
}

function body(s: Scanner, spec: PacketSpec): { min: number; max: number } | undefined {
  for (;;) {
    s.skipWs();
    if (s.done) return undefined;
    const at = s.pos;
    if (s.peek() === '[') {
      flags(s, spec);
      continue;
    }
    const q = quantifier(s);
    if (q) {
      s.skipWs();
      if (!s.done) s.fail('a trailing repeat ("?", "+", "*", "{n}") must end the line', undefined, at);
      return q;
    }
    const w = s.word();
    if (!w) s.fail(`unexpected "${s.peek()}"`, ['[FLAGS]', 'key=value', 'protocol']);
    if (!s.done && '=<>!'.includes(s.peek())) spec.conds.push(condition(s, w.toLowerCase(), at));
    else bareWord(s, spec, w, at);
  }
}

/** Parses one line into an item, or gives the first error with its column. */
export function parsePatternLine(text: string): PatternItem | { error: PatternError } {
  const s: Scanner = new Scanner(text);
  try {
    s.skipWs();
    const trimmed = text.trim();
    if (s.startsWith('...')) {
      s.pos += 3;
      const q = quantifier(s) ?? { min: 0, max: Infinity };
      s.skipWs();
      if (!s.done) s.fail('nothing may follow "..." except a count like {0,5}', ['{n,m}']);
      return { kind: 'gap', text: trimmed, ...q };
    }
    if (s.done) s.fail('empty pattern line', ['a packet description', '...']);
    // A leading "*" is the any-address endpoint when an arrow follows it ("* > server", "*:53 > client").
    let q = s.peek() === '*' && hasEndpoints(s) ? undefined : quantifier(s);
    s.skipWs();
    const spec: PacketSpec = { conds: [] };
    const wrongArrow = /^(\S+\s+)(->|-->|=>|→)\s/.exec(s.text.slice(s.pos));
    if (wrongArrow && !hasEndpoints(s))
      s.fail(`use ">" between endpoints, not "${wrongArrow[2]}"`, undefined, s.pos + wrongArrow[1].length);
    if (hasEndpoints(s)) {
      spec.src = endpoint(s);
      s.skipWs();
      const arrow = /^(<>|>|<)/.exec(s.text.slice(s.pos))?.[0];
      if (!arrow) s.fail(`unexpected "${s.peek()}" after the endpoint`, ['>', '<>', '<']);
      s.pos += arrow.length;
      s.skipWs();
      const dst = endpoint(s);
      if (arrow === '<') [spec.src, spec.dst] = [dst, spec.src];
      else spec.dst = dst;
      if (arrow === '<>') spec.either = true;
      if (!s.done && !/\s/.test(s.peek())) s.fail(`unexpected "${s.peek()}" after the endpoint`, ['a space']);
    }
    const tail = body(s, spec);
    if (q && tail) s.fail('a repeat is given twice (at the start and at the end)', undefined, 0);
    q ??= tail;
    if (spec.flags && !spec.proto) spec.proto = 'tcp';
    if (spec.flags && spec.proto !== 'tcp' && spec.proto !== 'http')
      s.fail(`TCP flags on a ${String(spec.proto).toUpperCase()} packet`, undefined, 0);
    return { kind: 'packet', text: trimmed, min: q?.min ?? 1, max: q?.max ?? 1, spec };
  } catch (e) {
    if (e instanceof ParseFail) return { error: e.error };
    throw e;
  }
}
