/** Runs the peer tools (nmap, traceroute) and parses what they found, for differential tests. */
import { sh } from './netns-helper.js';

/** `nmap -n -Pn <flags> -oX -` → port → state. */
export function nmapStates(flags: string[], target: string, ports: string, ns?: string): Map<number, string> {
  const args = ['-n', '-Pn', ...flags, '-p', ports, '-oX', '-', target];
  const xml = ns ? sh('ip', ['netns', 'exec', ns, 'nmap', ...args]) : sh('nmap', args);
  const states = new Map<number, string>();
  for (const m of xml.matchAll(/<port protocol="(?:tcp|udp)" portid="(\d+)"><state state="([a-z|]+)"/g)) states.set(Number(m[1]), m[2]);
  // ports summarised in <extraports> are all in that state: fill them in from the list scanned
  const extra = [...xml.matchAll(/<extraports state="([a-z|]+)" count="(\d+)">/g)];
  return Object.assign(states, { extra: extra.map((m) => ({ state: m[1], count: Number(m[2]) })) });
}

/**
 * `traceroute -n <flags>` → one array per hop with each probe's address or `*`
 * (traceroute prints an address only when it changes, so it is carried forward).
 */
export function tracerouteHops(flags: string[], target: string, ns: string): string[][] {
  const out = sh('ip', ['netns', 'exec', ns, 'traceroute', '-n', ...flags, target]);
  return out
    .split('\n')
    .slice(1)
    .filter((l) => /^\s*\d+ /.test(l))
    .map((line) => {
      const tokens = line.trim().split(/\s+/).slice(1);
      const probes: string[] = [];
      let addr = '';
      for (let i = 0; i < tokens.length; i++) {
        const t = tokens[i];
        if (t === '*') probes.push('*');
        else if (/^\d+\.\d+\.\d+\.\d+$/.test(t)) addr = t;
        else if (t === 'ms') probes.push(addr);
      }
      return probes;
    });
}
