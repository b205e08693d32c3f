/**
 * The expected-packet-sequence language: parsed form. One pattern line = one PatternItem: a gap
 * (`...`) or a packet description with a quantifier. See pattern-parse.ts for the grammar.
 */

/** A parse problem; `col` is 1-based within the line. */
export interface PatternError {
  col: number;
  message: string;
  /** What would have been accepted at `col`. */
  expected?: string[];
}

/** parsePattern's errors also say which list entry (0-based) they belong to. */
export interface PatternListError extends PatternError {
  index: number;
}

export interface Endpoint {
  /** Host name from the scenario (resolved through the match context). */
  host?: string;
  /** IP address literal. */
  addr?: string;
  port?: number;
  /** Column of the endpoint in its line (for host-name errors). */
  col: number;
}

export type NumKey = 'len' | 'seq' | 'ack' | 'win' | 'mss' | 'ws' | 'ttl' | 'type' | 'code' | 'id' | 'rcode' | 'mtu';
export type Cmp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Condition =
  | { key: NumKey; op: Cmp; value: number }
  /** `data`/`info`: `=` text contained, `==` text exact, or a regular expression. */
  | { key: 'data' | 'info'; op: '=' | '==' | '!='; text?: string; regex?: RegExp };

export interface PacketSpec {
  src?: Endpoint;
  dst?: Endpoint;
  /** `<>`: either direction. */
  either?: boolean;
  /** Lower-case protocol word: tcp, udp, icmp, icmpv6, dns, arp, http, or another Protocol column value. */
  proto?: string;
  /** TCP flags in Wireshark's names; `atLeast` for `[SYN, *]`. */
  flags?: { names: string[]; atLeast: boolean };
  conds: Condition[];
  dns?: { response?: boolean; type?: string; name?: string; answers: string[] };
  /** ICMP(v6) type and allowed codes (undefined = any code). */
  icmp?: { type: number; codes?: number[]; word: string };
}

export interface PatternItem {
  kind: 'gap' | 'packet';
  /** The line as written (trimmed), for reports. */
  text: string;
  min: number;
  /** Infinity for `+`, `*` and `...`. */
  max: number;
  spec?: PacketSpec;
  /** `{ any: [...] }` entries: the item takes a packet matching any of these (spec = the first). */
  anyOf?: PacketSpec[];
  /** What the item is worth toward partial credit (`{ packet: …, weight: n }`); default 1. */
  weight?: number;
}

export type IgnoreKind = 'pure-acks' | 'retransmissions' | 'dup-acks';
export const IGNORE_KINDS: readonly IgnoreKind[] = ['pure-acks', 'retransmissions', 'dup-acks'];

export interface Pattern {
  items: PatternItem[];
  /** Packets of these kinds may appear anywhere without an item for them. */
  ignore: IgnoreKind[];
}

/** How names in a pattern map to addresses: entries are "addr", "addr:port" or "[v6]:port". */
export interface PatternContext {
  hosts: Record<string, string[]>;
}
