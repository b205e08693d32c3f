import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import { canonical, cidrContains, parseCidr } from '../../src/topology/addr.js';
import type { Topology as TopologySpec, TopologyHost } from '../../src/generated/scenario.js';
import { nftRuleset } from '../../src/topology/firewall.js';
import { mustPlan, planTopology, runPlan } from '../../src/topology/plan.js';

const schema = (f: string) => JSON.parse(readFileSync(new URL(`../../schemas/${f}`, import.meta.url), 'utf8'));

const r3: TopologyHost = { ip: ['192.0.2.6/30', '192.0.2.9/30'], forward: true };
export const chain: TopologySpec = {
  hosts: {
    client: { ip: '198.51.100.55/24', gateway: 'r1', resolver: { nameserver: '203.0.113.53', search: ['home'] } },
    r1: { ip: ['198.51.100.1/24', '192.0.2.1/30'], forward: true },
    r2: { ip: ['192.0.2.2/30', '192.0.2.5/30'], forward: true, icmp: 'silent' },
    r3,
    r4: { ip: ['192.0.2.10/30', '203.0.113.1/24'], forward: true },
    server: {
      ip: { ip: '203.0.113.10/24', mtu: 1492 },
      firewall: { policy: 'drop', allow: ['tcp/50007', 'icmp'], reject: ['tcp/50009', 'udp/53'] },
    },
  },
};

describe('topology schema', () => {
  const ajv = new Ajv2020.default({ allErrors: true, strict: false });
  ajv.addSchema(schema('common.schema.json'));
  const validate = ajv.compile(schema('topology.schema.json'));

  it('accepts the chain, named networks with IPv6, interfaces and links', () => {
    expect(validate(chain), JSON.stringify(validate.errors)).toBe(true);
    const lan: TopologySpec = {
      networks: { lan1: { subnet: '198.51.100.0/24', subnet6: '2001:db8:1::/64', mtu: 1400 } },
      hosts: {
        a: { ip: ['198.51.100.2/24', '2001:db8:1::2/64'] },
        b: { ip: [{ ip: ['198.51.100.3/24', '2001:db8:1::3/64'], network: 'lan1' }] },
      },
      links: [['a', 'b'], { between: ['a', 'b'], delay: '20ms', loss: 1 }],
    };
    expect(validate(lan), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects unknown keys, bad rules and bad icmp modes', () => {
    expect(validate({ hosts: { a: { ip: '192.0.2.1/24', colour: 'red' } } })).toBe(false);
    expect(validate({ hosts: { a: { ip: '192.0.2.1/24', firewall: { allow: ['tcp:80'] } } } })).toBe(false);
    expect(validate({ hosts: { a: { ip: '192.0.2.1/24', icmp: 'quiet' } } })).toBe(false);
  });

  it('documents every property', () => {
    const missing: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (!node || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      if (n.properties) {
        for (const [k, v] of Object.entries(n.properties as Record<string, Record<string, unknown>>)) {
          if (!v.description && !v.$ref) missing.push(`${path}/${k}`);
        }
      }
      if (n.type === 'object' && n.properties && n.additionalProperties !== false) missing.push(`${path} (additionalProperties)`);
      for (const [k, v] of Object.entries(n)) walk(v, `${path}/${k}`);
    };
    walk(schema('topology.schema.json'), '');
    expect(missing).toEqual([]);
  });
});

describe('addresses', () => {
  it('parses and canonicalises CIDRs', () => {
    expect(parseCidr('198.51.100.55/24')).toEqual({ address: '198.51.100.55', family: 4, prefix: 24, network: '198.51.100.0/24' });
    expect(parseCidr('2001:DB8:1:0::55/64')?.network).toBe('2001:db8:1::/64');
    expect(canonical('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(parseCidr('300.1.1.1/24')).toBeUndefined();
    expect(parseCidr('192.0.2.1')).toBeUndefined();
    expect(cidrContains('192.0.2.4/30', '192.0.2.6')).toBe(true);
    expect(cidrContains('192.0.2.4/30', '192.0.2.9')).toBe(false);
  });
});

describe('planTopology: the checks', () => {
  const msgs = (m: TopologySpec) => {
    const r = planTopology(m);
    return r.ok ? [] : r.problems.map((p) => `/${p.path.join('/')}: ${p.message}`);
  };

  it('finds nothing wrong with the chain', () => {
    expect(msgs(chain)).toEqual([]);
  });

  it('reports unknown gateways, gateways off-subnet or not routers, duplicates', () => {
    expect(msgs({ hosts: { a: { ip: '192.0.2.1/24', gateway: 'nope' }, b: { ip: '192.0.2.2/24' } } })).toEqual([
      '/topology/hosts/a/gateway: gateway "nope" is neither a host of the topology nor an IP address',
    ]);
    expect(msgs({ hosts: { a: { ip: '192.0.2.1/24', gateway: 'r' }, r: { ip: ['198.51.100.1/24'], forward: true } } })[0]).toBe(
      '/topology/hosts/a/gateway: gateway r is not on a subnet of a (they must share a subnet)',
    );
    expect(msgs({ hosts: { a: { ip: '192.0.2.1/24', gateway: 'b' }, b: { ip: '192.0.2.2/24' } } })).toEqual([
      '/topology/hosts/a/gateway: gateway b is not a router: add "forward: true" to b',
    ]);
    expect(msgs({ hosts: { a: { ip: '192.0.2.1/24' }, b: { ip: ['198.51.100.1/24', '192.0.2.1/24'] } } })).toEqual([
      '/topology/hosts/b/ip/1: address 192.0.2.1 is already used by a',
    ]);
  });

  it('reports an unreachable host (no router between the subnets)', () => {
    const m = (forward: boolean): TopologySpec => ({
      hosts: { a: { ip: '192.0.2.1/24' }, b: { ip: ['192.0.2.2/24', '198.51.100.1/24'], forward }, c: { ip: '198.51.100.2/24' } },
    });
    expect(msgs(m(false))).toEqual([
      '/topology/hosts/c: host c cannot be reached from a: no chain of routers (forward: true) connects their subnets',
    ]);
    expect(msgs(m(true))).toEqual([]);
  });

  it('reports bad links, routes, rules and resolvers with their paths', () => {
    const m: TopologySpec = {
      hosts: {
        a: {
          ip: '192.0.2.1/24',
          routes: [{ to: 'x', via: '203.0.113.1' }],
          firewall: { allow: ['tcp/9-3'] },
          resolver: { nameserver: 'ns.example' },
        },
        b: { ip: '192.0.2.2/24' },
      },
      links: [['a', 'c']],
    };
    expect(msgs(m)).toEqual([
      '/topology/hosts/a/routes/0/to: "x" is not a subnet (CIDR), "default" or "default6"',
      '/topology/hosts/a/routes/0/via: next hop 203.0.113.1 is not on a subnet of a (they must share a subnet)',
      '/topology/hosts/a/firewall/allow/0: "tcp/9-3": ports must be 1-65535 and LOW ≤ HIGH',
      '/topology/hosts/a/resolver/nameserver: "ns.example" is not an IP address',
      '/topology/links/0: unknown host "c"',
    ]);
  });
});

describe('runPlan: the plan for one run', () => {
  it('computes routes over the router chain in both directions', () => {
    const plan = runPlan(mustPlan(chain), 'a1b2c3');
    const routes = (h: string) => plan.hosts.find((x) => x.name === h)!.routes.map((r) => `${r.to} via ${r.via} dev ${r.dev}`);
    expect(routes('client')).toEqual(['default via 198.51.100.1 dev eth0']);
    expect(routes('server')).toEqual(
      ['198.51.100.0/24', '192.0.2.0/30', '192.0.2.4/30', '192.0.2.8/30'].map((n) => `${n} via 203.0.113.1 dev eth0`),
    );
    expect(routes('r2')).toEqual([
      '198.51.100.0/24 via 192.0.2.1 dev eth0',
      '192.0.2.8/30 via 192.0.2.6 dev eth1',
      '203.0.113.0/24 via 192.0.2.6 dev eth1',
    ]);
  });

  it('names namespaces and interfaces per run, all interface names ≤ 15 characters', () => {
    const plan = runPlan(mustPlan(chain), 'a1b2c3');
    expect(plan.namespaces).toEqual(['client', 'r1', 'r2', 'r3', 'r4', 'server'].map((h) => `wl-a1b2c3-${h}`));
    expect(plan.linkBatch[0]).toBe('link add eth0 netns wl-a1b2c3-client mtu 1500 type veth peer name eth0 netns wl-a1b2c3-r1 mtu 1500');
    expect(plan.linkBatch).toContain('link add eth1 netns wl-a1b2c3-r4 mtu 1500 type veth peer name eth0 netns wl-a1b2c3-server mtu 1492');
    for (const l of plan.linkBatch) for (const m of l.matchAll(/(?:add|name) (\S+)/g)) expect(m[1].length).toBeLessThanOrEqual(15);
    expect(plan.subnets).toEqual(['198.51.100.0/24', '192.0.2.0/30', '192.0.2.4/30', '192.0.2.8/30', '203.0.113.0/24']);
  });

  it('puts 3+ hosts on a bridge in the switch namespace; v4+v6 of a named network share one interface', () => {
    const plan = runPlan(
      mustPlan({
        networks: { lan: { subnet: '198.51.100.0/24', subnet6: '2001:db8:1::/64' } },
        hosts: { a: { ip: ['198.51.100.2/24', '2001:db8:1::2/64'] }, b: { ip: '198.51.100.3/24' }, c: { ip: '198.51.100.4/24' } },
      }),
      '00ff00',
    );
    expect(plan.namespaces).toContain('wl-00ff00--sw');
    const a = plan.hosts[0];
    expect(a.interfaces).toEqual([{ name: 'eth0', addresses: ['198.51.100.2/24', '2001:db8:1::2/64'], mtu: 1500, peer: 'switch' }]);
    expect(plan.setups[0].ipBatch).toContain('addr add 2001:db8:1::2/64 dev eth0 nodad');
    expect(plan.setups.find((s) => s.netns === 'wl-00ff00--sw')!.ipBatch).toContain('link set s0p2 master br0');
  });

  it('sets ICMP rate limits only on the hosts that ask (icmpLimits)', () => {
    const limited: TopologySpec = { hosts: { ...chain.hosts, r3: { ...r3, icmpLimits: { ratelimit: 0, msgsBurst: 500 } } } };
    const ajv = new Ajv2020.default({ allErrors: true, strict: false });
    ajv.addSchema(schema('common.schema.json'));
    const validate = ajv.compile(schema('topology.schema.json'));
    expect(validate(limited), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ hosts: { a: { ip: '198.51.100.2/24', icmpLimits: { ratelimit: -1 } } } })).toBe(false);
    expect(validate({ hosts: { a: { ip: '198.51.100.2/24', icmpLimits: { rate: 0 } } } })).toBe(false);
    const plan = runPlan(mustPlan(limited), 'a1b2c3');
    const r3sys = plan.setups[3].sysctls;
    expect(r3sys['net.ipv4.icmp_ratelimit']).toBe('0');
    expect(r3sys['net.ipv6.icmp.ratelimit']).toBe('0');
    expect(r3sys['net.ipv4.icmp_msgs_burst']).toBe('500');
    expect(r3sys['net.ipv4.icmp_msgs_per_sec']).toBeUndefined();
    expect(plan.setups[2].sysctls['net.ipv4.icmp_ratelimit']).toBeUndefined();
  });

  it('writes sysctls, resolv.conf and the nftables ruleset per host', () => {
    const plan = runPlan(mustPlan(chain), 'a1b2c3');
    const client = plan.setups[0];
    expect(client.resolvConf).toBe('# written by wirelab\nnameserver 203.0.113.53\nsearch home\noptions ndots:1\n');
    // the kernel's ICMP rate limits stay as they are unless a host sets icmpLimits
    for (const setup of plan.setups) expect(Object.keys(setup.sysctls).filter((k) => /icmp/.test(k))).toEqual([]);
    expect(client.sysctls['net.ipv4.ip_forward']).toBe('0');
    expect(plan.setups[1].sysctls['net.ipv4.ip_forward']).toBe('1');
    expect(client.nft).toBeUndefined();
    const server = plan.setups[5].nft!;
    expect(server).toContain('policy drop;');
    expect(server).toContain('tcp dport 50007 accept');
    expect(server).toContain('tcp dport 50009 reject with tcp reset');
    expect(server).toContain('udp dport 53 reject with icmpx type port-unreachable');
    expect(server).toContain('meta l4proto { icmp, ipv6-icmp } accept');
    expect(plan.setups[2].nft).toContain('icmp type { time-exceeded, destination-unreachable } drop');
  });

  it('policy reject answers like a closed port; a plain host needs no ruleset', () => {
    const r = nftRuleset({ policy: 'reject', allow: ['tcp/22-23'] }, false)!;
    expect(r).toContain('tcp dport 22-23 accept');
    expect(r.indexOf('tcp dport 22-23 accept')).toBeLessThan(r.indexOf('meta l4proto tcp reject with tcp reset'));
    expect(nftRuleset(undefined, false)).toBeUndefined();
  });

  it('an invalid topology gives its problems, not a plan (mustPlan throws a UsageError listing them)', () => {
    const bad: TopologySpec = { hosts: { a: { ip: '192.0.2.1/24', gateway: 'x' } } };
    expect(planTopology(bad)).toEqual({
      ok: false,
      problems: [
        { path: ['topology', 'hosts', 'a', 'gateway'], message: 'gateway "x" is neither a host of the topology nor an IP address' },
      ],
    });
    expect(() => mustPlan(bad)).toThrow(/\/topology\/hosts\/a\/gateway/);
  });

  it('the plan names no namespace; each run gets its own', () => {
    const plan = mustPlan(chain);
    expect(JSON.stringify(plan)).not.toContain('wl-');
    expect(runPlan(plan, 'a1b2c3').namespaces[0]).toBe('wl-a1b2c3-client');
    expect(runPlan(plan, '0000ff').namespaces[0]).toBe('wl-0000ff-client');
    expect(() => runPlan(plan, 'nope')).toThrow(/bad run id/);
  });
});
