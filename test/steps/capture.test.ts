/**
 * The capture step's record of libpcap's counters and its "capture lost no packets" check:
 * on a real loopback capture (root), and with a host that reports drops (a synthetic stop
 * result over a real file), where the check must fail with the counts (no partial credit).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Check, StepRecord } from '../../src/generated/run-record.js';
import type { StepRunContext } from '../../src/steps/context.js';
import { CaptureWriter } from '../../src/packets/file/writer.js';
import { capture } from '../../src/steps/capture.js';
import { diagnostics, runText } from '../helpers/scenario.js';
import { schemaErrors } from '../report/records.js';
import { describeRoot } from '../helpers/root.js';

describeRoot('capture step on lo (native engine)', () => {
  it('records the engine and counters consistent with the file; no loss, no loss check', async () => {
    const { record } = await runText(`
name: t
steps:
  - capture:
      as: burst
      filter: host 127.42.4.1 and udp port 47331
      during:
        - exec: { run: [bash, -c, "for i in 1 2 3 4 5 6 7; do echo hi > /dev/udp/127.42.4.1/47331; done"] }
      expect: { count: { min: 7, max: 7 } }
    points: 2
`);
    expect(schemaErrors(record)).toBe('');
    const s = record.steps[0];
    expect(s.status).toBe('passed');
    expect(s.earned).toBe(2);
    expect(s.capture).toMatchObject({
      engine: 'native',
      dropped: 0,
      counters: { captured: 7, received: 14, droppedByKernel: 0, droppedByInterface: 0 },
    });
    expect(s.capture!.packets).toHaveLength(s.capture!.counters!.captured);
    // the loss check is a precondition, recorded only when it fails: the checks are the scenario's
    expect(s.checks.map((c) => c.title)).toEqual(['number of packets']);
  });
});

describe('capture step when the host reports drops (synthetic stop result)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wirelab-capture-step-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** Runs the step against a fake host whose capture "captured" `n` packets with these counters. */
  async function runWith(
    counters: { captured: number; received: number; droppedByKernel: number; droppedByInterface: number } | undefined,
    body: Record<string, unknown> = {},
  ) {
    const rec: Partial<StepRecord> & { checks: Check[]; startArgs?: unknown } = { checks: [] };
    const file = join(dir, 'c.pcap');
    const host = {
      call: (op: string, args: unknown) => Promise.resolve(callOp(op, args)),
    };
    function callOp(op: string, args: unknown) {
      {
        if (op === 'captureStart') {
          rec.startArgs = args;
          return { id: 'capture-1', file, linktype: 1 };
        }
        if (op === 'captureStop') {
          // a real file with `captured` UDP frames, as the engine would have written it
          const w = new CaptureWriter(file, 'pcap', { linktype: 1 });
          const frame = Buffer.from('ffffffffffff00000000000108004500001c000100004011f97f7f0000017f0000013039303900080000', 'hex');
          for (let i = 0; i < (counters?.captured ?? 3); i++) w.write({ tsNs: BigInt(1_700_000_000 + i) * 1_000_000_000n, data: frame });
          w.close();
          return {
            file,
            format: 'pcap',
            packets: counters?.captured ?? 3,
            linktype: 1,
            engine: counters ? 'native' : 'cap',
            ...(counters ? { counters } : {}),
          };
        }
        return {};
      }
    }
    const ctx = {
      run: { runDir: dir, addresses: new Map(), endpoints: new Map() },
      host: () => host,
      check: (c: Check) => void rec.checks.push(c),
      detail: (k: string, v: unknown) => void Object.assign(rec, { [k]: v }),
      onTeardown: () => undefined,
      runChildren: () => Promise.resolve([]),
    } as unknown as StepRunContext;
    await capture.run({ as: 'c', during: [], expect: { count: { min: 1 } }, ...body }, ctx);
    return rec;
  }

  it('kernel drops: the check fails with the counts, the record keeps them', async () => {
    const rec = await runWith({ captured: 3, received: 10, droppedByKernel: 4, droppedByInterface: 0 });
    const loss = rec.checks.find((c) => c.title === 'capture lost no packets')!;
    expect(loss).toMatchObject({
      passed: false,
      expected: '0 packets dropped',
      actual: '4 dropped by kernel, 0 dropped by interface (3 captured, 10 received by filter)',
    });
    expect(loss.detail).toMatch(/libpcap dropped 4 packets because the kernel capture buffer was full.*bigger buffer \(`buffer:` in MiB/);
    expect(loss.fraction).toBeUndefined(); // no partial credit for an incomplete capture
    expect(rec.capture).toMatchObject({ engine: 'native', dropped: 4, counters: { droppedByKernel: 4 } });
    expect(rec.checks.find((c) => c.title === 'number of packets')?.passed).toBe(true);
  });

  it('interface drops fail it too', async () => {
    const rec = await runWith({ captured: 3, received: 3, droppedByKernel: 0, droppedByInterface: 2 });
    expect(rec.checks.find((c) => c.title === 'capture lost no packets')).toMatchObject({ passed: false });
    expect(rec.capture?.dropped).toBe(2);
  });

  it('no drops: no loss check (partial credit is unchanged); the cap engine (no counters): none either, and no invented 0', async () => {
    const ok = await runWith({ captured: 3, received: 6, droppedByKernel: 0, droppedByInterface: 0 });
    expect(ok.checks.map((c) => c.title)).toEqual(['number of packets']);
    expect(ok.capture).toMatchObject({ dropped: 0, counters: { captured: 3, received: 6 } });
    const cap = await runWith(undefined);
    expect(cap.checks.map((c) => c.title)).toEqual(['number of packets']);
    expect(cap.capture).toMatchObject({ engine: 'cap' });
    expect(cap.capture).not.toHaveProperty('dropped');
    expect(cap.capture).not.toHaveProperty('counters');
  });

  it('`buffer:` (MiB) sizes the kernel buffer; without it the engine default (8 MiB) applies', async () => {
    expect((await runWith(undefined, { buffer: 256 })).startArgs).toMatchObject({ bufferSize: 256 << 20 });
    expect((await runWith(undefined)).startArgs).not.toHaveProperty('bufferSize');
  });
});

describe('capture `buffer:` in the scenario', () => {
  it('is validated: at least 1 MiB, an integer, with the line and column', () => {
    const text = (v: string) => `name: t\nsteps:\n  - capture:\n      as: c\n      buffer: ${v}\n      during: []\n`;
    expect(diagnostics(text('128'))).toEqual([]);
    const bad = diagnostics(text('0'));
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatchObject({ line: 5, col: 15 });
    expect(bad[0].message).toMatch(/>= 1|at least 1/);
    expect(diagnostics(text('1.5'))).toHaveLength(1);
  });
});
