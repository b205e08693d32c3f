import { execa } from 'execa';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';

const root = process.getuid?.() === 0;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wirelab-int-topo-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const netns = async () =>
  (await execa('ip', ['netns', 'list'])).stdout
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter((n) => /^wl-[0-9a-f]{6}-/.test(n));

describe.runIf(root)('SIGINT during a topology run', () => {
  it.each(['while a step runs', 'while the topology is being built'])(
    '%s: every namespace is removed and the record is written',
    async (when) => {
      const marker = `${40 + Math.floor(Math.random() * 1000)}.${process.pid}`;
      const f = join(dir, `t${marker}.yaml`);
      await writeFile(
        f,
        [
          'name: int-topo',
          'topology:',
          '  hosts:',
          '    ia: { ip: 198.51.100.10/24 }',
          '    ib: { ip: 198.51.100.20/24 }',
          'steps:',
          '  - serve: { as: e, on: ib, echo: {} }',
          `  - exec: { on: ia, run: "sleep ${marker}" }`,
          '    timeout: 60s',
        ].join('\n'),
      );
      const before = new Set(await netns());
      const out = join(dir, `run-${marker}`);
      const child = execa(process.execPath, [BIN, 'run', f, '--out', out], { reject: false, env: { NO_COLOR: '1' }, stdin: 'ignore' });
      // this run's namespaces: new, and named after its hosts (other test files build theirs meanwhile)
      const ours = async () => (await netns()).filter((n) => !before.has(n) && /-(ia|ib)$/.test(n));
      let exited = false;
      void child.finally(() => (exited = true));
      // wait (bounded) for the moment to interrupt; under a loaded CI machine start-up can be slow
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && !exited) {
        if (
          when.startsWith('while a step')
            ? (await execa('pgrep', ['-f', `sleep ${marker}`], { reject: false })).exitCode === 0
            : (await ours()).length > 0
        )
          break;
        await new Promise((r) => setTimeout(r, 25));
      }
      const seen = await ours();
      if (seen.length === 0) {
        child.kill('SIGKILL');
        const r = await child;
        expect.fail(`no namespace of the run appeared (exit ${r.exitCode ?? r.signal}): ${String(r.stderr ?? '').slice(-2000)}`);
      }
      child.kill('SIGINT');
      const r = await child;
      expect(r.exitCode).toBe(130);
      const record = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
      expect(record.run.interrupted).toBe('SIGINT');
      const left = await netns();
      expect(left.filter((n) => seen.includes(n))).toEqual([]);
      expect((await execa('pgrep', ['-f', `sleep ${marker}`], { reject: false })).stdout).toBe('');
    },
  );
});
