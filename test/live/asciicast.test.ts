import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { castFromScript, castText, parseCast, StreamRecorder } from '../../src/util/asciicast.js';
import { parseTtl } from '../../src/live/plan.js';

const dir = mkdtempSync(join(tmpdir(), 'wltlive-cast-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('asciicast v2 recordings', () => {
  it("converts script's advanced timing log: input and output in order, bytes intact (UTF-8 included)", () => {
    const io = join(dir, 'io');
    const timing = join(dir, 'timing');
    const r = spawnSync('script', ['-q', '-e', '--log-io', io, '--log-timing', timing, '-c', 'read l; printf \'got %s\\n\' "$l"; exit 4'], {
      input: 'héllo\n',
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(4);
    const events = castFromScript(readFileSync(io), readFileSync(timing, 'utf8'));
    expect(
      events
        .filter((e) => e[1] === 'i')
        .map((e) => e[2])
        .join(''),
    ).toBe('héllo\n');
    const out = events
      .filter((e) => e[1] === 'o')
      .map((e) => e[2])
      .join('');
    expect(out).toContain('got héllo\r\n');
    expect(out).not.toContain('Script started');
    expect(out).not.toContain('Script done');
    const text = castText({ version: 2, width: 80, height: 24, timestamp: 1 }, events);
    const back = parseCast(text);
    expect(back.events.map((e) => e[2])).toEqual(events.map((e) => e[2]));
    expect(back.events.every((e, i) => i === 0 || e[0] >= back.events[i - 1][0])).toBe(true);
  });

  it('records piped output as a terminal shows it, and keeps a character split across chunks whole', () => {
    const rec = new StreamRecorder();
    const e = Buffer.from('é\n');
    rec.add('stdout', e.subarray(0, 1));
    rec.add('stdout', e.subarray(1));
    rec.add('stderr', Buffer.from('err\n'));
    expect(rec.events.map((x) => [x[1], x[2]])).toEqual([
      ['o', 'é\r\n'],
      ['o', 'err\r\n'],
    ]);
  });

  it('rejects what is not asciicast v2, naming the line', () => {
    expect(() => parseCast('{"version":1,"width":80,"height":24}\n')).toThrow(/line 1/);
    expect(() => parseCast('{"version":2,"width":80,"height":24}\n[1,"x","a"]\n')).toThrow(/line 2/);
    expect(() => parseCast('{"version":2,"width":80,"height":24}\n[2,"o","a"]\n[1,"o","b"]\n')).toThrow(/line 3: time 1 goes back/);
  });
});

describe('--ttl', () => {
  it('takes scenario durations and hours, up to 24h', () => {
    expect(parseTtl('90s')).toBe(90_000);
    expect(parseTtl('30m')).toBe(1_800_000);
    expect(parseTtl('4h')).toBe(4 * 3_600_000);
    expect(parseTtl('120')).toBe(120_000);
    expect(parseTtl('25h')).toBeUndefined();
    expect(parseTtl('soon')).toBeUndefined();
    expect(parseTtl('0s')).toBeUndefined();
  });
});
