/**
 * Waiting for a condition instead of a fixed sleep: poll until it holds, bounded in time, and
 * fail with what was awaited when it never does.
 */
import { readFileSync } from 'node:fs';
import { canonicalV6, isListening, procAddress } from '../../src/net/listening.js';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves once `cond()` is true; rejects after `timeoutMs` naming `what`. */
export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 10_000, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await pause(everyMs);
  }
}

/** Resolves once a TCP socket listens where a client of `address:port` would connect. */
export function waitListening(address: string, port: number, timeoutMs?: number): Promise<void> {
  return waitFor(`a TCP listener on ${address}:${port}`, () => isListening(address, port) === true, timeoutMs);
}

// /proc/net/tcp states: 01 ESTABLISHED … 06 TIME_WAIT, 0A LISTEN
const TIME_WAIT = '06';
const LISTEN = '0A';

/** TCP connections of this namespace whose local end is `address:port`, by state, other than LISTEN and TIME_WAIT. */
export function openConnections(address: string, port: number): string[] {
  const want = address.includes(':') ? canonicalV6(address) : address;
  const out: string[] = [];
  for (const file of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 4 || f[3] === LISTEN || f[3] === TIME_WAIT) continue;
      const [addr, p] = f[1]!.split(':') as [string, string];
      if (parseInt(p, 16) === port && procAddress(addr) === want) out.push(f[3]!);
    }
  }
  return out;
}

/** Resolves once every TCP connection to `address:port` has been closed by both ends. */
export function waitConnectionsClosed(address: string, port: number, timeoutMs?: number): Promise<void> {
  return waitFor(`the connections to ${address}:${port} to close`, () => openConnections(address, port).length === 0, timeoutMs);
}
