import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeRoot } from '../helpers/root.js';
import { gradeSubmission, type GradeJob } from '../../src/grade/run-one.js';
import { SlotRunner } from '../../src/grade/runner.js';
import { plannedChecks } from '../../src/grade/plan.js';
import { loadScenario, type LoadedScenario } from '../../src/scenario/load.js';
import { DEFAULT_LIMITS } from '../../src/sandbox/limits.js';
import { processesOf } from '../../src/sandbox/reap.js';
import { ensureSlotUsers, slotUser } from '../../src/sandbox/users.js';
import { claimSlots } from '../../src/sandbox/slots.js';
import type { RunRecord } from '../../src/generated/run-record.js';

/** Submissions by behaviour: a server on every address of its host that greets, or not. */
const SERVERS: Record<string, string> = {
  good: 'c.sendall(b"Welcome to the echo server!\\r\\n")',
  'no-banner': 'c.sendall(b"hello\\r\\n")',
  hang: 'time.sleep(60)',
  crash: 'raise RuntimeError("student server crashed at start")',
};
const serverPy = (body: string) =>
  body.startsWith('raise')
    ? `print("starting up", flush=True)\n${body}\n`
    : `import os, socket, time\ns = socket.socket()\ns.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\ns.bind(("0.0.0.0", int(os.environ["PORT"])))\ns.listen()\nwhile True:\n    c, _ = s.accept()\n    ${body}\n`;

// The echo assignment on a topology of two hosts: a topology scenario is graded on the slot's
// runner (one without one gets a loopback namespace of its own and a `wirelab run` child).
const SCENARIO_TEXT = `name: runner-echo
timeout: 20s
topology:
  hosts:
    a: { ip: 198.51.100.2/24 }
    b: { ip: 198.51.100.3/24 }
steps:
  - serve: { as: student, on: b, port: 50007, command: { run: ["/bin/sh", "{{submission}}/start.sh"], ready: 5s } }
    name: start the submitted server
  - connect: { from: a, to: student, as: s }
    name: accepts a connection
    points: 1
  - expect: { conn: s, line: "Welcome to the echo server!", within: 2s }
    name: sends the banner
    points: 1
`;

let dir: string;
let SUBS: string;
let scenario: string;
let loaded: LoadedScenario;
let claim: { slots: number[]; release: () => void };
let uid: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wlt7-runner-'));
  chmodSync(dir, 0o755);
  SUBS = join(dir, 'subs');
  for (const [name, body] of Object.entries(SERVERS)) {
    mkdirSync(join(SUBS, name), { recursive: true });
    writeFileSync(join(SUBS, name, 'start.sh'), '#!/bin/sh\nexec /usr/bin/python3 "$(dirname "$0")/server.py"\n');
    writeFileSync(join(SUBS, name, 'server.py'), serverPy(body));
  }
  execFileSync('chmod', ['-R', 'a+rX', dir]);
  scenario = join(dir, 'runner-echo.yaml');
  writeFileSync(scenario, SCENARIO_TEXT);
  const r = await loadScenario(scenario);
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  loaded = r.loaded;
  claim = claimSlots(1);
  uid = ensureSlotUsers(claim.slots[0] + 1)[claim.slots[0]];
});

afterAll(() => {
  claim?.release();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const job = (sub: string, over: Partial<GradeJob> = {}): GradeJob => ({
  scenarioFile: scenario,
  scenarioName: 'runner-echo',
  submission: sub,
  submissionDir: join(SUBS, sub),
  submissionsRoot: SUBS,
  classOutDir: join(dir, 'out'),
  outDir: join(dir, 'out', `${sub}-${Math.random().toString(16).slice(2, 8)}`),
  timeoutMs: 30_000,
  planned: plannedChecks(loaded),
  sandbox: { ...DEFAULT_LIMITS, user: slotUser(claim.slots[0]), uid },
  ...over,
});

const record = (outDir: string) => JSON.parse(readFileSync(join(outDir, 'run', 'run.json'), 'utf8')) as RunRecord;
/** The runner's pid, for telling whether two submissions ran on the same runner. */
const pidOf = (r: SlotRunner) => (r as unknown as { live?: { child: { pid: number } } }).live?.child.pid;
/** Network namespaces named for a run id. */
const namespacesOf = (runId: string | undefined) =>
  execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => runId !== undefined && l.startsWith(`wl-${runId}-`));

describeRoot('the slot runner', () => {
  it('grades submissions one after another in one process, each in a topology of its own, as the child did', async () => {
    const runner = new SlotRunner();
    try {
      const a = job('good');
      const b = job('no-banner');
      const c = job('good');
      const ra = await gradeSubmission(a, runner);
      const pid = pidOf(runner);
      const rb = await gradeSubmission(b, runner);
      const rc = await gradeSubmission(c, runner);
      expect(pid).toBeGreaterThan(0);
      expect(pidOf(runner)).toBe(pid);
      expect([ra, rb, rc].map((r) => r.grade.score)).toEqual([2, 1, 2]);
      expect(rb.grade.checks.map((x) => x.score)).toEqual([1, 0]);
      // the same submission graded by a `wirelab run` child: the same grade
      const child = await gradeSubmission(job('good'));
      expect(child.grade).toEqual(ra.grade);
      // every submission got its own run (own namespaces), and none is left
      const ids = [a, b, c].map((j) => record(j.outDir).topology?.runId);
      expect(ids.every((id) => typeof id === 'string')).toBe(true);
      expect(new Set(ids).size).toBe(3);
      for (const id of ids) expect(namespacesOf(id)).toEqual([]);
      expect(processesOf(uid)).toEqual([]);
    } finally {
      await runner.close();
    }
  }, 120_000);

  it('a submission past the wall-clock limit is stopped with its reason, and the next one gets a fresh runner', async () => {
    const runner = new SlotRunner();
    try {
      // the hang: it accepts and never answers; the scenario's own expect would wait 2 s
      const slow = job('hang', { timeoutMs: 1500 });
      await gradeSubmission(job('good'), runner);
      const first = pidOf(runner);
      const r = await gradeSubmission(slow, runner);
      expect(r.grade).toMatchObject({ status: 'error', error: 'timed out after 1.5 s' });
      expect(readFileSync(join(slow.outDir, 'feedback.md'), 'utf8')).toMatch(/timed out after 1\.5 s/);
      expect(processesOf(uid)).toEqual([]);
      // the interrupted run tore its topology down
      const runId = record(slow.outDir).topology?.runId;
      expect(runId).toMatch(/^[0-9a-f]{6}$/);
      expect(namespacesOf(runId)).toEqual([]);
      const next = await gradeSubmission(job('good'), runner);
      expect(next.grade.score).toBe(2);
      expect(pidOf(runner)).not.toBe(first);
    } finally {
      await runner.close();
    }
  }, 120_000);

  it('a run that fails before running keeps its exit code and message; a runner killed between submissions is replaced', async () => {
    const runner = new SlotRunner();
    try {
      const bad = await gradeSubmission(job('good', { scenarioFile: join(dir, 'no-such-scenario.yaml') }), runner);
      expect(bad.grade).toMatchObject({ score: 0, maxScore: 2, status: 'error' });
      expect(bad.grade.error).toMatch(/without a run record \(exit 2\)/);
      const pid = pidOf(runner)!;
      expect(pid).toBeGreaterThan(0);
      process.kill(pid, 'SIGKILL');
      // its exit is noticed (or not yet): either way the next submission runs
      await new Promise((r) => setTimeout(r, 100));
      const r = await gradeSubmission(job('good'), runner);
      expect(r.grade.score).toBe(2);
      expect(pidOf(runner)).not.toBe(pid);
    } finally {
      await runner.close();
    }
  }, 120_000);

  it('a student program that crashes is graded as by the child, and the runner goes on', async () => {
    const runner = new SlotRunner();
    try {
      const crash = job('crash');
      const r = await gradeSubmission(crash, runner);
      const pid = pidOf(runner);
      expect(r.grade.score).toBe(0);
      expect(readFileSync(join(crash.outDir, 'feedback.md'), 'utf8')).toMatch(/RuntimeError: student server crashed at start/);
      const ok = await gradeSubmission(job('good'), runner);
      expect(ok.grade.score).toBe(2);
      expect(pidOf(runner)).toBe(pid);
    } finally {
      await runner.close();
    }
  }, 120_000);
});
