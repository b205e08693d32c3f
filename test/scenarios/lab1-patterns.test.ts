import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matchPackets, parsePattern, type PatternEntry } from '../../src/packets/pattern/index.js';
import type { DecodedPacket } from '../../src/packets/types.js';
import { hosts, numbered, tcp } from '../packets/pattern-fixtures.js';
import { loadScenarioText } from '../../src/scenario/load.js';

type CaptureBody = { as?: string; expect?: { packets?: PatternEntry[] } };

/** Every `capture:` body below a YAML value, at any depth (inside `parallel:` branches too). */
function captures(v: unknown): CaptureBody[] {
  if (Array.isArray(v)) return v.flatMap(captures);
  if (typeof v !== 'object' || v === null) return [];
  return Object.entries(v).flatMap(([k, x]) => [...(k === 'capture' ? [x as CaptureBody] : []), ...captures(x)]);
}

/** The `expect.packets` of lab 1's capture step `as: NAME`, as compiled with its default variables. */
function labPattern(name: string): PatternEntry[] {
  const r = loadScenarioText('scenarios/lab1.yaml', readFileSync('scenarios/lab1.yaml', 'utf8'));
  if (!r.ok) throw new Error('lab1.yaml does not load');
  const doc = r.loaded.scenario;
  const step = captures(doc.steps).find((c) => c.as === name);
  if (!step?.expect?.packets) throw new Error(`lab1.yaml has no capture "${name}" with expect.packets`);
  return step.expect.packets;
}

function matches(packets: DecodedPacket[]): boolean {
  const r = parsePattern(labPattern('scan-50009'));
  if ('errors' in r) throw new Error(JSON.stringify(r.errors));
  return matchPackets(r.pattern, numbered(packets), hosts).ok;
}

/** nmap -sT's SYN on its own socket (source port `sport`); `retx` adds the kernel's retransmission. */
function connectTry(sport: number, retx = false): DecodedPacket[] {
  const o = { sport, dport: 50009, options: ['MSS=1460', 'SACK_PERM', 'TSval=1', 'TSecr=0', 'WS=128'] };
  return [tcp('>', ['SYN'], o), ...(retx ? [tcp('>', ['SYN'], { ...o, analysis: ['TCP Retransmission'] })] : [])];
}

/** nmap -sS's raw SYN: window 1024, one MSS option, the same source port for both tries. */
const synProbe = () => tcp('>', ['SYN'], { sport: 61000, dport: 50009, win: 1024, options: ['MSS=1460'] });

describe('lab 1: the capture of the scans of the filtered port 50009', () => {
  it('matches two connect tries and two SYN probes', () => {
    expect(matches([...connectTry(40001), ...connectTry(40002), synProbe(), synProbe()])).toBe(true);
  });

  it('still matches when the kernel retransmitted the SYN of one or both connect tries (a late timeout under load)', () => {
    expect(matches([...connectTry(40001, true), ...connectTry(40002), synProbe(), synProbe()])).toBe(true);
    expect(matches([...connectTry(40001, true), ...connectTry(40002, true), synProbe(), synProbe()])).toBe(true);
  });

  it('fails a scan that sent too few or too many probes', () => {
    expect(matches([...connectTry(40001), synProbe(), synProbe()])).toBe(false);
    expect(matches([...connectTry(40001), ...connectTry(40002), synProbe()])).toBe(false);
    expect(matches([...connectTry(40001), ...connectTry(40002), synProbe(), synProbe(), synProbe()])).toBe(false);
    expect(matches([...connectTry(40001, true), ...connectTry(40002, true), ...connectTry(40003), synProbe(), synProbe()])).toBe(false);
    expect(matches([...connectTry(40001), ...connectTry(40002)])).toBe(false);
  });
});
