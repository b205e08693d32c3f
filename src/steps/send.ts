import { PreconditionError } from '../errors.js';
import type { SendBody } from '../generated/scenario.js';
import { hexToBytes, transcriptData, show, shaped, shapeNote } from './data.js';
import { defineStep } from './kind.js';

function unit(b: SendBody): Buffer | undefined {
  if (b.hex !== undefined) return hexToBytes(b.hex);
  if (b.line !== undefined) return Buffer.from(b.line + (b.eol === 'crlf' ? '\r\n' : '\n'));
  return b.text !== undefined ? Buffer.from(b.text) : undefined;
}

/** The bytes a send step sends: its text, line or hex, repeated (`repeat`) or sized (`bytes`). */
export function sendBytes(b: SendBody): Buffer {
  return shaped(unit(b), b.bytes, b.repeat);
}

function title(b: SendBody): string {
  const what = b.line !== undefined ? show(b.line) : b.text !== undefined ? show(b.text) : b.hex !== undefined ? `0x${b.hex}` : undefined;
  if (what === undefined) return `${b.bytes} bytes`;
  return what + shapeNote(b.bytes, b.repeat);
}

export const send = defineStep({
  kind: 'send',
  describe: (b) => `send ${title(b)} on ${b.conn}`,
  host: (b, run) => run.connectionHosts.get(b.conn) ?? 'local',
  defaultTimeoutMs: 10_000,
  check(b, scope) {
    scope.use('conn', b.conn, ['conn']);
    if (b.eol !== undefined && b.line === undefined) scope.error(['eol'], 'bad-key', '"eol" applies only to "line"', true);
    const given = (['text', 'line', 'hex'] as const).filter((k) => b[k] !== undefined);
    if (given.length > 1)
      scope.error(
        [given[1]],
        'conflicting-keys',
        `a send has one payload: give one of "text", "line", "hex", not "${given[0]}" and "${given[1]}"`,
        true,
      );
    if (b.bytes !== undefined && b.repeat !== undefined)
      scope.error(['repeat'], 'conflicting-keys', '"bytes" already sets the size; drop "repeat", or drop "bytes" and keep "repeat"', true);
  },
  async run(b, ctx) {
    const conn = ctx.run.connections.get(b.conn);
    if (!conn) throw new PreconditionError(`connection ${b.conn} is not open (its connect step did not succeed)`);
    const bytes = sendBytes(b);
    await ctx.host(conn.host).call('connSend', { id: conn.id, data: bytes.toString('base64') });
    ctx.transcript({ dir: 'sent', conn: b.conn, ...transcriptData(bytes) });
  },
});
