import { describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../src/errors.js';
import { missingFeature } from '../../src/topology/apply.js';
import { mustPlan, runPlan } from '../../src/topology/plan.js';
import { diagnostics } from '../helpers/scenario.js';

/**
 * Validates a scenario whose `topology:` holds `topology` (its lines), giving each problem as
 * `line:col [what the file has there] code message`: the bracket shows the value the position points at.
 */
const check = (topology: string[]) => {
  const lines = ['name: t', 'topology:', ...topology.map((l) => `  ${l}`), 'steps: []', ''];
  return diagnostics(lines.join('\n'), 'lab.yaml').map((d) => {
    const there = /^"[^"]*"|^[^,\]}\s]+/.exec(lines[d.line - 1].slice(d.col - 1))?.[0];
    return `${d.line}:${d.col} [${there}] ${d.code} ${d.message}`;
  });
};

describe('topology values the kernel refuses are found at validate time, at the value', () => {
  it('an mtu below 1280 on an interface with IPv6, at the mtu that applies (interface, host or network)', () => {
    expect(
      check([
        'hosts:',
        '  a: { ip: { ip: [192.0.2.1/24, "2001:db8::1/64"], mtu: 1000 } }',
        '  b: { ip: [192.0.2.2/24, "2001:db8::2/64"] }',
      ]),
    ).toEqual([
      '4:59 [1000] bad-topology mtu 1000 is below 1280, the least IPv6 allows (the kernel turns IPv6 off on such a link), and it applies to eth0 of a, which carries 2001:db8::1/64: set mtu to 1280 or more, or keep that link IPv4-only',
    ]);
    const host = check([
      'hosts:',
      '  a: { ip: ["2001:db8::1/64", "2001:db8:2::1/64"], mtu: 600 }',
      '  b: { ip: "2001:db8::2/64" }',
      '  c: { ip: "2001:db8:2::2/64" }',
    ]);
    expect(host).toHaveLength(1); // once, though it applies to two interfaces
    expect(host[0]).toMatch(/^4:\d+ \[600\] bad-topology mtu 600 is below 1280/);
    const net = check([
      'networks:',
      '  lan: { subnet: 192.0.2.0/24, subnet6: "2001:db8::/64", mtu: 1279 }',
      'hosts:',
      '  a: { ip: [192.0.2.1/24, "2001:db8::1/64"] }',
      '  b: { ip: 192.0.2.2/24 }',
    ]);
    expect(net).toHaveLength(1);
    expect(net[0]).toMatch(/^4:\d+ \[1279\] bad-topology mtu 1279 is below 1280/);
  });

  it('an IPv4-only link may have any mtu from 576', () => {
    expect(
      check([
        'networks:',
        '  lan: { subnet: 192.0.2.0/24, mtu: 600 }',
        'hosts:',
        '  a: { ip: 192.0.2.1/24 }',
        '  b: { ip: { ip: 192.0.2.2/24, mtu: 576 } }',
      ]),
    ).toEqual([]);
  });

  it('multicast, loopback, unspecified, reserved, /0, IPv6 link-local and IPv4-mapped addresses', () => {
    const out = check([
      'hosts:',
      '  a: { ip: [224.0.0.1/4, "ff02::1/16", 127.0.0.5/8, "::1/128", 0.0.0.0/24, "::/64", 10.0.0.1/0] }',
      '  b: { ip: ["fe80::1/64", "::ffff:192.0.2.1/120", 240.0.0.1/8, 255.255.255.255/32] }',
    ]);
    expect(out.map((l) => l.split(' bad-topology ')[0])).toEqual([
      '4:15 [224.0.0.1/4]',
      '4:28 ["ff02::1/16"]',
      '4:42 [127.0.0.5/8]',
      '4:55 ["::1/128"]',
      '4:66 [0.0.0.0/24]',
      '4:78 ["::/64"]',
      '4:87 [10.0.0.1/0]',
      '5:15 ["fe80::1/64"]',
      '5:29 ["::ffff:192.0.2.1/120"]',
      '5:53 [240.0.0.1/8]',
      '5:66 [255.255.255.255/32]',
    ]);
    expect(out[0]).toContain('224.0.0.1/4 is a multicast address (224.0.0.0/4)');
    expect(out[1]).toContain('ff02::1/16 is a multicast address (ff00::/8)');
    expect(out[2]).toContain('127.0.0.5/8 is a loopback address');
    expect(out[2]).toContain('give a unicast address such as 192.0.2.1/24');
    expect(out[3]).toContain('::1/128 is the loopback address ::1');
    expect(out[4]).toContain('0.0.0.0/24 is in 0.0.0.0/8');
    expect(out[5]).toContain('::/64 is the unspecified address ::');
    expect(out[6]).toContain('10.0.0.1/0 has prefix length /0');
    expect(out[7]).toContain('fe80::1/64 is link-local');
    expect(out[8]).toContain('IPv4-mapped');
    expect(out[9]).toContain('reserved range 240.0.0.0/4');
    expect(out[10]).toContain('255.255.255.255/32');
  });

  it('the network or broadcast address of an IPv4 subnet of /30 or wider; /31 and /32 are all hosts', () => {
    expect(check(['hosts:', '  a: { ip: [192.0.2.0/24, 198.51.100.3/30] }', '  b: { ip: [192.0.2.1/24, 198.51.100.2/30] }'])).toEqual([
      '4:15 [192.0.2.0/24] bad-topology 192.0.2.0/24 is the network address of 192.0.2.0/24, not a host address; give an address inside it, such as 192.0.2.1/24',
      '4:29 [198.51.100.3/30] bad-topology 198.51.100.3/30 is the broadcast address of 198.51.100.0/30, not a host address; give an address inside it, such as 198.51.100.2/30',
    ]);
    expect(check(['hosts:', '  a: { ip: [192.0.2.0/31, 203.0.113.7/32] }', '  b: { ip: 192.0.2.1/31 }'])).toEqual([]);
  });

  it('IPv4 link-local is a subnet like any other (Linux routes it)', () => {
    expect(
      check([
        'hosts:',
        '  a: { ip: 169.254.1.1/16, gateway: r }',
        '  r: { ip: [169.254.1.2/16, 192.0.2.1/24], forward: true }',
        '  b: { ip: 192.0.2.2/24 }',
      ]),
    ).toEqual([]);
  });

  it('subnets of named networks and route destinations: /0, special ranges, the wrong family', () => {
    const out = check([
      'networks:',
      '  n1: { subnet: 127.0.0.0/8 }',
      '  n2: { subnet: "2001:db8::/64" }',
      '  n3: { subnet6: "ff00::/8" }',
      'hosts:',
      '  a: { ip: 192.0.2.1/24, routes: [{ to: 0.0.0.0/0, via: b }] }',
      '  b: { ip: 192.0.2.2/24, forward: true }',
    ]);
    expect(out).toEqual([
      '4:19 [127.0.0.0/8] bad-topology subnet 127.0.0.0/8 is loopback (127.0.0.0/8); a lab network needs unicast addresses, such as 192.0.2.0/24',
      '5:19 ["2001:db8::/64"] bad-topology subnet must be an IPv4 subnet, found 2001:db8::/64 (an IPv6 subnet goes in subnet6)',
      '6:20 ["ff00::/8"] bad-topology subnet6 ff00::/8 is multicast (ff00::/8); a lab network needs unicast addresses, such as 2001:db8:1::/64',
      '8:43 [0.0.0.0/0] bad-topology route destination 0.0.0.0/0 is every address; a route there is written `default` (`default6` for IPv6), a network needs a longer prefix',
    ]);
  });

  it('a bad host-name key is reported once, at that key', () => {
    const out = check(['hosts:', '  a: { ip: 192.0.2.1/24 }', '  b: { ip: 192.0.2.2/24 }', '  Bad_Name: { ip: 192.0.2.3/24 }']);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(
      /^6:5 \[Bad_Name:\] bad-value the key "Bad_Name" in "hosts" is not valid: A host name: a DNS label of lower-case letters/,
    );
    // another key rule (a network name) maps the same way
    const net = check([
      'networks:',
      '  ok: { subnet: 192.0.2.0/24 }',
      '  "1bad": { subnet: 198.51.100.0/24 }',
      'hosts:',
      '  a: { ip: 192.0.2.1/24 }',
    ]);
    expect(net.map((l) => l.split(' ').slice(0, 3).join(' '))).toEqual(['5:5 ["1bad"] bad-value']);
  });
});

describe('building on a kernel without some link types', () => {
  it('a lone interface (single-host topology) is a port-less bridge, not a dummy', () => {
    const plan = runPlan(mustPlan({ hosts: { solo: { ip: ['192.0.2.1/24', '2001:db8::1/64'] } } }), 'a1b2c3');
    expect(plan.setups[0].ipBatch.filter((l) => l.startsWith('link add'))).toEqual([
      'link add eth0 mtu 1500 type bridge',
      'link add eth1 mtu 1500 type bridge',
    ]);
    expect(plan.hosts[0].interfaces.map((i) => i.peer)).toEqual(['none', 'none']);
  });

  it('an IPv4-only link below 1280 gets no IPv6 sysctl (the kernel has no conf/ entry for it)', () => {
    const plan = runPlan(
      mustPlan({
        networks: { lan: { subnet: '192.0.2.0/24', mtu: 600 } },
        hosts: {
          a: { ip: ['192.0.2.1/24', '198.51.100.1/24'], forward: true },
          b: { ip: '192.0.2.2/24' },
          c: { ip: '192.0.2.3/24' },
          d: { ip: '198.51.100.2/24' },
        },
      }),
      'a1b2c3',
    );
    expect(Object.keys(plan.setups[0].sysctls).filter((k) => /\.eth\d\./.test(k))).toEqual(['net.ipv6.conf.eth1.accept_dad']);
    const sw = plan.setups.find((s) => s.netns === 'wl-a1b2c3--sw')!;
    expect(Object.keys(sw.sysctls)).toEqual(['net.ipv6.conf.all.disable_ipv6', 'net.ipv6.conf.default.disable_ipv6']);
  });

  it('"Unknown device type" from ip -batch is an environment error naming the type (exit 3), anything else is not', () => {
    const batch = ['netns add wl-a1b2c3-a', 'link add eth0 netns wl-a1b2c3-a mtu 1500 type veth peer name eth0 netns wl-a1b2c3-b mtu 1500'];
    const err = missingFeature(new Error('ip -batch - failed (exit 1): Error: Unknown device type.\nCommand failed -:2'), batch);
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(err!.exitCode).toBe(3);
    expect(err!.message).toContain('no "veth" network device');
    expect(err!.fix).toContain('sudo modprobe veth');
    expect(err!.fix).toContain('CONFIG_VETH');
    expect(
      missingFeature(new Error('ip -batch - failed (exit 1): RTNETLINK answers: File exists\nCommand failed -:2'), batch),
    ).toBeUndefined();
  });
});
