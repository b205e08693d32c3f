import { PreconditionError } from '../errors.js';
import type { CloseBody } from '../generated/scenario.js';
import { transcriptData } from './data.js';
import { defineStep } from './kind.js';

type Body = string | CloseBody;
const norm = (b: Body): CloseBody => (typeof b === 'string' ? { conn: b } : b);

export const close = defineStep({
  kind: 'close',
  describe: (b) => `close ${norm(b).conn}${norm(b).reset ? ' with RST' : ''}`,
  host: (b, run) => run.connectionHosts.get(norm(b).conn) ?? 'local',
  defaultTimeoutMs: 10_000,
  check(b, scope) {
    scope.use('conn', norm(b).conn, typeof b === 'string' ? [] : ['conn']);
  },
  async run(raw, ctx) {
    const b = norm(raw);
    const conn = ctx.run.connections.get(b.conn);
    if (!conn) throw new PreconditionError(`connection ${b.conn} is not open (its connect step did not succeed)`);
    const r = await ctx
      .host(conn.host)
      .call('connClose', { id: conn.id, reset: b.reset, timeoutMs: Math.max(0, Math.min(5000, ctx.timeLeftMs() - 50)) });
    ctx.run.connections.delete(b.conn);
    const unread = Buffer.from(r.unread, 'base64');
    if (unread.length) ctx.transcript({ dir: 'received', conn: b.conn, ...transcriptData(unread) });
    ctx.transcript({
      dir: 'info',
      conn: b.conn,
      text: b.reset ? 'reset (RST)' : r.peerClosed ? 'closed (FIN both ways)' : 'closed our side; the peer did not close in time',
    });
  },
});
