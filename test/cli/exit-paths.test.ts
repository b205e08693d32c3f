import { execa } from 'execa';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, wirelab } from '../helpers/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wirelab-exit-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const root = process.getuid?.() === 0;
const namespaces = () =>
  execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter(Boolean);

async function pgrep(pattern: string): Promise<string> {
  const r = await execa('pgrep', ['-f', pattern], { reject: false });
  return r.stdout.trim();
}

/** Starts `wirelab run` and closes its stderr (where the live display goes) after the first line, like `| head -1`. */
async function runWithClosedPipe(file: string, out: string) {
  const child = execa(process.execPath, [BIN, 'run', file, '--out', out], {
    reject: false,
    env: { NO_COLOR: '1' },
    stdin: 'ignore',
    timeout: 60_000,
  });
  let seen = '';
  await new Promise<void>((resolve) => {
    child.stderr.on('data', (d: Buffer) => {
      seen += d.toString();
      if (seen.includes('\n')) {
        child.stderr.destroy();
        resolve();
      }
    });
    void child.then(() => resolve());
  });
  return child;
}

describe('a closed output pipe (wirelab run … | head -1) tears down', () => {
  it('stops the run, kills what it started, writes run.json and exits 141', async () => {
    const marker = `${40 + Math.floor(Math.random() * 1000)}.${process.pid}`;
    const f = join(dir, 'pipe.yaml');
    await writeFile(
      f,
      [
        'name: pipe',
        'steps:',
        '  - exec: { run: "true" }',
        `  - exec: { run: "sleep ${marker}" }`,
        '    timeout: 60s',
        '  - exec: { run: "true" }',
      ].join('\n'),
    );
    const out = join(dir, 'pipe-run');
    const r = await runWithClosedPipe(f, out);
    expect(r.exitCode).toBe(141);
    const record = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
    expect(record.run.interrupted).toBe('SIGPIPE');
    expect(await pgrep(`sleep ${marker}`)).toBe('');
  });

  it.skipIf(!root)('removes the namespaces of a topology', async () => {
    const f = join(dir, 'pipe-topo.yaml');
    await writeFile(
      f,
      [
        'name: pipe-topo',
        'topology:',
        '  hosts:',
        '    a: { ip: 192.0.2.1/24 }',
        '    b: { ip: 192.0.2.2/24 }',
        'steps:',
        '  - exec: { on: a, run: "true" }',
        '  - exec: { on: b, run: "sleep 20" }',
        '    timeout: 30s',
      ].join('\n'),
    );
    const out = join(dir, 'pipe-topo-run');
    const r = await runWithClosedPipe(f, out);
    expect(r.exitCode).toBe(141);
    const record = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
    const id = record.topology.runId as string;
    expect(namespaces().filter((n) => n.startsWith(`wl-${id}-`))).toEqual([]);
    expect(existsSync(`/run/wirelab/${id}.json`)).toBe(false);
  });
});

describe('an unwritable --out is refused before anything runs', () => {
  it.each(['/proc/self', '/proc/self/wirelab-out'])('--out %s: exit 2 with the path, no stack, nothing run', async (outDir) => {
    const marker = join(dir, `ran-${Math.random().toString(36).slice(2)}`);
    const f = join(dir, 'out.yaml');
    await writeFile(f, ['name: out', 'steps:', `  - exec: { run: "touch ${marker}" }`].join('\n'));
    const r = await wirelab(['run', f, '--out', outDir]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(outDir);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(marker)).toBe(false);
  });
});
