/**
 * Live labs' state files: `<state dir>/labs/<name>.json` (schemas/lab-state.schema.json), and
 * each lab's own files beside it in `<state dir>/labs/<name>/` (hosts files, resolv.conf,
 * the shell's rc file). The name is claimed by creating the file exclusively.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabState } from '../generated/lab-state.js';
import { lab_state as validateLabState } from '../generated/lab-state-validator.js';
import { processStart } from '../topology/state.js';
import { stateDir } from '../topology/state.js';
import { UsageError } from '../errors.js';

export type { LabState } from '../generated/lab-state.js';

export function labsDir(): string {
  return join(stateDir(), 'labs');
}

export function labStatePath(name: string): string {
  return join(labsDir(), `${name}.json`);
}

/** The lab's own files (hosts files, resolv.conf, rc file): removed with the lab. */
export function labFilesDir(name: string): string {
  return join(labsDir(), name);
}

export const LAB_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** Creates the lab's state file exclusively; UsageError when a lab of that name exists. */
export function claimLab(state: LabState): void {
  mkdirSync(labsDir(), { recursive: true, mode: 0o755 });
  try {
    writeFileSync(labStatePath(state.name), JSON.stringify(state, null, 2), { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const old = readLab(state.name);
    if (old && old.pid > 0 && !supervisorAlive(old))
      throw new UsageError(
        `a lab named "${state.name}" was left behind by a supervisor that is gone (pid ${old.pid}); remove it with \`wirelab cleanup\``,
        'lab-exists',
      );
    throw new UsageError(
      `a lab named "${state.name}" is already up (wirelab ls); take it down with \`wirelab down ${state.name}\` or give another --name`,
      'lab-exists',
    );
  }
}

/** Rewrites a lab's state file atomically. */
export function saveLab(state: LabState): void {
  const tmp = `${labStatePath(state.name)}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2));
  renameSync(tmp, labStatePath(state.name));
}

export function removeLab(name: string): void {
  rmSync(labStatePath(name), { force: true });
  rmSync(labFilesDir(name), { recursive: true, force: true });
}

/** A lab's state, or undefined when there is none (or it is not a valid state file). */
export function readLab(name: string): LabState | undefined {
  try {
    const v: unknown = JSON.parse(readFileSync(labStatePath(name), 'utf8'));
    return validateLabState(v) ? (v as LabState) : undefined;
  } catch {
    return undefined;
  }
}

/** Every lab with a valid state file, by name. */
export function readLabs(): LabState[] {
  let names: string[];
  try {
    names = readdirSync(labsDir());
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.json') && LAB_NAME.test(n.slice(0, -5)))
    .sort()
    .flatMap((n) => readLab(n.slice(0, -5)) ?? []);
}

/** True while the lab's supervisor (that very process, not a reuse of its PID) is alive. */
export function supervisorAlive(s: Pick<LabState, 'pid' | 'pidStart'>): boolean {
  return s.pid > 0 && processStart(s.pid) === s.pidStart;
}

/**
 * The lab a command means: the one named, or the only live one. UsageError (exit 2) naming
 * the labs that are up otherwise.
 */
export function pickLab(name: string | undefined): LabState {
  if (name !== undefined) {
    const s = readLab(name);
    if (!s) throw new UsageError(`no live lab named "${name}"${labList()}`, 'no-such-lab');
    return s;
  }
  const labs = readLabs();
  if (labs.length === 1) return labs[0];
  if (!labs.length) throw new UsageError('no live lab: bring one up with `wirelab up SCENARIO`', 'no-lab');
  throw new UsageError(`${labs.length} labs are up; say which with --lab NAME${labList()}`, 'which-lab');
}

function labList(): string {
  const labs = readLabs();
  return labs.length ? ` (labs up: ${labs.map((l) => l.name).join(', ')})` : '';
}
