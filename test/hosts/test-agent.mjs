// A host agent serving a test-only op table (the real agent serves src/ops/index.ts).
import { appendFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { readlinkSync } from 'node:fs';
import { contextFromArgv, serveOps } from '../../dist/hosts/agent.js';
import { EnvironmentError, TargetRefusedError } from '../../dist/errors.js';

const ops = {
  echo: async (args, ctx) => ({ args, host: ctx.name, netns: ctx.netns ?? null, pid: process.pid }),
  addresses: async () =>
    Object.values(networkInterfaces())
      .flat()
      .map((i) => i.address),
  netnsInode: async () => readlinkSync('/proc/self/ns/net'),
  envFail: async () => {
    throw new EnvironmentError('no widget', 'apt-get install widget');
  },
  refuse: async () => {
    throw new TargetRefusedError('not there');
  },
  crash: async () => {
    throw new TypeError('boom');
  },
  // an error whose message goes on with a program's output
  outputFail: async () => {
    throw new Error('the program exited (exit 1); its output:\nline one\nline two');
  },
  // registers a resource whose close appends its label to a file (to check LIFO shutdown)
  track: async ({ file, label }, ctx) => ({ id: ctx.track('mark', { close: async () => appendFileSync(file, `${label}\n`) }) }),
  // a resource that never closes (to check the shutdown timeout)
  stuck: async (_a, ctx) => ({ id: ctx.track('stuck', { close: () => new Promise(() => {}) }) }),
};

serveOps(ops, contextFromArgv());
