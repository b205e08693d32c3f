/** Small inputs for the drawing tests: a topology with a LAN, a firewall and a silent router, and one TCP connection. */
import type { PacketRow, TopologyRecord } from '../../../src/generated/run-record.js';

/** client — r1 (LAN with two servers) and r1 — r2 (silent) — web (firewalled, MTU 1492). */
export const smallTopology: TopologyRecord = {
  runId: 'abc123',
  hosts: [
    {
      name: 'client',
      router: false,
      addresses: ['198.51.100.55'],
      interfaces: [{ name: 'eth0', addresses: ['198.51.100.55/24'], mtu: 1500, peer: 'r1:eth0' }],
    },
    {
      name: 'r1',
      router: true,
      addresses: ['198.51.100.1', '192.0.2.1', '203.0.113.1'],
      interfaces: [
        { name: 'eth0', addresses: ['198.51.100.1/24'], mtu: 1500, peer: 'client:eth0' },
        { name: 'eth1', addresses: ['192.0.2.1/30'], mtu: 1500, peer: 'r2:eth0' },
        { name: 'eth2', addresses: ['203.0.113.1/24'], mtu: 1500, peer: 'switch' },
      ],
    },
    {
      name: 'r2',
      router: true,
      icmp: 'silent',
      addresses: ['192.0.2.2', '192.0.2.5'],
      interfaces: [
        { name: 'eth0', addresses: ['192.0.2.2/30'], mtu: 1500, peer: 'r1:eth1' },
        { name: 'eth1', addresses: ['192.0.2.5/30'], mtu: 1500, peer: 'web:eth0' },
      ],
    },
    {
      name: 'web',
      router: false,
      firewall: { policy: 'drop', allow: ['tcp/80', 'tcp/443'] },
      addresses: ['192.0.2.6'],
      interfaces: [{ name: 'eth0', addresses: ['192.0.2.6/30'], mtu: 1492, peer: 'r2:eth1' }],
    },
    {
      name: 'db',
      router: false,
      addresses: ['203.0.113.20'],
      interfaces: [{ name: 'eth0', addresses: ['203.0.113.20/24'], mtu: 1500, peer: 'switch' }],
    },
    {
      name: 'cache',
      router: false,
      addresses: ['203.0.113.30'],
      interfaces: [{ name: 'eth0', addresses: ['203.0.113.30/24'], mtu: 1500, peer: 'switch' }],
    },
  ],
  networks: [
    {
      name: '198.51.100.0/24',
      subnets: ['198.51.100.0/24'],
      members: [
        { host: 'client', iface: 'eth0', mtu: 1500 },
        { host: 'r1', iface: 'eth0', mtu: 1500 },
      ],
    },
    {
      name: '192.0.2.0/30',
      subnets: ['192.0.2.0/30'],
      members: [
        { host: 'r1', iface: 'eth1', mtu: 1500 },
        { host: 'r2', iface: 'eth0', mtu: 1500 },
      ],
    },
    {
      name: '192.0.2.4/30',
      subnets: ['192.0.2.4/30'],
      members: [
        { host: 'r2', iface: 'eth1', mtu: 1500 },
        { host: 'web', iface: 'eth0', mtu: 1492 },
      ],
    },
    {
      name: 'backend',
      subnets: ['203.0.113.0/24'],
      members: [
        { host: 'r1', iface: 'eth2', mtu: 1500 },
        { host: 'db', iface: 'eth0', mtu: 1500 },
        { host: 'cache', iface: 'eth0', mtu: 1500 },
      ],
    },
  ],
};

/** A chain of `n` routers between a client and a server, as the run record holds it. */
export function chainTopology(n: number): TopologyRecord {
  const names = ['client', ...Array.from({ length: n }, (_, i) => `r${i + 1}`), 'server'];
  const hosts: TopologyRecord['hosts'] = names.map((name) => ({ name, router: name.startsWith('r'), addresses: [], interfaces: [] }));
  const networks: NonNullable<TopologyRecord['networks']> = [];
  for (let i = 0; i + 1 < names.length; i++) {
    const a = hosts[i];
    const b = hosts[i + 1];
    const ia = `eth${a.interfaces!.length}`;
    const ib = `eth${b.interfaces!.length}`;
    const net = `192.0.2.${i * 4}/30`;
    a.interfaces!.push({ name: ia, addresses: [`192.0.2.${i * 4 + 1}/30`], mtu: 1500, peer: `${b.name}:${ib}` });
    b.interfaces!.push({ name: ib, addresses: [`192.0.2.${i * 4 + 2}/30`], mtu: 1500, peer: `${a.name}:${ia}` });
    a.addresses.push(`192.0.2.${i * 4 + 1}`);
    b.addresses.push(`192.0.2.${i * 4 + 2}`);
    networks.push({
      name: net,
      subnets: [net],
      members: [
        { host: a.name, iface: ia, mtu: 1500 },
        { host: b.name, iface: ib, mtu: 1500 },
      ],
    });
  }
  // shuffle the order hosts are listed in: the layout must not depend on it
  return { hosts: [hosts[0], ...hosts.slice(1).reverse()], networks };
}

const C = '198.51.100.55';
const S = '203.0.113.10';
const tcp = (
  no: number,
  time: number,
  up: boolean,
  flags: string[],
  seq: number,
  ack: number | undefined,
  len: number,
  info: string,
): PacketRow => ({
  no,
  time,
  source: up ? C : S,
  destination: up ? S : C,
  protocol: 'TCP',
  length: 66 + len,
  info,
  tcp: { srcPort: up ? 45678 : 7, dstPort: up ? 7 : 45678, flags, seq, ...(ack === undefined ? {} : { ack }), len },
});

/** A TCP connection: handshake, one line each way, close (Info as tshark 4.0 prints it). */
export const handshake: PacketRow[] = [
  tcp(1, 0, true, ['SYN'], 0, undefined, 0, '45678 → 7 [SYN] Seq=0 Win=64240 Len=0 MSS=1460'),
  tcp(2, 0.000041, false, ['SYN', 'ACK'], 0, 1, 0, '7 → 45678 [SYN, ACK] Seq=0 Ack=1 Win=65160 Len=0 MSS=1460'),
  tcp(3, 0.000063, true, ['ACK'], 1, 1, 0, '45678 → 7 [ACK] Seq=1 Ack=1 Win=64256 Len=0'),
  tcp(4, 0.000912, true, ['PSH', 'ACK'], 1, 1, 7, '45678 → 7 [PSH, ACK] Seq=1 Ack=1 Win=64256 Len=7'),
  tcp(5, 0.001003, false, ['PSH', 'ACK'], 1, 8, 7, '7 → 45678 [PSH, ACK] Seq=1 Ack=8 Win=65160 Len=7'),
  tcp(6, 0.001104, true, ['ACK'], 8, 8, 0, '45678 → 7 [ACK] Seq=8 Ack=8 Win=64256 Len=0'),
  tcp(7, 0.101337, true, ['FIN', 'ACK'], 8, 8, 0, '45678 → 7 [FIN, ACK] Seq=8 Ack=8 Win=64256 Len=0'),
  tcp(8, 0.101502, false, ['FIN', 'ACK'], 8, 9, 0, '7 → 45678 [FIN, ACK] Seq=8 Ack=9 Win=65160 Len=0'),
  tcp(9, 0.101533, true, ['ACK'], 9, 9, 0, '45678 → 7 [ACK] Seq=9 Ack=9 Win=64256 Len=0'),
];
