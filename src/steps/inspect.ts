import { basename, resolve } from 'node:path';
import type { InspectBody } from '../generated/scenario.js';
import { decodeFile } from '../packets/decode-file.js';
import { substitute } from '../util/vars.js';
import { defineStep } from './kind.js';
import { packetRow } from './capture.js';
import { checkPackets, checkPatterns, patternHosts } from './packets-check.js';

/** Checks a capture file given to the scenario (a student's pcap or pcapng). */
export const inspect = defineStep<InspectBody>({
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
      // The step's signal stops the decoding itself when the step times out or the run stops.
      decoded = await decodeFile(file, {}, ctx.signal);
    } catch (e) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      ctx.check({ title: 'capture file readable', expected: 'a pcap or pcapng file', actual: (e as Error).message, passed: false });
      return;
    }
    ctx.detail('capture', { file, format: decoded.format === 'pcapng' ? 'pcapng' : 'pcap', packets: decoded.packets.map(packetRow) });
    ctx.check({
      title: 'capture file readable',
      expected: 'a whole pcap or pcapng file',
      actual: decoded.problem ? `damaged at byte ${decoded.problem.offset} (frame ${decoded.problem.frame}): ${decoded.problem.message}` : `${decoded.packets.length} packets`,
      passed: !decoded.problem,
    });
    ctx.signal.throwIfAborted();
    checkPackets(b.expect, decoded.packets, patternHosts(ctx, (b.hosts ?? {}) as Record<string, string | string[]>), ctx);
  },
});
