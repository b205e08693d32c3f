import { PreconditionError } from '../errors.js';
import type { ExpectBody } from '../generated/scenario.js';
import { durationMs } from '../util/duration.js';
import type { ReadUntil } from '../net/conn.js';
import { bytesToHex, hexToBytes, shaped, show, transcriptData } from './data.js';
import { defineStep } from './kind.js';

/** The exact bytes a `text` or `bytes` expectation waits for (`repeat` times). */
function wanted(b: ExpectBody): Buffer | undefined {
  if (b.text !== undefined) return shaped(Buffer.from(b.text), undefined, b.repeat);
  if (b.bytes !== undefined) return shaped(hexToBytes(b.bytes), undefined, b.repeat);
  return undefined;
}

function until(b: ExpectBody): ReadUntil {
  if (b.line !== undefined) return { mode: 'line' };
  const w = wanted(b);
  if (w) return { mode: 'bytes', count: w.length };
  if (b.regex !== undefined) return { mode: 'regex', source: b.regex, ...(b.ignoreCase ? { flags: 'i' } : {}) };
  return { mode: 'eof' };
}

const times = (b: ExpectBody): string => (b.repeat !== undefined && b.repeat > 1 ? ` ×${b.repeat}` : '');

function expected(b: ExpectBody): string {
  if (b.line !== undefined) return `line ${show(b.line)}`;
  if (b.text !== undefined) return `text ${show(b.text)}${times(b)}`;
  if (b.bytes !== undefined) return `bytes ${bytesToHex(hexToBytes(b.bytes))}${times(b)}`;
  if (b.regex !== undefined) return `data matching /${b.regex}/${b.ignoreCase ? 'i' : ''}`;
  return 'end of stream (FIN)';
}

function describeReceived(data: Buffer, r: { complete: boolean; eof: boolean; timedOut: boolean }, b: ExpectBody): string {
  const what = data.length === 0 ? 'nothing' : b.bytes !== undefined ? `bytes ${bytesToHex(data)}` : show(data.toString('utf8'));
  if (r.complete) return what;
  return `${what}${r.eof ? ', then the peer closed the connection' : r.timedOut ? ' before the timeout' : ''}`;
}

/** Compares what arrived with what was expected. */
function matches(b: ExpectBody, data: Buffer, complete: boolean): boolean {
  if (!complete) return false;
  if (b.line !== undefined) return data.toString('utf8').replace(/\r?\n$/, '') === b.line;
  const w = wanted(b);
  if (w) return data.equals(w);
  if (b.regex !== undefined) return true;
  return data.length === 0;
}

export const expect = defineStep({
  kind: 'expect',
  describe: (b) => `expect ${expected(b)} on ${b.conn}`,
  host: (b, run) => run.connectionHosts.get(b.conn) ?? 'local',
  defaultTimeoutMs: 30_000,
  check(b, scope) {
    scope.use('conn', b.conn, ['conn']);
    scope.duration(b.within, ['within']);
    if (b.ignoreCase !== undefined && b.regex === undefined)
      scope.error(['ignoreCase'], 'bad-key', '"ignoreCase" applies only to "regex"', true);
    if (b.repeat !== undefined && b.text === undefined && b.bytes === undefined)
      scope.error(['repeat'], 'bad-key', '"repeat" applies only to "text" and "bytes"', true);
    if (b.regex !== undefined) {
      try {
        new RegExp(b.regex);
      } catch (e) {
        scope.error(['regex'], 'bad-regex', `not a valid regular expression: ${(e as Error).message}`);
      }
    }
  },
  async run(b, ctx) {
    const conn = ctx.run.connections.get(b.conn);
    if (!conn) throw new PreconditionError(`connection ${b.conn} is not open (its connect step did not succeed)`);
    const timeoutMs = Math.max(0, Math.min(durationMs(b.within, 5000), ctx.timeLeftMs() - 50));
    const r = await ctx.host(conn.host).call('connRead', { id: conn.id, until: until(b), timeoutMs });
    const data = Buffer.from(r.data, 'base64');
    if (data.length) ctx.transcript({ dir: 'received', conn: b.conn, ...transcriptData(data) });
    if (r.eof && b.eof === undefined) ctx.transcript({ dir: 'info', conn: b.conn, text: 'peer closed the connection' });
    ctx.check({
      title: `receive ${expected(b)}`,
      expected: expected(b),
      actual: describeReceived(data, r, b),
      passed: matches(b, data, r.complete),
    });
  },
});
