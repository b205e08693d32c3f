import { readFileSync } from 'node:fs';

/** Where service names come from: nmap's table when nmap is installed, else the system's. */
export const SERVICE_FILES = ['/usr/share/nmap/nmap-services', '/etc/services'] as const;

type Proto = 'tcp' | 'udp';
let cache: { tcp: Map<number, string>; udp: Map<number, string> } | undefined;

/**
 * Parses a services table (nmap-services or /etc/services format: `name port/proto ...`).
 * The first name listed for a port wins, like nmap's own lookup.
 */
export function parseServices(text: string): { tcp: Map<number, string>; udp: Map<number, string> } {
  const out = { tcp: new Map<number, string>(), udp: new Map<number, string>() };
  // hand-rolled scan instead of split + regex: nmap-services has ~27,000 lines
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (text.charCodeAt(start) !== 35 /* # */) {
      let i = start;
      while (i < end && text.charCodeAt(i) > 32) i++;
      const name = text.slice(start, i);
      while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
      let port = 0;
      const digits = i;
      for (let c = text.charCodeAt(i); c >= 48 && c <= 57; c = text.charCodeAt(++i)) port = port * 10 + (c - 48);
      if (name && i > digits && text.charCodeAt(i) === 47 /* / */) {
        const proto = text.slice(i + 1, i + 4);
        const after = text.charCodeAt(i + 4);
        if ((proto === 'tcp' || proto === 'udp') && (i + 4 >= end || after <= 32)) {
          const table = out[proto];
          if (!table.has(port)) table.set(port, name);
        }
      }
    }
    start = end + 1;
  }
  return out;
}

function load(): NonNullable<typeof cache> {
  if (cache) return cache;
  for (const file of SERVICE_FILES) {
    try {
      cache = parseServices(readFileSync(file, 'utf8'));
      return cache;
    } catch {
      // try the next table
    }
  }
  cache = { tcp: new Map(), udp: new Map() };
  return cache;
}

/** Service name for a port as nmap prints it (`ssh`, `http`), or `unknown`. Tables are read once. */
export function serviceName(port: number, proto: Proto = 'tcp'): string {
  return load()[proto].get(port) ?? 'unknown';
}

/** Reads the table now (scans call this before their first probe so timing is not skewed). */
export function loadServices(): void {
  load();
}
