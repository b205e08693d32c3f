import { readFileSync } from 'node:fs';

/** Where service names come from: nmap's table when nmap is installed, else the system's. */
export const SERVICE_FILES = ['/usr/share/nmap/nmap-services', '/etc/services'] as const;

type Proto = 'tcp' | 'udp';
let cache: { file: string | null; tcp: Map<number, string>; udp: Map<number, string> } | undefined;

/**
 * Parses a services table (nmap-services or /etc/services format: `name port/proto ...`).
 * The first name listed for a port wins, like nmap's own lookup.
 */
export function parseServices(text: string): { tcp: Map<number, string>; udp: Map<number, string> } {
  const out = { tcp: new Map<number, string>(), udp: new Map<number, string>() };
  for (const line of text.split('\n')) {
    if (line === '' || line[0] === '#') continue;
    const m = /^(\S+)\s+(\d+)\/(tcp|udp)\b/.exec(line);
    if (!m) continue;
    const table = out[m[3] as Proto];
    const port = Number(m[2]);
    if (!table.has(port)) table.set(port, m[1]);
  }
  return out;
}

function load(): NonNullable<typeof cache> {
  if (cache) return cache;
  for (const file of SERVICE_FILES) {
    try {
      cache = { file, ...parseServices(readFileSync(file, 'utf8')) };
      return cache;
    } catch {
      // try the next table
    }
  }
  cache = { file: null, tcp: new Map(), udp: new Map() };
  return cache;
}

/** Service name for a port as nmap prints it (`ssh`, `http`), or `unknown`. Tables are read once. */
export function serviceName(port: number, proto: Proto = 'tcp'): string {
  return load()[proto].get(port) ?? 'unknown';
}

/** The table file in use (null when none was readable). */
export function serviceTable(): string | null {
  return load().file;
}
