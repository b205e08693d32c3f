import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../src/errors.js';
import { applyPlan } from '../../src/topology/apply.js';
import { checkEnvironment } from '../../src/topology/env.js';
import { mustPlan, runPlan } from '../../src/topology/plan.js';
import { claimRun } from '../../src/topology/state.js';
import { build, cleanupAll, leftovers, myRuns, nsRun, teardown } from './netns-helper.js';

const isRoot = process.getuid?.() === 0;

afterEach(async () => {
  if (!isRoot) return;
  await cleanupAll();
  expect(await leftovers()).toEqual([]);
});
afterAll(cleanupAll);

describe.skipIf(!isRoot)('topologies the kernel once refused, built', () => {
  it('a one-host topology (lone interfaces, no dummy link type needed) runs and answers on its addresses', async () => {
    const t = await build({ hosts: { solo: { ip: ['192.0.2.1/24', '2001:db8::1/64'] } } });
    expect(await nsRun(t, 'solo', ['ip', '-br', 'link', 'show', 'eth0'])).toMatch(/^eth0\s+UNKNOWN/);
    expect(await nsRun(t, 'solo', ['ping', '-c1', '-W1', '-n', '192.0.2.1'])).toContain('1 received');
    expect(await nsRun(t, 'solo', ['ping', '-6', '-c1', '-W1', '-n', '2001:db8::1'])).toContain('1 received');
    await teardown(t);
  });

  it('IPv4-only links below 1280 (a 3-host LAN at 600 through a switch, a cable at 576) build and carry full-size packets', async () => {
    const t = await build({
      networks: { lan: { subnet: '192.0.2.0/24', mtu: 600 } },
      hosts: {
        a: { ip: '192.0.2.1/24' },
        b: { ip: '192.0.2.2/24' },
        r: { ip: ['192.0.2.254/24', { ip: '198.51.100.1/30', mtu: 576 }], forward: true },
        far: { ip: { ip: '198.51.100.2/30', mtu: 576 } },
      },
    });
    expect(await nsRun(t, 'a', ['ip', 'link', 'show', 'eth0'])).toMatch(/mtu 600 /);
    expect(await nsRun(t, 'far', ['ip', 'link', 'show', 'eth0'])).toMatch(/mtu 576 /);
    // -w3: a switch just built may lose the first ARP exchange; ping resends within the bound
    // 572 bytes of ICMP payload + 28 of headers = 600, with DF: fits exactly; one byte more does not
    expect(await nsRun(t, 'a', ['ping', '-c1', '-w3', '-n', '-M', 'do', '-s', '572', '192.0.2.2'])).toMatch(/ [1-9]\d* received/);
    const over = await nsRun(t, 'a', ['ping', '-c1', '-W1', '-n', '-M', 'do', '-s', '573', '192.0.2.2']).then(
      () => 'sent',
      (e: { stdout?: string; stderr?: string }) => `${e.stdout}${e.stderr}`,
    );
    expect(over).toMatch(/message too long|mtu=600|0 received/i);
    expect(await nsRun(t, 'a', ['ping', '-c1', '-w3', '-n', '-M', 'do', '-s', '548', '198.51.100.2'])).toMatch(/ [1-9]\d* received/);
    await teardown(t);
  });

  it('a link type the kernel lacks fails the build as an environment error (exit 3) naming it, and leaves nothing', async () => {
    await checkEnvironment();
    const state = claimRun();
    myRuns.add(state.runId);
    const plan = runPlan(mustPlan({ hosts: { solo: { ip: '192.0.2.1/24' } } }), state.runId);
    // no kernel has this link type: `ip` answers "Unknown device type", as this one does for `dummy`
    plan.setups[0].ipBatch = plan.setups[0].ipBatch.map((l) => l.replace('type bridge', 'type wlnosuch'));
    const err = await applyPlan(plan, state).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EnvironmentError);
    expect((err as EnvironmentError).exitCode).toBe(3);
    expect((err as EnvironmentError).message).toContain('no "wlnosuch" network device');
    expect(await leftovers()).toEqual([]);
  });
});
