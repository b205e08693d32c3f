/** Worker-thread entry of a split connect scan (see scan-split.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { connectScanInThread } from './scan-connect.js';
import type { SplitJob } from './scan-split.js';

const job = workerData as SplitJob;
const offset = performance.timeOrigin + performance.now() - job.startedAt;
const result = await connectScanInThread(job.address, job.ports, job.opts);
for (const p of result.probes) p.time = Math.round((p.time + offset) * 1000) / 1000;
parentPort!.postMessage(result);
