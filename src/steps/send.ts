import { PreconditionError } from '../errors.js';
import type { SendBody } from '../generated/scenario.js';
import { hexToBytes, transcriptData, show } from './data.js';
import { defineStep } from './kind.js';

export function sendBytes(b: SendBody): Buffer {
  if (b.hex !== undefined) return hexToBytes(b.hex);
  if (b.line !== undefined) return Buffer.from(b.line + (b.eol === 'crlf' ? '\r\n' : '\n'));
  return Buffer.from(b.text ?? '');
}

export const send = defineStep({
  kind: 'send',
  describe: (b) => `send ${b.line !== undefined ? show(b.line) : b.text !== undefined ? show(b.text) : `0x${b.hex}`} on ${b.conn}`,
  host: (b, run) => run.connectionHosts.get(b.conn) ?? 'local',
  defaultTimeoutMs: 10_000,
  check(b, scope) {
    scope.use('conn', b.conn, ['conn']);
    if (b.eol !== undefined && b.line === undefined) scope.error(['eol'], 'bad-key', '"eol" applies only to "line"', true);
  },
  async run(b, ctx) {
    const conn = ctx.run.connections.get(b.conn);
    if (!conn) throw new PreconditionError(`connection ${b.conn} is not open (its connect step did not succeed)`);
    const bytes = sendBytes(b);
    await ctx.host(conn.host).call('connSend', { id: conn.id, data: bytes.toString('base64') });
    ctx.transcript({ dir: 'sent', conn: b.conn, ...transcriptData(bytes) });
  },
});
