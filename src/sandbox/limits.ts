import { checkWorld, type WorldSpec } from './world.js';

/**
 * Limits for student code. A submission's program runs as an unprivileged slot user under
 * these resource limits (setrlimit via prlimit), so a fork bomb, a memory hog or an output
 * flood is contained to the submission that caused it.
 */
export interface SandboxSpec {
  /** The unprivileged user the program runs as (a dedicated system user per grading slot). */
  user: string;
  /** CPU seconds (RLIMIT_CPU). */
  cpu: number;
  /** Address space in bytes (RLIMIT_AS). Node needs about 1 GiB of virtual memory to start. */
  memory: number;
  /** Processes and threads of the user (RLIMIT_NPROC, counted per user). */
  procs: number;
  /** Largest file the program may write, in bytes (RLIMIT_FSIZE). */
  fsize: number;
  /** Open file descriptors (RLIMIT_NOFILE). */
  nofile: number;
  /**
   * Only commands whose command line contains this text are sandboxed (the submission's
   * absolute folder); absent: every command.
   */
  match?: string;
  /**
   * A private world for each sandboxed command (own PID and mount namespace, fresh /tmp,
   * only the submission's folder visible); absent: the command sees the machine as it is.
   */
  world?: WorldSpec;
}

/** The defaults `wirelab grade` applies (override with --sandbox-* flags). */
export const DEFAULT_LIMITS: Omit<SandboxSpec, 'user' | 'match' | 'world'> = {
  cpu: 20,
  memory: 1536 * 1024 * 1024,
  procs: 64,
  fsize: 16 * 1024 * 1024,
  nofile: 256,
};

/** The environment variable through which a grading run hands its sandbox to `wirelab run`. */
export const SANDBOX_ENV = 'WIRELAB_SANDBOX';

/** The sandbox a `wirelab run` child was given by `wirelab grade`, if any. */
export function sandboxFromEnv(env: NodeJS.ProcessEnv = process.env): SandboxSpec | undefined {
  const raw = env[SANDBOX_ENV];
  if (!raw) return undefined;
  const s = JSON.parse(raw) as SandboxSpec;
  for (const k of ['cpu', 'memory', 'procs', 'fsize', 'nofile'] as const) {
    if (!Number.isInteger(s[k]) || s[k] <= 0) throw new Error(`${SANDBOX_ENV}: ${k} must be a positive integer`);
  }
  if (!/^[a-z_][a-z0-9_-]*$/.test(s.user)) throw new Error(`${SANDBOX_ENV}: bad user name "${s.user}"`);
  if (s.world) checkWorld(s.world);
  return s;
}
