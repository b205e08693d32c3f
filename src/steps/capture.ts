import { basename, join } from 'node:path';
import { decodeFile } from '../packets/file/decode-file.js';
import type { PacketRow, StepRecord } from '../generated/run-record.js';
import { allSteps } from './records.js';
import type { DecodedPacket } from '../packets/types.js';
import { lossCheck, packetsLost } from '../packets/capture/counters.js';
import { defineStep } from './kind.js';
import { checkFilter } from '../packets/capture/filter-check.js';
import { checkPackets, checkPatterns, patternHosts } from './packets-check.js';

/** A packet-list row for the run record (no payload; of the structured fields only TCP's header, for ladder diagrams). */
export function packetRow(p: DecodedPacket): PacketRow {
  const row: PacketRow = {
    no: p.no,
    time: p.time,
    source: p.source,
    destination: p.destination,
    protocol: p.protocol,
    length: p.length,
    info: p.info,
  };
  const t = p.tcp;
  if (t) {
    row.tcp = { srcPort: t.srcPort, dstPort: t.dstPort, flags: [...t.flags], seq: t.seq, len: t.len };
    if (t.flags.includes('ACK')) row.tcp.ack = t.ack;
    if (t.analysis.length) row.tcp.analysis = [...t.analysis];
  }
  return row;
}

/**
 * Captures on a host's interface around nested steps. The capture is stopped and flushed in a
 * `finally`, so it ends whatever the nested steps do; teardown stops it too if the run dies.
 * libpcap's counters go into the record; when libpcap dropped packets a failed check says so.
 */
export const capture = defineStep({
  kind: 'capture',
  describe: (b) => `capture ${b.as}${b.filter ? ` (${b.filter})` : ''}`,
  host: (b) => b.on ?? 'local',
  children: [['during']],
  check(b, scope) {
    scope.host(b.on, ['on']);
    scope.define('capture', b.as, ['as']);
    checkPatterns(b.expect, scope, ['expect']);
    if (b.filter !== undefined) {
      const problem = checkFilter(
        b.filter,
        [...scope.hosts].filter((h) => h !== 'local'),
      );
      if (problem) scope.errorInValue(['filter'], problem.col, 'bad-filter', problem.message);
    }
  },
  async run(b, ctx) {
    const hostName = b.on ?? 'local';
    const host = ctx.host(hostName);
    const format = b.format ?? 'pcap';
    const file = join(ctx.run.runDir, `${b.as}.${format}`);
    const device = b.interface ?? (hostName === 'local' ? 'lo' : 'eth0');
    const started = await host.call('captureStart', {
      device,
      filter: b.filter,
      file,
      format,
      snaplen: b.snaplen,
      ...(b.buffer ? { bufferSize: b.buffer * 1048576 } : {}),
    });
    ctx.onTeardown(`capture ${b.as}`, () => host.call('release', { id: started.id }));
    let stats;
    let children: StepRecord[] = [];
    try {
      children = await ctx.runChildren(['during']);
    } finally {
      stats = await host.call('captureStop', { id: started.id });
    }
    const decoded = await decodeFile(stats.file);
    ctx.detail('capture', {
      file: basename(stats.file),
      format,
      interface: device,
      ...(b.filter ? { filter: b.filter } : {}),
      linktype: stats.linktype,
      engine: stats.engine,
      ...(stats.counters ? { counters: stats.counters, dropped: packetsLost(stats.counters) } : {}),
      packets: decoded.packets.map(packetRow),
    });
    if (decoded.problem) throw new Error(`the capture file is damaged at byte ${decoded.problem.offset}: ${decoded.problem.message}`);
    // A precondition of every other check: a capture that lost packets cannot be trusted, so
    // the step fails and earns nothing, with the counts. It is recorded only when it fails, so
    // a complete capture's checks are the packet checks alone. The fallback engine (`cap`)
    // gives no counters: then nothing can be said about losses.
    if (stats.counters && packetsLost(stats.counters) > 0) ctx.check({ ...lossCheck(stats.counters), precondition: true });
    if (!b.expect) return;
    // The traffic is the submission's only when what the steps need was up: a server that never
    // started leaves just the grader's own packets. A precondition, recorded only when it fails
    // (so a clean run's checks are the packet checks alone). A conversation that broke off half
    // way (a reset, a timeout) is the submission's doing: the packet checks judge it.
    const notRun = allSteps(children).filter((c) => c.status === 'errored' && (c.kind === 'serve' || c.error?.code === 'precondition'));
    if (notRun.length) {
      ctx.check({
        title: 'what the steps during the capture need was up',
        expected: 'every server started, every connection opened',
        actual: notRun.map((c) => `${c.title}: ${c.error?.message ?? 'errored'}`).join('; '),
        passed: false,
        precondition: true,
      });
    }
    checkPackets(b.expect, decoded.packets, patternHosts(ctx), ctx);
  },
});
