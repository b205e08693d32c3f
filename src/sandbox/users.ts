import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { EnvironmentError } from '../errors.js';

/**
 * The sandbox user of a grading slot: `wirelab-student` for slot 0, `wirelab-student-N` for
 * slot N. One user per slot makes RLIMIT_NPROC (counted per user) a per-submission limit, and
 * lets the grader find every process a submission left behind by its user id.
 */
export function slotUser(slot: number): string {
  return slot === 0 ? 'wirelab-student' : `wirelab-student-${slot}`;
}

/** The uid of a user from /etc/passwd, or undefined. */
export function userId(name: string): number | undefined {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const f = line.split(':');
    if (f[0] === name) return Number(f[2]);
  }
  return undefined;
}

/** The primary gid of a user from /etc/passwd, or undefined. */
export function userGid(name: string): number | undefined {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const f = line.split(':');
    if (f[0] === name) return Number(f[3]);
  }
  return undefined;
}

/** Throws the environment error (exit 3) that says the sandbox needs root, unless we are root. */
export function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new EnvironmentError(
      'the sandbox runs student code as a dedicated unprivileged user, which needs root',
      'run wirelab grade as root (sudo), or grade without the sandbox: --no-sandbox',
      'sandbox-needs-root',
    );
  }
}

/**
 * Makes sure the slot users exist, creating them (system users, no home, no login shell) on
 * first use. Needs root: setting another user id is what the sandbox is made of.
 * Returns the uid of each slot.
 */
export function ensureSlotUsers(slots: number): number[] {
  requireRoot();
  const uids: number[] = [];
  for (let i = 0; i < slots; i++) {
    const name = slotUser(i);
    let uid = userId(name);
    if (uid === undefined) {
      try {
        execFileSync('useradd', ['--system', '--no-create-home', '--user-group', '--shell', '/usr/sbin/nologin', name], { stdio: 'pipe' });
      } catch (e) {
        // Another grader may have created it in the meantime.
        if (userId(name) === undefined) {
          throw new EnvironmentError(
            `could not create the sandbox user ${name}: ${(e as Error).message}`,
            `useradd --system --no-create-home --user-group --shell /usr/sbin/nologin ${name}`,
          );
        }
      }
      uid = userId(name);
    }
    if (uid === undefined || uid === 0)
      throw new EnvironmentError(`sandbox user ${name} is missing or is root`, `userdel ${name} && rerun`);
    uids.push(uid);
  }
  return uids;
}

/**
 * Throws an environment error (exit 3) when `user` cannot read every file of the submission
 * folders (and enter every folder): student programs run as that user, and a submission it
 * cannot read would fail to start and be graded 0 for a reason that is not the student's.
 * Typical cause: submissions under a private home folder (0700).
 */
export function requireReadable(user: string, dirs: string[], root: string, maxDepth?: number): void {
  if (!dirs.length) return;
  const depth = maxDepth === undefined ? [] : ['-maxdepth', String(maxDepth)];
  // from /: find returns to its starting folder, which the user may not be able to enter
  const r = spawnSync(
    'runuser',
    ['-u', user, '--', 'find', ...dirs, ...depth, '(', '!', '-readable', '-o', '-type', 'd', '!', '-executable', ')', '-print', '-prune'],
    { encoding: 'utf8', cwd: '/' },
  );
  // find also reports folders it cannot enter on stderr ("Permission denied")
  const denied = [
    ...r.stdout.split('\n'),
    ...r.stderr.split('\n').map((l) => /^find: [‘'](.*)[’']: Permission denied$/.exec(l)?.[1] ?? ''),
  ].filter(Boolean);
  if (r.error)
    throw new EnvironmentError(
      `cannot check what the sandbox user can read: ${r.error.message}`,
      'install util-linux (runuser) and findutils',
      'sandbox-check',
    );
  if (!denied.length && r.status === 0) return;
  const first = denied[0] ?? dirs[0];
  throw new EnvironmentError(
    `the sandbox user ${user} cannot read ${first}${denied.length > 1 ? ` (and ${denied.length - 1} more)` : ''}; student programs run as that user`,
    `let other users read the submissions: chmod -R o+rX ${root} and chmod o+x on each folder above it, or copy them to a folder such as /srv/grading`,
    'submissions-unreadable',
  );
}
