import { readFileSync } from 'node:fs';

/** nmap's UDP probe payloads, used when nmap is installed (as nmap does, per destination port). */
export const PAYLOAD_FILE = '/usr/share/nmap/nmap-payloads';

/**
 * Parses the nmap-payloads format: records `udp PORTS "..." "..."` where PORTS is a list of
 * ports and ranges, the quoted C-style strings (`\xHH`, `\0`, `\n`, `\r`, `\t`, `\\`, `\"`)
 * are concatenated into one payload, and an optional `source PORT` follows. `#` starts a
 * comment. A port may have several records; they are returned in file order.
 */
export function parsePayloads(text: string): Map<number, Buffer[]> {
  const out = new Map<number, Buffer[]>();
  let i = 0;
  const n = text.length;
  const skipSpace = () => {
    for (;;) {
      while (i < n && /\s/.test(text[i])) i++;
      if (text[i] !== '#') return;
      while (i < n && text[i] !== '\n') i++;
    }
  };
  const word = () => {
    const start = i;
    while (i < n && !/\s/.test(text[i]) && text[i] !== '"' && text[i] !== '#') i++;
    return text.slice(start, i);
  };
  const quoted = (): number[] => {
    const bytes: number[] = [];
    i++; // opening quote
    while (i < n && text[i] !== '"') {
      const c = text[i++];
      if (c !== '\\') {
        bytes.push(...Buffer.from(c, 'latin1'));
        continue;
      }
      const e = text[i++];
      if (e === 'x') {
        bytes.push(parseInt(text.slice(i, i + 2), 16));
        i += 2;
      } else if (e >= '0' && e <= '7') {
        let j = i - 1;
        let v = 0;
        while (j < i + 2 && text[j] >= '0' && text[j] <= '7') v = v * 8 + Number(text[j++]);
        i = j;
        bytes.push(v & 0xff);
      } else bytes.push({ n: 10, r: 13, t: 9, a: 7, b: 8, f: 12, v: 11 }[e as 'n'] ?? e.charCodeAt(0));
    }
    i++; // closing quote
    return bytes;
  };
  for (;;) {
    skipSpace();
    if (i >= n) break;
    const kw = word();
    if (kw !== 'udp') {
      // `source PORT`, or something newer than this parser: skip the token
      if (!kw) i++;
      continue;
    }
    skipSpace();
    const ports = portList(word());
    const bytes: number[] = [];
    for (;;) {
      skipSpace();
      if (text[i] !== '"') break;
      bytes.push(...quoted());
    }
    const payload = Buffer.from(bytes);
    for (const p of ports) {
      const list = out.get(p);
      if (list) list.push(payload);
      else out.set(p, [payload]);
    }
  }
  return out;
}

function portList(spec: string): number[] {
  const ports: number[] = [];
  for (const part of spec.split(',')) {
    const [a, b] = part.split('-').map(Number);
    if (!Number.isInteger(a)) continue;
    const hi = Number.isInteger(b) ? b : a;
    for (let p = a; p <= hi && p <= 65535; p++) ports.push(p);
  }
  return ports;
}

let cache: Map<number, Buffer[]> | undefined;

/**
 * The payload for probe number `attempt` (1-based) to UDP `port`: nmap 7.93 cycles through a
 * port's payloads by try number; ports without one get an empty datagram.
 */
export function udpPayload(port: number, attempt = 1): Buffer {
  if (!cache) {
    try {
      cache = parsePayloads(readFileSync(PAYLOAD_FILE, 'latin1'));
    } catch {
      cache = new Map();
    }
  }
  const list = cache.get(port);
  return list ? list[(attempt - 1) % list.length] : EMPTY;
}
const EMPTY = Buffer.alloc(0);
