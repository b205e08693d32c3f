import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanBody } from '../../src/generated/scenario.js';
import { formatDiagnostic } from '../../src/scenario/diagnostics.js';
import { allCompiledSteps, DEFAULT_RUN_TIMEOUT_MS } from '../../src/scenario/compile.js';
import { plannedChecks } from '../../src/grade/plan.js';
import { stepKinds, type StepKinds } from '../../src/steps/index.js';
import type { StepKind } from '../../src/steps/kind.js';
import { MAX_DURATION_MS } from '../../src/util/duration.js';
import { diagnostics, load } from '../helpers/scenario.js';
import { wirelab } from '../helpers/cli.js';

const lines = (text: string) => diagnostics(text, 'lab.yaml').map(formatDiagnostic);

const TOPO = ['topology:', '  hosts:', '    client: { ip: 198.51.100.2/24 }', '    server: { ip: 198.51.100.3/24 }'];

describe('the compiled plan', () => {
  it('gives each step its kind, typed body, position, title, points, timeout and children (found through the kind)', () => {
    const plan = load(
      [
        'name: p',
        'timeout: 2m',
        'steps:',
        '  - serve: { as: echo, echo: {} }',
        '  - capture:',
        '      as: cap',
        '      during:',
        '        - connect: { to: echo, as: s }',
        '          points: 2',
        '          timeout: 250ms',
        '        - send: { conn: s, line: hi }',
        '          name: say hi',
        '          points: 1',
        '          hidden: true',
        '    points: 3',
        '',
      ].join('\n'),
    ).plan;
    expect(plan.timeoutMs).toBe(120_000);
    const [serve, capture] = plan.steps;
    expect(serve.kind).toBe('serve');
    expect(serve.def).toBe(stepKinds.serve);
    expect(serve.timeoutMs).toBe(stepKinds.serve.defaultTimeoutMs);
    expect([serve.line, serve.col]).toEqual([4, 5]);
    expect(capture.kind).toBe('capture');
    if (capture.kind !== 'capture') return;
    expect(capture.body.as).toBe('cap'); // typed: CaptureBody
    expect(capture.title).toBe('capture cap');
    expect(capture.points).toBe(3);
    expect(capture.children.map((c) => c.path)).toEqual([['during']]);
    const [connect, send] = capture.children[0].steps;
    expect(connect.path).toEqual(['steps', 1, 'capture', 'during', 0]);
    expect([connect.line, connect.col]).toEqual([8, 11]);
    expect(connect.timeoutMs).toBe(250);
    expect(send.title).toBe('say hi');
    expect(send.hidden).toBe(true);
    expect([...allCompiledSteps(plan.steps)].map((s) => s.kind)).toEqual(['serve', 'capture', 'connect', 'send']);
    // grading lists the same titles the run record will give, nested steps included
    expect(plannedChecks({ ...load('name: q\nsteps: []\n'), plan })).toEqual([
      { name: 'capture cap', maxScore: 3 },
      { name: 'connect to echo as s', maxScore: 2 },
      { name: 'say hi', maxScore: 1, hidden: true },
    ]);
  });

  it('finds the nested steps through the kind also when the step around them has a mistake: two mistakes, two errors', () => {
    const d = lines(
      [
        'name: n',
        'steps:',
        '  - capture:',
        '      as: cap',
        '      filtr: tcp',
        '      during:',
        '        - sned: { conn: s, line: hi }',
        '',
      ].join('\n'),
    );
    expect(d.map((x) => x.split(' ').slice(0, 2).join(' '))).toEqual(['lab.yaml:5:7: unknown-key', 'lab.yaml:7:11: unknown-step']);
  });

  it('gives the run the default timeout when it sets none', () => {
    expect(load('name: d\nsteps: []\n').plan.timeoutMs).toBe(DEFAULT_RUN_TIMEOUT_MS);
  });

  it('types the kind map: a missing kind or a wrongly typed body does not compile (checked by npm run typecheck)', () => {
    // @ts-expect-error a map without every kind of the schema
    const partial: StepKinds = { serve: stepKinds.serve };
    // @ts-expect-error a send kind whose runner takes a scan body
    const wrong: StepKind<'send'> = { ...stepKinds.send, run: async (b: ScanBody) => void b.target };
    // @ts-expect-error a kind registered under another kind's name
    const misnamed: StepKinds = { ...stepKinds, send: stepKinds.expect };
    expect([partial, wrong, misnamed].every((x) => typeof x === 'object')).toBe(true);
  });
});

describe('durations past the maximum (issue 12)', () => {
  it("a step's timeout past 24h is a diagnostic at its value that states the maximum", () => {
    const d = lines(['name: t', 'steps:', '  - exec: { run: "true" }', '    timeout: 2147484s', ''].join('\n'));
    expect(d).toHaveLength(1);
    expect(d[0]).toMatch(/^lab\.yaml:4:14: duration-too-long the step's timeout: duration "2147484s" is longer than the maximum of 24h; /);
  });

  it("the run's timeout and a body's duration (within:) too, in seconds as numbers", () => {
    const d = lines(
      [
        'name: t',
        'timeout: 86401',
        'steps:',
        '  - serve: { as: e, echo: {} }',
        '  - connect: { to: e, as: s }',
        '  - expect: { conn: s, line: hi, within: 1441m }',
        '',
      ].join('\n'),
    );
    expect(d).toEqual([
      `lab.yaml:2:10: duration-too-long the run's timeout: duration 86401 (seconds) is longer than the maximum of 24h; give at most 86400 (seconds), "86400s" or "1440m"`,
      `lab.yaml:6:42: duration-too-long duration "1441m" is longer than the maximum of 24h; give at most 86400 (seconds), "86400s" or "1440m"`,
    ]);
  });

  it('24h itself is allowed', () => {
    expect(
      load(['name: t', 'timeout: 1440m', 'steps:', '  - exec: { run: "true" }', '    timeout: 86400s', ''].join('\n')).plan.steps[0]
        .timeoutMs,
    ).toBe(MAX_DURATION_MS);
  });
});

describe('a step without from:/on: in a scenario with a topology (issue 12)', () => {
  it('is a diagnostic at the step naming the hosts, not a run-time "unknown host local"', () => {
    const d = lines(
      [
        'name: h',
        ...TOPO,
        'steps:',
        '  - serve: { on: server, as: e, echo: {} }',
        '  - connect: { to: e, as: s }',
        '  - exec: { run: "true" }',
        '',
      ].join('\n'),
    );
    expect(d).toEqual([
      'lab.yaml:8:5: missing-host this connect step has no "from:" and the topology has no host "local"; say which host it runs on with "from:", one of: client, server',
      'lab.yaml:9:5: missing-host this exec step has no "on:" and the topology has no host "local"; say which host it runs on with "on:", one of: client, server',
    ]);
  });

  it('is fine without a topology (the step runs on local)', () => {
    expect(lines(['name: h', 'steps:', '  - exec: { run: "true" }', ''].join('\n'))).toEqual([]);
  });
});

describe('wirelab validate a b c', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wirelab-compile-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports every file, exit 2', async () => {
    const a = join(dir, 'a.yaml');
    const b = join(dir, 'b.yaml');
    const c = join(dir, 'c.yaml');
    await writeFile(a, ['name: a', 'steps:', '  - exec: { run: "true" }', '    timeout: 2147484s', ''].join('\n'));
    await writeFile(b, ['name: b', ...TOPO, 'steps:', '  - exec: { run: "true" }', ''].join('\n'));
    await writeFile(c, ['name: c', 'steps:', '  - exec: { run: "true" }', ''].join('\n'));
    const r = await wirelab(['validate', a, b, c]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain(`${c}: ok`);
    expect(r.stderr).toContain(`${a}:4:14: duration-too-long`);
    expect(r.stderr).toContain(`${b}:7:5: missing-host`);
  });
});
