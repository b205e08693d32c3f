import type { Check, StepRecord, TranscriptEntry } from '../generated/run-record.js';
import type { Host } from '../hosts/host.js';
import type { Path } from '../util/yaml-path.js';

/** A connection opened by a `connect` step, known by its name. */
export interface ConnectionRef {
  host: string;
  id: string;
  local: string;
  remote: string;
}

/** A fixture started by a `serve` step, known by its name. */
export interface FixtureRef {
  host: string;
  id: string;
  kind: string;
  address: string;
  port: number;
}

/** State shared by the steps of one run. */
export interface RunState {
  readonly scenarioDir: string;
  readonly runDir: string;
  /** performance.now() at the start of the run; records hold offsets from it. */
  readonly t0: number;
  readonly connections: Map<string, ConnectionRef>;
  /** Connection names → the host their `connect` step ran on (set before it connects, kept after). */
  readonly connectionHosts: Map<string, string>;
  readonly fixtures: Map<string, FixtureRef>;
  /** Fixture and connection names → their `address:port` (kept after a connection closes). */
  readonly endpoints: Map<string, string>;
  /** Host names → addresses (loopback without a topology), for targets and packet patterns. */
  readonly addresses: Map<string, string[]>;
  /** Each host's resolver settings (from the topology), for `resolve` defaults. */
  readonly resolvers: Map<string, { nameservers: string[]; search: string[]; ndots?: number }>;
  /** CIDRs that probes and connections may target besides loopback. */
  readonly allowedTargets: string[];
  /** Substitutions for `{{name}}` in commands (`submission`, `dir`, …). */
  readonly vars: Record<string, string>;
}

/** What a step runner may do. Checks and details land in the step's record. */
export interface StepRunContext {
  readonly run: RunState;
  /** Aborted when the step times out or the run is interrupted. */
  readonly signal: AbortSignal;
  /** The step's own time budget left, in ms (Infinity when unbounded). */
  timeLeftMs(): number;
  host(name: string): Host;
  /** Records an expectation and what was observed. */
  check(c: Check): void;
  transcript(e: Omit<TranscriptEntry, 't'>): void;
  /** Sets a detail of the step's record (`exec`, `fixture`, `connection`, `capture`, `probe`). */
  detail<K extends 'exec' | 'fixture' | 'connection' | 'capture' | 'probe'>(key: K, value: NonNullable<StepRecord[K]>): void;
  /** Registers how to undo something this step started; runs LIFO at the end of the run. */
  onTeardown(label: string, fn: () => Promise<unknown>): void;
  /**
   * Runs the step's nested steps found at `path` below its body (a capture's `['during']`, as
   * its kind's `children` names them; the compiled plan holds them) and attaches their records.
   */
  runChildren(path: Path): Promise<StepRecord[]>;
  /**
   * Runs several nested lists at the same time (each list's steps in order) and attaches their
   * records in the order of `paths`, whatever order they finish in. The terminal shows them in
   * that order too: the first list as it runs, each later one once those before it are shown.
   */
  runConcurrently(paths: readonly Path[]): Promise<StepRecord[][]>;
}
