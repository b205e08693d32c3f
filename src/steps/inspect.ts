import { basename, resolve } from 'node:path';
import { decodeFile } from '../packets/file/decode-file.js';
import { openConfined } from '../util/safe-open.js';
import { substitute } from '../util/vars.js';
import { defineStep } from './kind.js';
import { packetRow } from './capture.js';
import { checkPackets, checkPatterns, patternHosts } from './packets-check.js';

/** Checks a capture file given to the scenario (a student's pcap or pcapng). */
export const inspect = defineStep({
  kind: 'inspect',
  describe: (b) => `inspect ${basename(b.file)}`,
  host: () => 'local',
  defaultTimeoutMs: 60_000,
  check(b, scope) {
    checkPatterns(b.expect, scope, ['expect'], Object.keys(b.hosts ?? {}));
  },
  async run(b, ctx) {
    const file = resolve(ctx.run.scenarioDir, substitute(b.file, ctx.run.vars));
    let decoded;
    try {
      // a student's file: a regular file, and no link out of the submission's folder
      const { handle } = await openConfined(file, ctx.run.vars.submission);
      try {
        // the very file that was checked; the step's signal stops the decoding itself when the
        // step times out or the run stops
        decoded = await decodeFile(`/proc/self/fd/${handle.fd}`, {}, ctx.signal);
      } finally {
        await handle.close();
      }
    } catch (e) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      ctx.check({
        title: 'capture file readable',
        expected: 'a pcap or pcapng file',
        actual: (e as Error).message,
        passed: false,
        precondition: true,
      });
      return;
    }
    ctx.detail('capture', { file, format: decoded.format === 'pcapng' ? 'pcapng' : 'pcap', packets: decoded.packets.map(packetRow) });
    const p = decoded.problem;
    const nothing = p !== undefined && decoded.packets.length === 0 && p.offset === 0;
    ctx.check({
      title: 'capture file readable',
      expected: 'a whole pcap or pcapng file',
      actual: !p
        ? `${decoded.packets.length} packets`
        : nothing
          ? p.message
          : `damaged at byte ${p.offset} (frame ${p.frame}): ${p.message}`,
      passed: !p,
      // not a score: a readable file earns nothing by itself; an unreadable one earns 0
      precondition: true,
    });
    if (nothing) return; // not a capture at all: no packets to compare
    ctx.signal.throwIfAborted();
    checkPackets(b.expect, decoded.packets, patternHosts(ctx, (b.hosts ?? {}) as Record<string, string | string[]>), ctx);
  },
});
