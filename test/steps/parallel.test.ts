import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StepRecord } from '../../src/generated/run-record.js';
import type { Reporter } from '../../src/interpreter/reporter.js';
import { runScenario } from '../../src/interpreter/run-scenario.js';
import { filtersDisjoint } from '../../src/steps/capture-filter.js';
import { diagnostics, load, runText } from '../helpers/scenario.js';

/** Waits (at most 5 s, in 20 ms steps) for a file to exist: exit 0 when it does, 1 when it never came. */
const waitFor = (f: string) => `i=0; while [ ! -e '${f}' ]; do i=$((i+1)); [ $i -gt 250 ] && exit 1; sleep 0.02; done`;
const end = (s: StepRecord) => s.startMs + s.durationMs;

describe('parallel', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'wirelab-parallel-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('runs its branches at the same time, each in order, and keeps scenario order in the record and the terminal', async () => {
    // Each branch waits for a file the other creates: run one after the other, the first
    // branch's wait would never end (it gives up and fails); at the same time, both pass.
    const dir = await mkdtemp(join(tmp, 'handshake-'));
    const events: string[] = [];
    const reporter: Reporter = {
      stepStarted: (s) => events.push(`start ${s.path}`),
      stepFinished: (r) => events.push(`end ${r.path}`),
    };
    const { record } = await runScenario(
      load(`
name: t
steps:
  - parallel:
      branches:
        - name: slow
          steps:
            - exec: { run: "touch '${dir}/a'; ${waitFor(`${dir}/b`)}" }
              name: a waits for b
              points: 1
            - exec: { run: "true" }
              name: a then
        - name: fast
          steps:
            - exec: { run: "${waitFor(`${dir}/a`)}; touch '${dir}/b'" }
              name: b waits for a
              points: 2
  - exec: { run: "true" }
    name: after
`),
      { out: join(dir, 'run'), reporter },
    );
    const [group, after] = record.steps;
    expect(group.kind).toBe('parallel');
    expect(group.title).toBe('in parallel: slow | fast');
    expect(record.steps.map((s) => s.status)).toEqual(['passed', 'passed']);
    const [a1, a2, b1] = group.children!;
    expect(group.children!.map((c) => c.title)).toEqual(['a waits for b', 'a then', 'b waits for a']);
    expect(group.children!.map((c) => c.path)).toEqual([
      'steps[0].parallel.branches[0].steps[0]',
      'steps[0].parallel.branches[0].steps[1]',
      'steps[0].parallel.branches[1].steps[0]',
    ]);
    // the two waits overlap on the run's monotonic clock; within a branch, order holds
    expect(a1.startMs).toBeLessThan(end(b1));
    expect(b1.startMs).toBeLessThan(end(a1));
    expect(a2.startMs).toBeGreaterThanOrEqual(end(a1));
    expect(after.startMs).toBeGreaterThanOrEqual(Math.max(end(a2), end(b1)));
    // points as for sequential steps
    expect(record.summary.points).toMatchObject({ earned: 3, max: 3 });
    // b ended first, yet the terminal hears of it after the first branch, in scenario order
    expect(events).toEqual([
      'start steps[0]',
      'start steps[0].parallel.branches[0].steps[0]',
      'end steps[0].parallel.branches[0].steps[0]',
      'start steps[0].parallel.branches[0].steps[1]',
      'end steps[0].parallel.branches[0].steps[1]',
      'start steps[0].parallel.branches[1].steps[0]',
      'end steps[0].parallel.branches[1].steps[0]',
      'end steps[0]',
      'start steps[1]',
      'end steps[1]',
    ]);
  });

  it('a failing step stops neither its branch nor the others; the group fails like a capture whose steps fail', async () => {
    const { record } = await runText(`
name: t
steps:
  - parallel:
      branches:
        - steps:
            - exec: { run: "exit 3" }
              points: 1
            - exec: { run: "true" }
        - steps:
            - exec: { run: "true" }
              points: 1
`);
    const kids = record.steps[0].children!;
    expect(kids.map((c) => c.status)).toEqual(['failed', 'passed', 'passed']);
    expect(record.summary.points).toMatchObject({ earned: 1, max: 2 });
    expect(record.run.exitCode).toBe(1);
  });

  it("the group's own timeout stops every branch: the running steps are errored, the rest skipped", async () => {
    const { record } = await runText(`
name: t
steps:
  - parallel:
      branches:
        - steps:
            - exec: { run: "sleep 3" }
            - exec: { run: "true" }
        - steps:
            - exec: { run: "true" }
    timeout: 300ms
  - exec: { run: "true" }
`);
    const [group, after] = record.steps;
    expect(group.status).toBe('errored');
    expect(group.error?.code).toBe('timeout');
    const kids = group.children ?? [];
    expect(kids.map((c) => c.status)).toEqual(['errored', 'skipped', 'passed']);
    expect(kids[0].error?.message).toMatch(/^stopped: the enclosing step did not finish within/);
    expect(after.status).toBe('passed');
  });

  it('a name bound in one branch is not visible in a sibling branch, only in its own and after the group', () => {
    const ds = diagnostics(`
name: t
steps:
  - serve: { as: e, echo: {} }
  - parallel:
      branches:
        - steps:
            - connect: { to: e, as: s }
            - send: { conn: s, line: hi }
        - steps:
            - send: { conn: s, line: hi }
  - close: s
`);
    expect(ds.map((d) => [d.line, d.col, d.code])).toEqual([[11, 29, 'name-in-sibling-branch']]);
    expect(ds[0].message).toMatch(/conn "s" is defined in another branch of the parallel step \(line 8\)/);
  });

  it('refuses two concurrent captures on one host whose filters could match the same packets', () => {
    const ds = diagnostics(`
name: t
steps:
  - parallel:
      branches:
        - steps:
            - capture: { as: one, filter: tcp port 50007, during: [] }
            - capture: { as: two, filter: udp port 53, during: [] }
        - steps:
            - capture: { as: three, filter: tcp, during: [] }
            - capture: { as: four, filter: icmp, during: [] }
`);
    expect(ds.map((d) => [d.line, d.col, d.code])).toEqual([[10, 45, 'overlapping-captures']]);
    expect(ds[0].message).toMatch(
      /capture "three" \(filter "tcp"\) runs at the same time as capture "one" \(filter "tcp port 50007", line 7\)/,
    );
  });

  it("refuses a scan beside a capture that keeps the scan's port, and allows one that misses it", () => {
    const ds = diagnostics(`
name: t
steps:
  - parallel:
      branches:
        - steps:
            - capture: { as: one, filter: tcp port 50009, interface: lo, during: [] }
        - steps:
            - scan: { target: 127.0.0.1, ports: 50000-50009 }
            - scan: { target: 127.0.0.1, ports: 50000-50008 }
            - scan: { target: 127.0.0.1, ports: "50009", method: udp }
`);
    expect(ds.map((d) => [d.line, d.col, d.code])).toEqual([[9, 49, 'scan-beside-capture']]);
    expect(ds[0].message).toMatch(/capture "one" \(filter "tcp port 50009", line 7\) and probes the port it keeps/);
  });

  it('tells disjoint capture filters from ones it cannot rule out', () => {
    expect(filtersDisjoint('tcp port 50007', 'tcp port 50009')).toBe(true);
    expect(filtersDisjoint('icmp', 'tcp port 50009')).toBe(true);
    expect(filtersDisjoint('udp port 53', 'port 50009')).toBe(true);
    expect(filtersDisjoint('tcp port 53', 'port 53')).toBe(false);
    expect(filtersDisjoint('tcp port 50007', 'tcp')).toBe(false);
    expect(filtersDisjoint('host 192.0.2.1', 'icmp')).toBe(false);
    expect(filtersDisjoint(undefined, 'icmp')).toBe(false);
  });
});
