/**
 * Whether two captures' BPF filters can be shown to match no packet in common, cheaply: only
 * the forms `icmp`, `icmp6`, `tcp`, `udp`, `arp`, `[tcp|udp] port N` are understood. Anything
 * else (no filter, `host …`, `and`/`or`) may overlap, so it answers false: "cannot tell".
 */
export function filtersDisjoint(a: string | undefined, b: string | undefined): boolean {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return false;
  const protos = x.protos.filter((p) => y.protos.includes(p));
  if (protos.length === 0) return true;
  // same protocol: disjoint only when both name a port and the ports differ
  return x.port !== undefined && y.port !== undefined && x.port !== y.port;
}

interface Shape {
  protos: string[];
  port?: number;
}

const PROTOS = ['icmp', 'icmp6', 'tcp', 'udp', 'arp'];

function parse(filter: string | undefined): Shape | undefined {
  if (filter === undefined) return undefined;
  const words = filter.trim().toLowerCase().split(/\s+/);
  if (words.length === 1 && PROTOS.includes(words[0])) return { protos: [words[0]] };
  const port = (w: string | undefined) => (w !== undefined && /^\d{1,5}$/.test(w) ? Number(w) : undefined);
  if (words.length === 2 && words[0] === 'port' && port(words[1]) !== undefined) return { protos: ['tcp', 'udp'], port: port(words[1]) };
  if (words.length === 3 && (words[0] === 'tcp' || words[0] === 'udp') && words[1] === 'port' && port(words[2]) !== undefined)
    return { protos: [words[0]], port: port(words[2]) };
  return undefined;
}
