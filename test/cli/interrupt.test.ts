import { execa } from 'execa';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wirelab-int-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.connect({ host: '127.0.0.1', port });
  });
}

async function pgrep(pattern: string): Promise<string> {
  const r = await execa('pgrep', ['-af', pattern], { reject: false });
  return r.stdout
    .split('\n')
    .filter((l) => l && !l.includes('pgrep'))
    .join('\n');
}

describe.each(['SIGINT', 'SIGTERM'] as const)('%s in the middle of a run', (signal) => {
  it('leaves no child process and no listening port behind, and still writes the record', async () => {
    // A sleep length no other process uses, so pgrep finds only this run's.
    const marker = `${30 + Math.floor(Math.random() * 1000)}.${process.pid}`;
    const f = join(dir, `${signal}.yaml`);
    await writeFile(
      f,
      [
        `name: interrupt-${signal.toLowerCase()}`,
        'steps:',
        '  - serve: { as: echo, echo: {} }',
        '  - serve:',
        '      as: prog',
        "      command: { run: [node, -e, \"require('net').createServer().listen(+process.env.PORT, '127.0.0.1')\"] }",
        '  - connect: { to: prog, as: c }',
        `  - exec: { run: "sleep ${marker}; echo never" }`,
        '    timeout: 60s',
        '  - exec: { run: "true" }',
      ].join('\n'),
    );
    const out = join(dir, `${signal}-run`);
    const child = execa(process.execPath, [BIN, 'run', f, '--out', out], { reject: false, env: { NO_COLOR: '1' }, stdin: 'ignore' });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // Wait until the long step runs (its sleep exists), bounded.
    for (let i = 0; i < 100 && !(await pgrep(`sleep ${marker}`)); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await pgrep(`sleep ${marker}`)).not.toBe('');
    child.kill(signal);
    const r = await child;
    expect(r.exitCode).toBe(signal === 'SIGINT' ? 130 : 143);
    const record = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
    expect(record.run.interrupted).toBe(signal);
    expect(record.steps.map((s: { status: string }) => s.status)).toEqual(['passed', 'passed', 'passed', 'skipped', 'skipped']);
    const ports = record.steps.slice(0, 2).map((s: { fixture: { port: number } }) => s.fixture.port);
    for (const p of ports) expect(await portOpen(p), `port ${p} still listening`).toBe(false);
    expect(await pgrep(`sleep ${marker}`)).toBe('');
    expect(await pgrep(`listen\\(\\+process.env.PORT`)).toBe('');
    expect(err).toContain('interrupted');
  });
});
