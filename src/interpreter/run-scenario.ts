import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { EnvironmentError, UsageError } from '../errors.js';
import { onOutputClosed } from '../util/output-guard.js';
import { writeFileAtomic } from '../util/write-atomic.js';
import { dirname, join, resolve } from 'node:path';
import type { RunRecord, StepRecord } from '../generated/run-record.js';
import type { Topology } from '../topology/index.js';
import { LocalHostSet, type HostSet } from '../hosts/host-set.js';
import { TopologyHostSet, topologyHostSet } from '../topology/host-set.js';
import type { LoadedScenario } from '../scenario/load.js';
import { Interpreter } from './interpreter.js';
import { ReporterMultiplexer, type Reporter } from './reporter.js';
import type { SandboxSpec } from '../sandbox/limits.js';
import { sandboxWrapper } from '../sandbox/wrap.js';
import { hostOps } from '../ops/index.js';

export interface RunOptions {
  /** Folder for run.json and captures (default reports/<scenario name>). */
  out?: string;
  reporter: Reporter;
  vars?: Record<string, string>;
  /** CIDRs besides loopback and the topology that probes may target (`--allow-target`). */
  allowTargets?: string[];
  /**
   * The CLI owns the process: SIGINT/SIGTERM, a closed output pipe (EPIPE) and an uncaught
   * exception stop the run, which tears down and still writes its record.
   */
  handleSignals?: boolean;
  /** The grading sandbox the run's programs start in (`wirelab grade` hands it down). */
  sandbox?: SandboxSpec;
  /**
   * Called after the steps with the built topology (if any), before teardown: `wirelab up`'s
   * supervisor keeps the lab up here. `signal` aborts on interruption or the run's timeout.
   */
  afterSteps?: (steps: StepRecord[], topology: Topology | undefined, signal: AbortSignal) => Promise<void>;
}

/**
 * Checks, before anything is built, that run.json can be written into `runDir`: creates the
 * folder and a probe file in it (so `--out /proc/self` or a read-only folder is exit 2 with the
 * path, not a stack trace after the whole scenario ran).
 */
export async function checkOutDir(runDir: string): Promise<void> {
  const probe = join(runDir, `.wirelab-write-test.${process.pid}`);
  try {
    await mkdirs(runDir);
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(
      `cannot write the run record to ${runDir}: ${err.code ?? err.message}; give --out a folder you can write to`,
      'out-not-writable',
    );
  }
}

/**
 * `mkdir -p`, one level at a time (bounded by the path's depth): Node's own recursive mkdir
 * spins forever under /proc (`--out /proc/self/x`).
 */
async function mkdirs(path: string): Promise<void> {
  try {
    await mkdir(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if (!(await stat(path)).isDirectory()) throw Object.assign(new Error(`${path} is not a folder`), { code: 'ENOTDIR' });
      return;
    }
    const parent = dirname(path);
    if (code !== 'ENOENT' || parent === path) throw e;
    await mkdirs(parent);
    await mkdir(path);
  }
}

/** Runs a loaded scenario end to end and writes `run.json`; returns the record. */
export async function runScenario(loaded: LoadedScenario, opts: RunOptions): Promise<{ record: RunRecord; runDir: string }> {
  const runDir = resolve(opts.out ?? join('reports', loaded.scenario.name));
  await checkOutDir(runDir);
  // Stops are caught from the start: one arriving while the topology is built stops the run
  // as soon as the interpreter exists, so teardown removes what was built.
  let interp: Interpreter | undefined;
  let early: string | undefined;
  const stop = (reason: string) => (interp ? interp.interrupt(reason) : (early ??= reason));
  const onSignal = (sig: NodeJS.Signals) => stop(sig);
  const onException = (e: unknown) => {
    try {
      process.stderr.write(`wirelab: unexpected error (this is a bug); tearing down\n${e instanceof Error ? e.stack : String(e)}\n`);
    } catch {
      /* output closed */
    }
    stop('exception');
  };
  let offOutput = () => {};
  if (opts.handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('uncaughtException', onException);
    process.on('unhandledRejection', onException);
    offOutput = onOutputClosed(() => stop('SIGPIPE'));
  }
  try {
    return await runWith(loaded, opts, runDir, (i) => {
      interp = i;
      if (early) i.interrupt(early);
    });
  } finally {
    if (opts.handleSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onException);
      offOutput();
    }
  }
}

async function runWith(
  loaded: LoadedScenario,
  opts: RunOptions,
  runDir: string,
  started: (i: Interpreter) => void,
): Promise<{ record: RunRecord; runDir: string }> {
  const topo = loaded.scenario.topology;
  if (topo && !loaded.plan.topology) throw new Error('a scenario with a topology reached the run without its plan');
  const hosts: HostSet = loaded.plan.topology
    ? await topologyHostSet(loaded.plan.topology, { workdir: runDir }, (errors) =>
        errors.forEach((e) => process.emitWarning(`topology teardown: ${e.message}`)),
      )
    : new LocalHostSet(runDir, hostOps, opts.sandbox && sandboxWrapper(opts.sandbox));
  const resolvers = new Map(
    Object.entries(topo?.hosts ?? {}).flatMap(([name, h]) =>
      h?.resolver
        ? [[name, { nameservers: [h.resolver.nameserver].flat(), search: h.resolver.search ?? [], ndots: h.resolver.ndots }] as const]
        : [],
    ),
  );
  const interp = new Interpreter(loaded, {
    runName: loaded.scenario.name,
    runDir,
    hosts: (name) => hosts.host(name),
    addresses: hosts.addresses,
    allowedTargets: [...hosts.allowedTargets, ...(opts.allowTargets ?? [])],
    // a reporter that throws costs neither the run nor its record
    reporter: new ReporterMultiplexer([opts.reporter]),
    vars: opts.vars,
    resolvers,
    ...(opts.afterSteps
      ? {
          afterSteps: (steps: StepRecord[], signal: AbortSignal) =>
            opts.afterSteps!(steps, hosts instanceof TopologyHostSet ? hosts.topology : undefined, signal),
        }
      : {}),
  });
  // Hosts go last: after every fixture, connection and capture was released.
  interp.teardown.push('hosts', () => hosts.close());
  started(interp);
  const record = await interp.run();
  if (hosts instanceof TopologyHostSet) record.topology = { runId: hosts.topology.runId, ...hosts.topology.record() };
  try {
    await writeFileAtomic(join(runDir, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
  } catch (e) {
    throw new EnvironmentError(
      `cannot write ${join(runDir, 'run.json')}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      `free space or permissions on ${runDir}`,
    );
  }
  return { record, runDir };
}
