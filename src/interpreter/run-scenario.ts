import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RunRecord } from '../generated/run-record.js';
import { LocalHostSet, type HostSet } from './host-set.js';
import { TopologyHostSet, topologyHostSet } from '../topology/host-set.js';
import type { TopologyModel } from '../topology/model.js';
import type { LoadedScenario } from '../scenario/load.js';
import { Interpreter } from './interpreter.js';
import type { Reporter } from './reporter.js';

export interface RunOptions {
  /** Folder for run.json and captures (default reports/<scenario name>). */
  out?: string;
  reporter: Reporter;
  vars?: Record<string, string>;
  /** CIDRs besides loopback and the topology that probes may target (`--allow-target`). */
  allowTargets?: string[];
  /** Handle SIGINT/SIGTERM by stopping the run and tearing down (the CLI sets this). */
  handleSignals?: boolean;
}

/** Writes a file so that readers never see half of it. */
export async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/** Runs a loaded scenario end to end and writes `run.json`; returns the record. */
export async function runScenario(loaded: LoadedScenario, opts: RunOptions): Promise<{ record: RunRecord; runDir: string }> {
  const runDir = resolve(opts.out ?? join('reports', loaded.scenario.name));
  await mkdir(runDir, { recursive: true });
  // Signals are caught from the start: one arriving while the topology is built stops the run
  // as soon as the interpreter exists, so teardown removes what was built.
  let interp: Interpreter | undefined;
  let early: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => (interp ? interp.interrupt(sig) : (early ??= sig));
  if (opts.handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
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
    }
  }
}

async function runWith(loaded: LoadedScenario, opts: RunOptions, runDir: string, started: (i: Interpreter) => void): Promise<{ record: RunRecord; runDir: string }> {
  const topo = loaded.scenario.topology;
  const hosts: HostSet = topo
    ? await topologyHostSet(topo as unknown as TopologyModel, { workdir: runDir }, (errors) => errors.forEach((e) => process.emitWarning(`topology teardown: ${e.message}`)))
    : new LocalHostSet(runDir);
  const resolvers = new Map(
    Object.entries(topo?.hosts ?? {}).flatMap(([name, h]) =>
      h?.resolver ? [[name, { nameservers: [h.resolver.nameserver].flat(), search: h.resolver.search ?? [], ndots: h.resolver.ndots }] as const] : [],
    ),
  );
  const interp = new Interpreter(loaded, {
    runName: loaded.scenario.name,
    runDir,
    hosts: (name) => hosts.host(name),
    addresses: hosts.addresses,
    allowedTargets: [...hosts.allowedTargets, ...(opts.allowTargets ?? [])],
    reporter: opts.reporter,
    vars: opts.vars,
    resolvers,
  });
  // Hosts go last: after every fixture, connection and capture was released.
  interp.teardown.push('hosts', () => hosts.close());
  started(interp);
  const record = await interp.run();
  if (hosts instanceof TopologyHostSet) record.topology = { runId: hosts.topology.runId, ...hosts.topology.record() };
  await writeAtomic(join(runDir, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
  return { record, runDir };
}
