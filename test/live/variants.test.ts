/**
 * Ten students' variants of lab 1 up at once (`wirelab up scenarios/lab1.yaml --student sN`):
 * each lab's servers listen on its student's ports, which are what `wirelab grade` derives for
 * that student; no supervisor holds the course secret; `down` leaves no namespace, process,
 * mount, nftables table or state file. Its own state directory (WIRELAB_STATE_DIR); labs are
 * named lab1-sN there, and everything is taken down also when a step fails (afterAll).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { wirelab } from '../helpers/cli.js';
import { alive } from '../helpers/process.js';
import { describeRoot, itRoot } from '../helpers/root.js';
import { deriveVariant } from '../../src/grade/variant.js';
import type { LabState } from '../../src/generated/lab-state.js';

const LAB1 = join(process.cwd(), 'scenarios', 'lab1.yaml');
const SECRET = 'wltvars-course-secret-0123456789';
const root = mkdtempSync(join(tmpdir(), 'wltvars-'));
const env = { WIRELAB_STATE_DIR: join(root, 'state'), WIRELAB_COURSE_SECRET: SECRET };
const STUDENTS = Array.from({ length: 10 }, (_, i) => `s${i + 1}`);

afterAll(async () => {
  await wirelab(['down', '--all'], { env, timeout: 120_000 });
  await wirelab(['cleanup'], { env, timeout: 60_000 });
  rmSync(root, { recursive: true, force: true });
}, 200_000);

const cli = (args: string[], timeout = 150_000) => wirelab(args, { env, cwd: root, timeout });

const netnsList = () =>
  spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((l) => l.split(' ')[0]);

describeRoot('ten variants of lab 1 up at once', () => {
  itRoot(
    'each lab serves its student’s ports, the ones grade derives; down leaves nothing',
    async () => {
      const labs: LabState[] = [];
      // five `up`s at a time: the supervisors build their twelve namespaces side by side
      for (let i = 0; i < STUDENTS.length; i += 5) {
        const batch = await Promise.all(
          STUDENTS.slice(i, i + 5).map((s) => cli(['up', LAB1, '--student', s, '--dir', join(root, s), '--ttl', '15m', '--json'])),
        );
        for (const r of batch) {
          expect(r.stderr).toBe('');
          expect(r.exitCode).toBe(0);
          labs.push(JSON.parse(r.stdout) as LabState);
        }
      }
      const ls = await cli(['ls']);
      for (const s of STUDENTS) expect(ls.stdout).toMatch(new RegExp(`^lab1-${s} +up `, 'm'));
      const variants = new Set<string>();
      for (const [i, lab] of labs.entries()) {
        expect(lab.name).toBe(`lab1-${STUDENTS[i]}`);
        expect(lab.student).toBe(STUDENTS[i]);
        const d = lab.derived ?? {};
        expect(Object.keys(d)).toEqual(['echo_port', 'echo2_port', 'filtered_port']);
        expect(new Set(Object.values(d)).size).toBe(3);
        variants.add(JSON.stringify(d));
        // the lab's servers listen where its variant says
        expect(lab.servers.map((s) => `${s.name}:${s.port}`)).toEqual([`echo:${d.echo_port}`, `echo2:${d.echo2_port}`, 'dns:53']);
        // the grader derives the same values for the student
        const graded = await deriveVariant(LAB1, STUDENTS[i], SECRET);
        expect(graded).toEqual({ student: STUDENTS[i], derived: d });
        // the secret stays with `up`: neither the state nor the supervisor's environment has it
        expect(readFileSync(join(env.WIRELAB_STATE_DIR, 'labs', `${lab.name}.json`), 'utf8')).not.toContain(SECRET);
        expect(readFileSync(`/proc/${lab.pid}/environ`, 'utf8')).not.toContain(SECRET);
      }
      expect(variants.size).toBe(STUDENTS.length);
      // one lab's echo server answers on its variant's port, and the firewall drops its filtered port
      const lab = labs[0];
      const d = lab.derived ?? {};
      const open = await cli(
        ['exec', 'client', '--lab', lab.name, '--', 'ncat', '-w', '5', '--recv-only', '203.0.113.10', String(d.echo_port)],
        60_000,
      );
      expect(open.stdout).toContain('Welcome to COMPENG 4DN4 Echo Server!');
      const shut = await cli(
        ['exec', 'client', '--lab', lab.name, '--', 'ncat', '-w', '1', '-z', '203.0.113.10', String(d.filtered_port)],
        60_000,
      );
      expect(shut.exitCode).not.toBe(0);

      for (const l of labs) {
        const r = await cli(['down', l.name], 120_000);
        expect(r.exitCode).toBe(0);
      }
      const names = new Set(netnsList());
      const mounts = readFileSync('/proc/self/mountinfo', 'utf8');
      for (const l of labs) {
        for (const h of l.hosts) expect(names.has(h.netns), h.netns).toBe(false);
        expect(alive(l.pid), `supervisor ${l.pid}`).toBe(false);
        expect(existsSync(join(env.WIRELAB_STATE_DIR, 'labs', `${l.name}.json`))).toBe(false);
        expect(mounts).not.toContain(l.runId ?? 'no run id');
      }
      // nftables tables live in the lab's namespaces (gone above); none is left in this one
      const nft = spawnSync('nft', ['list', 'tables'], { encoding: 'utf8' }).stdout;
      for (const l of labs) expect(nft).not.toContain(l.runId ?? 'no run id');
      expect(mounts).not.toContain(root);
    },
    900_000,
  );
});
