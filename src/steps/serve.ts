import { resolve } from 'node:path';
import type { ServeBody } from '../generated/scenario.js';
import { durationMs } from '../util/duration.js';
import { defineStep } from './kind.js';
import { ptrNames, type ZoneSpec } from '../dns/zone.js';

function fixtureKind(b: ServeBody): 'echo' | 'udp-echo' | 'http' | 'command' | 'dns' {
  return b.echo ? 'echo' : b.udpEcho ? 'udp-echo' : b.http ? 'http' : b.dns ? 'dns' : 'command';
}

function endpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Starts a fixture that outlives the step; torn down at the end of the run. */
export const serve = defineStep({
  kind: 'serve',
  describe: (b) => `serve ${fixtureKind(b)} as ${b.as}${b.port ? ` on port ${b.port}` : ''}`,
  host: (b) => b.on ?? 'local',
  defaultTimeoutMs: 30_000,
  check(b, scope) {
    scope.host(b.on, ['on']);
    scope.define('fixture', b.as, ['as']);
    scope.duration(b.command?.ready, ['command', 'ready']);
  },
  async run(b, ctx) {
    const hostName = b.on ?? 'local';
    const host = ctx.host(hostName);
    const address = b.address ?? ctx.run.addresses.get(hostName)?.[0] ?? '127.0.0.1';
    const port = b.port ?? 0;
    const kind = fixtureKind(b);
    const dir = ctx.run.scenarioDir;
    if (b.dns) {
      // Without an address it listens on every address of its host (127.0.0.1 locally).
      const d = await host.call('dnsServe', {
        zones: b.dns.zones as ZoneSpec[],
        address: b.address,
        port: b.port ?? (hostName === 'local' ? 0 : 53),
      });
      ctx.onTeardown(`fixture ${b.as}`, () => host.call('release', { id: d.id }));
      ctx.run.fixtures.set(b.as, { host: hostName, id: d.id, kind, address: d.address, port: d.port });
      ctx.run.endpoints.set(b.as, endpoint(d.address, d.port));
      const names = ptrNames(b.dns.zones as ZoneSpec[]);
      ctx.detail('fixture', { name: b.as, kind, address: d.address, port: d.port, ...(names.length ? { names } : {}) });
      ctx.transcript({ dir: 'info', text: `dns fixture ${b.as} answering on ${d.addresses.join(', ')} port ${d.port} (UDP and TCP)` });
      return;
    }
    const started = await host.call(
      'fixtureStart',
      b.echo
        ? { kind: 'echo', address, port, ...b.echo }
        : b.udpEcho
          ? { kind: 'udpEcho', address, port, ...b.udpEcho }
          : b.http
            ? { kind: 'http', address, port, root: resolve(dir, b.http.root) }
            : {
                kind: 'command',
                address,
                port,
                run: b.command!.run,
                cwd: b.command!.cwd ? resolve(dir, b.command!.cwd) : dir,
                env: b.command!.env,
                readyMs: durationMs(b.command!.ready, 10_000),
                vars: ctx.run.vars,
              },
    );
    ctx.onTeardown(`fixture ${b.as}`, () => host.call('fixtureStop', { id: started.id }));
    ctx.run.fixtures.set(b.as, { host: hostName, id: started.id, kind, address, port: started.port });
    ctx.run.endpoints.set(b.as, endpoint(address === '0.0.0.0' ? '127.0.0.1' : address, started.port));
    ctx.detail('fixture', { name: b.as, kind, address, port: started.port, ...(started.pid ? { pid: started.pid } : {}) });
    ctx.transcript({ dir: 'info', text: `${kind} fixture ${b.as} listening on ${address}:${started.port}${b.udpEcho ? ' (UDP)' : ''}` });
  },
});
