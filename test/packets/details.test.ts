import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeDetails } from '../../src/packets/details/file.js';
import { hexDump } from '../../src/packets/details/details.js';

const FIXTURE = 'test/fixtures/captures/echo-session.pcapng';
const has = (tool: string) => existsSync(`/usr/bin/${tool}`) || existsSync(`/usr/sbin/${tool}`);

describe('packet details (layers and bytes)', () => {
  it('dumps bytes in tcpdump -X layout: offset, groups of two bytes, dots for unprintables, a short last line', () => {
    const bytes = Uint8Array.from([...Buffer.from('GET / HTTP/1.1\r\n'), 0x00, 0x7f, 0x41]);
    expect(hexDump(bytes).split('\n')).toEqual([
      '0x0000:  4745 5420 2f20 4854 5450 2f31 2e31 0d0a  GET / HTTP/1.1..',
      '0x0010:  007f 41                                  ..A',
    ]);
    expect(hexDump(new Uint8Array(0))).toBe('');
  });

  it.runIf(has('tcpdump'))('gives every packet of a capture the bytes `tcpdump -nn -XX -r` prints', async () => {
    const details = await decodeDetails(FIXTURE);
    const out = execFileSync('tcpdump', ['-nn', '-XX', '-r', FIXTURE], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const dumps = out.split(/\n(?=\S)/).map((block) =>
      block
        .split('\n')
        .filter((l) => l.startsWith('\t0x'))
        .map((l) => l.slice(1))
        .join('\n'),
    );
    expect(details.map((d) => d.hex)).toEqual(dumps.filter(Boolean));
  });

  it.runIf(has('tshark'))('names the layers as tshark -V titles them (Ethernet, IP, TCP)', async () => {
    const details = await decodeDetails(FIXTURE);
    const out = execFileSync('tshark', ['-n', '-V', '-r', FIXTURE], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const titles = out
      .split(/\n\n(?=Frame )/)
      .map((block) => block.split('\n').filter((l) => /^(Ethernet II|Internet Protocol|Transmission Control|User Datagram)/.test(l)));
    expect(details.map((d) => d.layers.map((l) => l.title).filter((t) => !/^(Frame|Data) /.test(t)))).toEqual(titles);
  });

  it('lists each layer with its fields, the payload last; honours the limit', async () => {
    const details = await decodeDetails(FIXTURE, 4);
    expect(details).toHaveLength(4);
    const syn = details[0].layers;
    expect(syn.map((l) => l.title.split(',')[0])).toEqual([
      'Frame 1: 58 bytes on wire (464 bits)',
      'Ethernet II',
      'Internet Protocol Version 4',
      'Transmission Control Protocol',
    ]);
    expect(syn[3].fields).toContain('Flags: 0x002 (SYN)');
    expect(syn[3].fields).toContain('Sequence Number (raw): 1000');
    expect(syn[2].fields).toContain('Time to Live: 64');
    const data = details.find((d) => d.layers.at(-1)!.title.startsWith('Data ('));
    expect(data?.layers.at(-1)!.fields[0]).toMatch(/^Data: [0-9a-f]+/);
  });
});
