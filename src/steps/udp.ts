import { ipFamily } from '../util/ip.js';
import { UsageError } from '../errors.js';
import type { StepRunContext } from './context.js';
import { checkTarget } from '../probes/target.js';
import { durationMs } from '../util/duration.js';
import { bytesToHex, hexToBytes, shaped, shapeNote, show, transcriptData } from './data.js';
import type { UdpBody } from '../generated/scenario.js';
import { parseTarget, resolveTarget } from './connect.js';
import { defineStep } from './kind.js';

/** How long a `udp` step waits for the answer when `within:` is not given. */
export const UDP_WAIT_MS = 2000;

/** The datagram's payload: `text` or `hex`, repeated (`repeat`) or sized (`bytes`). */
export function datagram(b: UdpBody): Buffer {
  const unit = b.hex !== undefined ? hexToBytes(b.hex) : b.text !== undefined ? Buffer.from(b.text, 'utf8') : undefined;
  return shaped(unit, b.bytes, b.repeat);
}

function title(b: UdpBody): string {
  const what = b.text !== undefined ? show(b.text) : b.hex !== undefined ? `0x${b.hex.replace(/[\s:]/g, '')}` : undefined;
  if (what === undefined) return b.bytes !== undefined ? `${b.bytes}-byte datagram` : 'datagram';
  return what + shapeNote(b.bytes, b.repeat);
}

/** Where the datagram goes: a UDP fixture (its address and port), `HOST:PORT` or `IP:PORT`. */
function target(to: string, ctx: StepRunContext): { address: string; port: number } {
  const t = parseTarget(to);
  const f = t.name !== undefined ? ctx.run.fixtures.get(t.name) : undefined;
  if (f && f.kind !== 'udp-echo')
    throw new UsageError(
      `fixture ${t.name} is a ${f.kind} server (TCP); a udp step sends to a udpEcho fixture or to HOST:PORT`,
      'bad-target',
    );
  return resolveTarget(to, ctx);
}

function replyRegex(want: { regex?: string; ignoreCase?: boolean }): RegExp | undefined {
  return want.regex === undefined ? undefined : new RegExp(want.regex, want.ignoreCase ? 'i' : '');
}

/**
 * One UDP datagram to `HOST:PORT` and what comes back: one reply datagram (compared exactly,
 * so its boundaries count), an ICMP port unreachable (`refused`) or nothing (`timeout`).
 */
export const udp = defineStep({
  kind: 'udp',
  describe: (b) => `UDP ${title(b)} to ${b.to}`,
  host: (b) => b.from ?? 'local',
  defaultTimeoutMs: 10_000,
  check(b, scope) {
    scope.host(b.from, ['from']);
    const t = parseTarget(b.to);
    if (t.name !== undefined && scope.known('fixture').includes(t.name)) scope.use('fixture', t.name, ['to']);
    else if (t.name !== undefined || t.port === undefined)
      scope.error(['to'], 'bad-target', `"${b.to}" is not HOST:PORT; a udp step sends to a host and port, e.g. server:7 or 127.0.0.1:5353`);
    else if (t.port < 1 || t.port > 65535) scope.error(['to'], 'bad-value', `port ${t.port} is out of range (1-65535)`);
    else if (!ipFamily(t.host!)) scope.host(t.host, ['to']);
    scope.duration(b.within, ['within']);
    if (b.text !== undefined && b.hex !== undefined)
      scope.error(['hex'], 'conflicting-keys', 'a datagram has one payload: give "text" or "hex", not both', true);
    if (b.bytes !== undefined && b.repeat !== undefined)
      scope.error(['repeat'], 'conflicting-keys', '"bytes" already sets the size; drop "repeat", or drop "bytes" and keep "repeat"', true);
    if (b.repeat !== undefined && b.text === undefined && b.hex === undefined)
      scope.error(['repeat'], 'bad-key', '"repeat" repeats "text" or "hex"; give one, or use "bytes: N" for a datagram of N bytes', true);
    if (b.expect !== undefined && typeof b.expect === 'object') {
      if (b.expect.ignoreCase !== undefined && b.expect.regex === undefined)
        scope.error(['expect', 'ignoreCase'], 'bad-key', '"ignoreCase" applies only to "regex"', true);
      try {
        replyRegex(b.expect);
      } catch (e) {
        scope.error(['expect', 'regex'], 'bad-regex', `not a valid regular expression: ${(e as Error).message}`);
      }
    }
  },
  async run(b, ctx) {
    const hostName = b.from ?? 'local';
    const { address, port } = target(b.to, ctx);
    checkTarget(address, ctx.run.allowedTargets);
    const payload = datagram(b);
    const waitMs = Math.max(1, Math.min(durationMs(b.within) ?? UDP_WAIT_MS, ctx.timeLeftMs() - 100));
    const r = await ctx.host(hostName).call('udpExchange', { address, port, payload: payload.toString('base64'), waitMs });
    const conn = `udp ${b.to}`;
    ctx.transcript({ dir: 'sent', conn, ...transcriptData(payload) });
    const reply = r.reply !== undefined ? Buffer.from(r.reply, 'base64') : undefined;
    if (reply) ctx.transcript({ dir: 'received', conn, ...transcriptData(reply) });
    else
      ctx.transcript({
        dir: 'info',
        conn,
        text: r.outcome === 'refused' ? 'refused (ICMP port unreachable)' : `no answer within ${waitMs} ms`,
      });
    const want = b.expect ?? 'reply';
    if (typeof want === 'string') {
      ctx.check({ title: `UDP answer from ${b.to}`, expected: want, actual: r.outcome, passed: r.outcome === want });
      return;
    }
    const re = replyRegex(want);
    if (re) {
      ctx.check({
        title: `UDP reply from ${b.to}`,
        expected: `a datagram matching ${String(re)}`,
        actual: reply ? show(reply.toString('utf8')) : r.outcome,
        passed: reply !== undefined && re.test(reply.toString('utf8')),
      });
      return;
    }
    const expected = want.hex !== undefined ? hexToBytes(want.hex) : Buffer.from(want.text ?? '', 'utf8');
    const asHex = want.hex !== undefined;
    ctx.check({
      title: `UDP reply from ${b.to}`,
      expected: asHex ? bytesToHex(expected) : show(expected.toString('utf8')),
      actual: reply ? (asHex ? bytesToHex(reply) : show(reply.toString('utf8'))) : r.outcome,
      passed: reply !== undefined && reply.equals(expected),
    });
  },
});
