import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { runScenario } from '../../src/interpreter/run-scenario.js';
import { ReporterMultiplexer, silentReporter, type Reporter } from '../../src/interpreter/reporter.js';
import { load } from '../helpers/scenario.js';

// one passing and one failing step: exit code 1 whatever the display does
const SCENARIO = `
name: t
steps:
  - exec: { run: [echo, hi], expect: { stdout: { contains: hi } } }
  - exec: { run: [echo, hi], expect: { stdout: { contains: bye } } }
`;

const HOOKS = ['runStarted', 'stepStarted', 'stepFinished', 'runFinished'] as const;

class BrokenDisplay implements Reporter {
  calls = 0;
  constructor(private readonly hook: (typeof HOOKS)[number]) {}
  runStarted() {
    this.boom('runStarted');
  }
  stepStarted() {
    this.boom('stepStarted');
  }
  stepFinished() {
    this.boom('stepFinished');
  }
  runFinished() {
    this.boom('runFinished');
  }
  private boom(hook: string) {
    this.calls++;
    if (hook === this.hook) throw new Error(`display broke in ${hook}`);
  }
}

async function run(reporter: Reporter) {
  const dir = await mkdtemp(join(tmpdir(), 'wirelab-reporter-'));
  const written: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    written.push(String(s));
    return true;
  });
  try {
    const { record } = await runScenario(load(SCENARIO, join(process.cwd(), 'test.yaml')), { out: dir, reporter });
    const onDisk = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8'));
    return { record, onDisk, stderr: written.join('') };
  } finally {
    spy.mockRestore();
    await rm(dir, { recursive: true, force: true });
  }
}

describe('reporters', () => {
  it.each(HOOKS)('a display that throws in %s costs neither run.json nor the exit code; the error shows once', async (hook) => {
    const quiet = await run(silentReporter);
    const broken = new BrokenDisplay(hook);
    const r = await run(broken);
    expect(r.onDisk.run.exitCode).toBe(1);
    expect(r.onDisk.run.exitCode).toBe(quiet.onDisk.run.exitCode);
    expect(r.onDisk.steps.map((s: { status: string }) => s.status)).toEqual(['passed', 'failed']);
    expect(r.stderr.match(/BrokenDisplay failed in \w+/g)).toEqual([`BrokenDisplay failed in ${hook}`]);
    expect(r.stderr).toContain(`display broke in ${hook}`);
    // the reporter still got every call (run, 2 × step started, 2 × step finished, run)
    expect(broken.calls).toBe(6);
  });

  it('a reporter may implement only some hooks', async () => {
    const seen: string[] = [];
    const r = await run({ stepFinished: (s) => seen.push(s.path) });
    expect(seen).toEqual(['steps[0]', 'steps[1]']);
    expect(r.stderr).toBe('');
  });

  it('the multiplexer calls the others after one throws, and reports a reporter once however often it fails', () => {
    const out: string[] = [];
    const got: string[] = [];
    const always: Reporter = {
      runStarted() {
        throw new Error('one');
      },
      stepStarted() {
        throw new Error('two');
      },
    };
    const m = new ReporterMultiplexer([always, { runStarted: (i) => got.push(i.name), stepStarted: (s) => got.push(s.path) }], {
      write: (s) => out.push(s),
    });
    m.runStarted({ name: 'n', steps: 1 });
    m.stepStarted({ path: 'steps/0', kind: 'exec', title: 't', host: 'local', depth: 0 });
    expect(got).toEqual(['n', 'steps/0']);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^wirelab: a reporter failed in runStarted .*\nError: one/);
    expect(m.failed.get(always)).toBe(2);
  });

  it('a hook whose promise rejects is reported too, not left unhandled', async () => {
    const out: string[] = [];
    // a JavaScript reporter may be async although the hooks are typed void: that is the case under test
    // eslint-disable-next-line @typescript-eslint/no-misused-promises
    const m = new ReporterMultiplexer([{ runFinished: () => Promise.reject(new Error('late')) }], { write: (s) => out.push(s) });
    m.runFinished({} as never);
    await new Promise((r) => setImmediate(r));
    expect(out.join('')).toMatch(/failed in runFinished[^]*late/);
  });
});
