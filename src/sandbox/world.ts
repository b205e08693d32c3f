/**
 * A fresh, private world for a sandboxed command: its own PID namespace (with /proc remounted,
 * so it sees only its own processes, not the grader's command line), its own IPC namespace (no
 * System V shared memory or message queue outlives it for the next submission) and its own
 * mount namespace, in which /tmp, /var/tmp and /dev/shm are empty tmpfs, the grader's output folder,
 * the submissions root and the scenario file are covered by empty read-only mounts, and only
 * the submission's own folder is bound back in (read-only unless the scenario says otherwise).
 *
 * The world's init is a small /bin/sh (PID 1) that sets the mounts up as root, starts the
 * command (already wrapped in prlimit + setpriv, so it runs as the slot user), forwards TERM,
 * INT and HUP to it and exits with its status. When the init ends, the kernel kills every
 * process left in the PID namespace (a double-forked daemon too), and the tmpfs go with the
 * mount namespace: nothing is shared with the next submission and nothing is left.
 * `setpriv --pdeathsig KILL` ties the world to the process that started it (a killed `wirelab
 * run` or agent takes it along), and `unshare --kill-child` ties the init to `unshare`.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { EnvironmentError } from '../errors.js';
import type { CommandLine } from '../util/command-line.js';

/** What a world shows of the file system. */
export interface WorldSpec {
  /** The submission's folder (absolute): the only part of the submissions root the command sees. */
  submission: string;
  /** Absolute paths covered by an empty read-only mount (folders) or an empty file (files). */
  hide: string[];
  /** Whether the command may write to its submission folder (default: read-only). */
  writable?: boolean;
}

/** Size of each fresh /tmp, /var/tmp, /run/lock and /dev/shm (RAM-backed). */
export const WORLD_TMPFS = 'size=64m,nr_inodes=16384,mode=1777,nosuid,nodev';

/**
 * The init script. Paths come in the environment (WL_SUB, WL_HIDE_1…, WL_RW, WL_CWD), not on the
 * command line, because /proc/1/cmdline is readable inside the world; the script unsets them
 * before the command starts. The submission folder is bound to a private staging tmpfs first,
 * since the covers (or the fresh /tmp) may hide the path it is reached by.
 */
export const WORLD_INIT = `set -e
mount -t tmpfs -o size=1m,mode=0700 wl-stage /dev/shm
mkdir /dev/shm/s
mount --bind "$WL_SUB" /dev/shm/s
for d in /tmp /var/tmp /run/lock; do if [ -d "$d" ]; then mount -t tmpfs -o ${WORLD_TMPFS} wl-tmp "$d"; fi; done
i=1; covered=" "
while eval "p=\\\${WL_HIDE_$i-}"; [ -n "$p" ]; do
  if [ -d "$p" ]; then mount -t tmpfs -o size=1m,mode=0755,nosuid,nodev wl-hidden "$p"; covered="$covered$i "
  elif [ -e "$p" ]; then mount --bind -o ro /dev/null "$p"; fi
  i=$((i+1))
done
mkdir -p "$WL_SUB"
mount --move /dev/shm/s "$WL_SUB"
[ "\${WL_RW-}" = 1 ] || mount -o remount,bind,ro "$WL_SUB"
umount /dev/shm
mount -t tmpfs -o ${WORLD_TMPFS} wl-shm /dev/shm
i=1
while eval "p=\\\${WL_HIDE_$i-}"; [ -n "$p" ]; do
  case "$covered" in *" $i "*) mount -o remount,ro "$p";; esac
  i=$((i+1))
done
cd "\${WL_CWD:-/}" 2>/dev/null || cd /
set +e
i=1; while eval "[ -n \\"\\\${WL_HIDE_$i-}\\" ]"; do unset "WL_HIDE_$i"; i=$((i+1)); done
unset WL_SUB WL_RW WL_CWD WIRELAB_SANDBOX covered p i d
exec 3<&0
"$@" <&3 3<&- &
c=$!
exec 3<&-
trap 'kill -TERM $c 2>/dev/null' TERM
trap 'kill -INT $c 2>/dev/null' INT
trap 'kill -HUP $c 2>/dev/null' HUP
while :; do wait $c; st=$?; kill -0 $c 2>/dev/null || break; done
exit $st
`;

/** Folders a world needs to run anything: a hidden path that is or holds one of them is not covered. */
const SYSTEM = [
  '/bin',
  '/sbin',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/usr',
  '/etc',
  '/dev',
  '/proc',
  '/sys',
  '/run',
  '/tmp',
  '/var/tmp',
];

/** Paths a world can take: absolute, no newline (they travel in environment variables). */
export function checkWorld(w: WorldSpec): void {
  for (const p of [w.submission, ...w.hide]) {
    if (typeof p !== 'string' || !p.startsWith('/') || /[\n\0]/.test(p)) throw new Error(`sandbox world: bad path ${JSON.stringify(p)}`);
  }
}

/**
 * `inner` (the limits + user wrapper and the command) run as the world's command. The hidden
 * paths are applied ancestors first, so a path inside one already covered is skipped. The
 * command's exit status is the world's; a command killed by signal N exits 128+N (the init, PID 1
 * of its namespace, cannot die of a signal it sends itself).
 */
export function worldCommand(inner: string[], world: WorldSpec, cwd?: string): CommandLine & { env: Record<string, string> } {
  checkWorld(world);
  const hide = [...new Set(world.hide.map((p) => resolve(p)))]
    .filter((p) => !SYSTEM.some((d) => d === p || d.startsWith(p === '/' ? '/' : `${p}/`)))
    .sort((a, b) => a.length - b.length);
  const env: Record<string, string> = {
    WL_SUB: resolve(world.submission),
    WL_CWD: resolve(cwd ?? process.cwd()),
    WL_RW: world.writable ? '1' : '0',
  };
  hide.forEach((p, i) => (env[`WL_HIDE_${i + 1}`] = p));
  return {
    file: 'setpriv',
    args: [
      '--pdeathsig',
      'KILL',
      '--',
      'unshare',
      '--mount',
      '--pid',
      '--ipc',
      '--fork',
      '--kill-child=KILL',
      '--mount-proc',
      '--',
      '/bin/sh',
      '-c',
      WORLD_INIT,
      'wl-world',
      ...inner,
    ],
    shell: false,
    env,
  };
}

/**
 * Throws the environment error (exit 3) when this machine cannot make a world (no mount or PID
 * namespaces, e.g. inside an unprivileged container): otherwise every student program would fail
 * to start and be graded 0 for a reason that is not the student's.
 */
export function requireWorlds(): void {
  const r = spawnSync(
    'unshare',
    [
      '--mount',
      '--pid',
      '--ipc',
      '--fork',
      '--mount-proc',
      '--',
      '/bin/sh',
      '-c',
      'mount -t tmpfs -o size=1m wl-check /tmp && mount --bind /tmp /tmp',
    ],
    { encoding: 'utf8', timeout: 10_000 },
  );
  if (r.status === 0) return;
  const why = r.error ? r.error.message : (r.stderr.trim().split('\n')[0] ?? `exit ${r.status}`);
  throw new EnvironmentError(
    `the sandbox cannot give student programs a private world (mount and PID namespaces): ${why}`,
    'run wirelab grade as root on the machine itself (not in an unprivileged container), with util-linux installed (unshare, mount); or grade without the sandbox: --no-sandbox',
    'sandbox-world',
  );
}
