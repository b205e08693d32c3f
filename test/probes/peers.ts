/** Runs the peer tool nmap and parses what they found, for differential tests. */
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
