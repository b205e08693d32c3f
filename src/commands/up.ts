/**
 * `wirelab up SCENARIO [--var K=V] [--student ID] [--name LAB] [--ttl DUR] [--dir DIR]`: brings a scenario up
 * as a live lab. A detached supervisor (`wirelab live-supervisor LAB`) builds the topology and
 * starts the lab's servers (the top-level `serve` steps, or those `live.serve` names), then
 * holds them until `wirelab down`, or the time to live. This command waits until the lab is up
 * (or failed), prints its hosts and how to enter them. Exit codes: 0 up, 2 bad input, 3
 * environment (with the fix), 4 bug.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { withExit } from './exit.js';
import { printDiagnostics } from './diagnostics-out.js';
import { ExitCode, UsageError } from '../errors.js';
import { checkOutDir } from '../interpreter/run-scenario.js';
import { readScenario } from '../scenario/read.js';
import { liveSteps, parseTtl, scenarioTtlMs } from '../live/plan.js';
import { claimLab, LAB_NAME, readLab, removeLab, type LabState } from '../live/state.js';
import { parseVars } from './run.js';
import { addVariantOptions, courseSecret } from './variant-options.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long `up` waits for the supervisor to report up or failed. */
const UP_TIMEOUT_MS = 120_000;

export function describeLab(lab: LabState): string {
  const width = Math.max(4, ...lab.hosts.map((h) => h.name.length));
  const lines = [
    `lab ${lab.name} is up (scenario ${lab.scenarioName}; until ${lab.expiresAt}, supervisor pid ${lab.pid})`,
    `work folder: ${lab.workdir}`,
    '',
    `  ${'host'.padEnd(width)}  addresses`,
    ...lab.hosts.map((h) => `  ${h.name.padEnd(width)}  ${h.addresses.join(' ')}${h.router ? '  (router)' : ''}`),
  ];
  if (lab.servers.length) {
    lines.push('', '  servers:');
    for (const s of lab.servers) lines.push(`  ${s.name} (${s.kind ?? 'server'}) on ${s.host} ${s.address}:${s.port}`);
  }
  const first = lab.hosts.find((h) => !h.router)?.name ?? lab.hosts[0]?.name ?? 'HOST';
  const vars = Object.entries(lab.derived ?? {});
  if (lab.student !== undefined)
    lines.push('', `  variant of student ${lab.student}${vars.length ? `: ${vars.map(([k, v]) => `${k}=${v}`).join(' ')}` : ''}`);
  lines.push(
    '',
    `enter a host:    wirelab shell ${first} --lab ${lab.name}`,
    `run one command: wirelab exec ${first} --lab ${lab.name} -- ip -br addr`,
    `take it down:    wirelab down ${lab.name}`,
    '',
  );
  return lines.join('\n');
}

export async function runUp(
  file: string,
  opts: { var: string[]; student?: string; secretFile?: string; name?: string; ttl?: string; dir?: string; json?: boolean },
): Promise<number> {
  const vars = parseVars(opts.var);
  const r = await readScenario(file, { vars, student: opts.student, secret: courseSecret(opts.secretFile), strict: true });
  if (!r.ok) {
    printDiagnostics(r.diagnostics);
    return ExitCode.badInput;
  }
  const live = liveSteps(r.loaded);
  if (live.diagnostics.length) {
    printDiagnostics(live.diagnostics);
    return ExitCode.badInput;
  }
  // one lab per student by default: ten students' labs of one scenario are up side by side
  const name =
    opts.name ??
    (opts.student !== undefined ? `${r.loaded.scenario.name}-${opts.student.replace(/[^A-Za-z0-9_-]/g, '_')}` : r.loaded.scenario.name);
  if (!LAB_NAME.test(name)) throw new UsageError(`--name takes letters, digits, - and _, starting with a letter; got "${name}"`);
  let ttlMs = scenarioTtlMs(r.loaded);
  if (opts.ttl !== undefined) {
    const t = parseTtl(opts.ttl);
    if (t === undefined) throw new UsageError(`--ttl takes a duration up to 24h (90s, 30m, 4h); got "${opts.ttl}"`);
    ttlMs = t;
  }
  const workdir = resolve(opts.dir ?? join('labs', name));
  await checkOutDir(workdir);
  const now = Date.now();
  // the supervisor compiles the same variant from these values: it never sees the secret
  const derived = Object.entries(r.loaded.variant.vars).flatMap(([k, v]) => (v.from === 'student' ? [[k, String(v.value)] as const] : []));
  const state: LabState = {
    name,
    scenario: resolve(file),
    scenarioName: r.loaded.scenario.name,
    vars,
    ...(opts.student !== undefined ? { student: opts.student } : {}),
    ...(derived.length ? { derived: Object.fromEntries(derived) } : {}),
    status: 'starting',
    pid: 0,
    pidStart: '',
    createdAt: new Date(now).toISOString(),
    ttlMs,
    expiresAt: new Date(now + ttlMs).toISOString(),
    workdir,
    hosts: [],
    servers: [],
  };
  claimLab(state);
  const logFd = openSync(join(workdir, 'supervisor.log'), 'a');
  let exited: number | null | undefined;
  try {
    const child = spawn(process.execPath, [process.argv[1], 'live-supervisor', name], {
      detached: true,
      stdio: ['ignore', logFd, logFd],
      cwd: process.cwd(),
    });
    child.on('exit', (code) => (exited = code));
    child.on('error', () => (exited = -1));
    child.unref();
  } finally {
    closeSync(logFd);
  }
  const until = Date.now() + UP_TIMEOUT_MS;
  let s = readLab(name);
  while (Date.now() < until && exited === undefined && s?.status === 'starting') {
    await sleep(10);
    s = readLab(name);
  }
  if (s?.status === 'up') {
    process.stdout.write(opts.json ? `${JSON.stringify(s, null, 2)}\n` : describeLab(s));
    return ExitCode.ok;
  }
  // failed, died, or too slow: nothing of it may stay
  if (s?.pid && exited === undefined) {
    try {
      process.kill(s.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
    while (Date.now() < until + 30_000 && exited === undefined) await sleep(20);
  }
  const last = readLab(name) ?? s;
  removeLab(name);
  const why =
    last?.error?.message ?? (exited === undefined ? `not up within ${UP_TIMEOUT_MS / 1000} s` : `its supervisor exited (${exited})`);
  process.stderr.write(`wirelab: lab ${name} did not come up: ${why}\n  (supervisor log: ${join(workdir, 'supervisor.log')})\n`);
  return last?.error?.exit ?? ExitCode.unexpected;
}

export function register(program: Command): void {
  const up = program
    .command('up')
    .description(
      'bring a scenario up as a live lab (its topology and servers) that stays up in the background; enter it with `wirelab shell`',
    )
    .argument('<scenario>', 'scenario file (with a topology)')
    .option('--var <name=value...>', 'values for {{name}} in the scenario', [])
    .option('--name <lab>', "the lab's name (default: the scenario's name, with -ID for --student ID)")
    .option('--ttl <duration>', "how long it stays up before it takes itself down (default: the scenario's live.ttl, or 4h; at most 24h)")
    .option('--dir <folder>', "the lab's work folder: session recordings and the supervisor's log (default labs/<lab>)")
    .option('--json', "print the lab's state (JSON) instead of the table");
  addVariantOptions(up).action(
    withExit(
      (
        file: string,
        opts: { var: string[]; student?: string; secretFile?: string; name?: string; ttl?: string; dir?: string; json?: boolean },
      ) => runUp(file, opts),
    ),
  );
}
