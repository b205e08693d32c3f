import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PAYLOAD_FILE, parsePayloads, udpPayload } from '../../src/probes/payloads.js';

describe('nmap-payloads', () => {
  it('parses ports, ranges, concatenated C strings, comments and source lines', () => {
    const text = [
      '# a comment',
      'udp 7 "\\x0D\\x0A\\x0D\\x0A"',
      'udp 53,100-102 "\\x00\\x01" # trailing comment',
      '  "ab\\"c\\\\\\n\\0"',
      'source 500',
      'udp 53',
      '  # comment between the ports and the string',
      '  "\\x77"',
    ].join('\n');
    const m = parsePayloads(text);
    expect(m.get(7)?.map((b) => b.toString('hex'))).toEqual(['0d0a0d0a']);
    expect(m.get(53)?.map((b) => b.toString('hex'))).toEqual([Buffer.from('\x00\x01ab"c\\\n\x00', 'latin1').toString('hex'), '77']);
    expect([100, 101, 102].map((p) => m.get(p)?.length)).toEqual([1, 1, 1]);
    expect(m.has(500)).toBe(false);
  });

  it.runIf(existsSync(PAYLOAD_FILE))("reads nmap's file: DNS gets its status request first, then version.bind on the retry", () => {
    expect(udpPayload(53, 1).toString('hex')).toBe('000010000000000000000000');
    expect(udpPayload(53, 2).toString('latin1')).toContain('version\x04bind');
    expect(udpPayload(53, 3)).toEqual(udpPayload(53, 1));
    expect(udpPayload(9).length).toBe(0);
  });
});
