import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ProbeRecord, ScanOptions, ScanResult } from './scan-types.js';

const WORKER = new URL('./scan-connect-worker.js', import.meta.url);

/** What the main thread hands a worker; the worker answers with a ScanResult. */
export interface SplitJob {
  address: string;
  ports: number[];
  opts: ScanOptions;
  /** performance.timeOrigin + performance.now() of the main scan start, to align probe times. */
  startedAt: number;
}

/**
 * Runs a connect scan as `n` interleaved slices in worker threads and merges the results.
 * Returns undefined when the compiled worker is not available (running from TypeScript
 * sources), in which case the caller scans in its own thread.
 */
export async function scanInWorkers(address: string, ports: number[], opts: ScanOptions, n: number): Promise<ScanResult | undefined> {
  if (!existsSync(fileURLToPath(WORKER))) return undefined;
  const startedAt = performance.timeOrigin + performance.now();
  const t0 = performance.now();
  const cap = opts.maxRecordedProbes ?? 2000;
  const slices = Array.from({ length: n }, (_, i) => ports.filter((_, j) => j % n === i));
  const parts = await Promise.all(
    slices.map((slice) => runWorker({ address, ports: slice, opts: { ...opts, maxRecordedProbes: cap }, startedAt })),
  );
  const probes: ProbeRecord[] = parts.flatMap((p) => p.probes).sort((a, b) => a.time - b.time);
  const recorded = probes.slice(0, cap);
  const sent = parts.reduce((s, p) => s + p.probesSent, 0);
  return {
    target: address,
    method: 'connect',
    ports: parts.flatMap((p) => p.ports).sort((a, b) => a.port - b.port),
    probesSent: sent,
    elapsedMs: Math.round((performance.now() - t0) * 1000) / 1000,
    probes: recorded,
    probesOmitted: sent - recorded.length,
  };
}

function runWorker(job: SplitJob): Promise<ScanResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER, { workerData: job });
    let result: ScanResult | undefined;
    w.once('message', (r: ScanResult) => (result = r));
    w.once('error', reject);
    w.once('exit', (code) => (result ? resolve(result) : reject(new Error(`scan worker exited with code ${code} and no result`))));
  });
}
