/**
 * `offloads: false` (issue 16): segmentation offload off on an interface, so a capture shows the
 * packets a real wire carries. Planned as `gso_max_segs 1`; on a real pair of namespaces a
 * 6,000-byte send over a 1500-byte MTU is captured as segments of at most 1500 bytes with it,
 * and as one large segment without it.
 */
import { describe, expect, it } from 'vitest';
import type { Topology as TopologySpec } from '../../src/generated/scenario.js';
import { mustPlan, runPlan } from '../../src/topology/plan.js';
import { itRoot } from '../helpers/root.js';
import { runText } from '../helpers/scenario.js';

const pair = (client: object, server: object): TopologySpec => ({
  hosts: { client: { ip: '198.51.100.2/24', ...client }, server: { ip: '198.51.100.3/24', ...server } },
});

describe('offloads: the plan', () => {
  it('an interface with offloads off gets gso_max_segs 1; the host setting applies unless the interface sets its own', () => {
    const plan = mustPlan({
      hosts: {
        a: { ip: [{ ip: '198.51.100.2/24' }, { ip: '192.0.2.1/30', offloads: true }], offloads: false, forward: true },
        b: { ip: ['198.51.100.3/24', { ip: '192.0.2.6/30', offloads: false }], forward: true },
        c: { ip: '192.0.2.2/30', gateway: 'a' },
        d: { ip: '192.0.2.5/30', gateway: 'b' },
      },
    });
    const setup = (h: string) => runPlan(plan, 'abc123').setups.find((s) => s.netns === `wl-abc123-${h}`)!.ipBatch;
    expect(setup('a').filter((l) => l.includes('gso_max_segs'))).toEqual(['link set eth0 gso_max_segs 1']);
    expect(setup('b').filter((l) => l.includes('gso_max_segs'))).toEqual(['link set eth1 gso_max_segs 1']);
    expect(setup('c').some((l) => l.includes('gso_max_segs'))).toBe(false);
    expect(plan.hosts.find((h) => h.name === 'a')!.interfaces.map((i) => i.offloads)).toEqual([false, undefined]);
  });
});

/** Frame lengths of the TCP data segments client → server in a capture of a 6,000-byte send. */
async function dataFrames(offloads: boolean): Promise<number[]> {
  const set = offloads ? {} : { offloads: false };
  const t = pair(set, set);
  const { record } = await runText(`
name: offloads
topology: ${JSON.stringify(t)}
steps:
  - serve: { as: e, on: server, echo: { mode: bytes } }
  - capture:
      as: c
      on: client
      filter: tcp and dst host 198.51.100.3
      during:
        - connect: { to: e, from: client, as: s }
        - send: { conn: s, bytes: 6000 }
        - expect: { conn: s, text: "0123456789", repeat: 600 }
        - close: { conn: s }
`);
  expect(record.steps.map((s) => s.status)).toEqual(['passed', 'passed']);
  const cap = record.steps[1].capture;
  return (cap?.packets ?? []).filter((p) => /Len=[1-9]/.test(p.info)).map((p) => p.length);
}

itRoot('6000 bytes over a 1500-byte MTU: wire-sized segments with offloads off, one large segment with them on', async () => {
  const off = await dataFrames(false);
  expect(off.length).toBeGreaterThanOrEqual(5);
  expect(Math.max(...off)).toBeLessThanOrEqual(1514);
  expect(off.reduce((a, n) => a + n - 66, 0)).toBe(6000);
  const on = await dataFrames(true);
  expect(Math.max(...on)).toBeGreaterThan(1514);
});
