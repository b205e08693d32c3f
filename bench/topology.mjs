// Times building and tearing down the four-router chain (client–r1–r2–r3–r4–server) with
// wirelab (batched: ip -batch, one process per namespace for sysctls/nft) beside the usual lab
// shell script (one `ip`/`ip netns exec` process per command), median of N runs each, and
// prints the ratios; also the start of the 6 host agents. Checks client → server ping in both. Needs root and a build
// (npx tsc -p tsconfig.build.json). Usage: node bench/topology.mjs [runs=10]
// Both sides keep the kernel's default ICMP rate limits, as wirelab's topologies do unless a
// scenario sets them; until issue 14 the peer script also ran `sysctl -w net.ipv4.icmp_ratelimit=0`
// in every namespace (one process more per host), which made it slower than a lab script needs to be.
import { execFileSync, spawnSync } from 'node:child_process';
import { buildTopology } from '../dist/topology/index.js';

const runs = Number(process.argv[2] ?? 10);
const chain = {
  client: { ip: '198.51.100.55/24', gateway: 'r1' },
  r1: { ip: ['198.51.100.1/24', '192.0.2.1/30'], forward: true },
  r2: { ip: ['192.0.2.2/30', '192.0.2.5/30'], forward: true },
  r3: { ip: ['192.0.2.6/30', '192.0.2.9/30'], forward: true },
  r4: { ip: ['192.0.2.10/30', '203.0.113.1/24'], forward: true },
  server: { ip: '203.0.113.10/24' },
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ping = (ns) =>
  execFileSync('ip', ['netns', 'exec', ns, 'ping', '-c1', '-W1', '-n', '203.0.113.10']).toString().includes('1 received');

/** The peer: the shell script a lab author writes, one process per command. */
function peerScripts(tag) {
  const ns = (h) => `wlbench-${tag}-${h}`;
  const up = [],
    down = [];
  const names = Object.keys(chain);
  for (const h of names) up.push(`ip netns add ${ns(h)}`, `ip netns exec ${ns(h)} ip link set lo up`);
  const links = [
    ['client', 0, 'r1', 0],
    ['r1', 1, 'r2', 0],
    ['r2', 1, 'r3', 0],
    ['r3', 1, 'r4', 0],
    ['r4', 1, 'server', 0],
  ];
  links.forEach(([a, ia, b, ib], i) => {
    up.push(`ip link add v${i}a type veth peer name v${i}b`, `ip link set v${i}a netns ${ns(a)}`, `ip link set v${i}b netns ${ns(b)}`);
    up.push(`ip netns exec ${ns(a)} ip link set v${i}a name eth${ia}`, `ip netns exec ${ns(b)} ip link set v${i}b name eth${ib}`);
  });
  for (const h of names) {
    const ips = [chain[h].ip].flat();
    ips.forEach((ip, i) =>
      up.push(`ip netns exec ${ns(h)} ip addr add ${ip} dev eth${i}`, `ip netns exec ${ns(h)} ip link set eth${i} up`),
    );
    up.push(`ip netns exec ${ns(h)} sysctl -qw net.ipv4.ip_forward=${chain[h].forward ? 1 : 0}`);
  }
  const routes = {
    client: ['default via 198.51.100.1'],
    r1: ['192.0.2.4/30 via 192.0.2.2', '192.0.2.8/30 via 192.0.2.2', '203.0.113.0/24 via 192.0.2.2'],
    r2: ['198.51.100.0/24 via 192.0.2.1', '192.0.2.8/30 via 192.0.2.6', '203.0.113.0/24 via 192.0.2.6'],
    r3: ['198.51.100.0/24 via 192.0.2.5', '192.0.2.0/30 via 192.0.2.5', '203.0.113.0/24 via 192.0.2.10'],
    r4: ['198.51.100.0/24 via 192.0.2.9', '192.0.2.0/30 via 192.0.2.9', '192.0.2.4/30 via 192.0.2.9'],
    server: ['default via 203.0.113.1'],
  };
  for (const [h, rs] of Object.entries(routes)) for (const r of rs) up.push(`ip netns exec ${ns(h)} ip route add ${r}`);
  for (const h of names) down.push(`ip netns del ${ns(h)}`);
  return { up: up.join('\n'), down: down.join('\n'), client: ns('client') };
}

function sh(script) {
  const t = performance.now();
  const r = spawnSync('sh', ['-e', '-c', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`peer script failed: ${r.stderr}`);
  return performance.now() - t;
}

const w = { up: [], down: [], total: [], agents: [] };
const p = { up: [], down: [], total: [] };
for (let i = 0; i < runs + 1; i++) {
  let t = performance.now();
  let teardownErrors = [];
  const topo = await buildTopology({ hosts: chain }, { workdir: '/tmp' });
  const up = performance.now() - t;
  let agents;
  try {
    if (!ping(topo.hosts.get('client').netns)) throw new Error('wirelab chain: no ping');
    const ta = performance.now();
    await Promise.all([...topo.hosts.keys()].map((h) => topo.host(h).start()));
    agents = performance.now() - ta;
  } finally {
    t = performance.now();
    teardownErrors = await topo.teardown();
  }
  if (teardownErrors.length) throw new AggregateError(teardownErrors);
  const down = performance.now() - t;
  const peer = peerScripts(`${process.pid}-${i}`);
  let pu, pd;
  try {
    pu = sh(peer.up);
    if (!ping(peer.client)) throw new Error('peer chain: no ping');
  } finally {
    pd = sh(
      peer.down
        .split('\n')
        .map((l) => `${l} 2>/dev/null || true`)
        .join('\n'),
    );
  }
  if (i === 0) continue; // warm-up (first build also checks the environment)
  (w.up.push(up), w.down.push(down), w.total.push(up + down), w.agents.push(agents));
  (p.up.push(pu), p.down.push(pd), p.total.push(pu + pd));
}
console.log(`four-router chain (6 namespaces, 5 links), median of ${runs} runs, ms:`);
console.log('phase     wirelab   shell script (1 process/command)   ratio peer/wirelab');
for (const k of ['up', 'down', 'total']) {
  const a = median(w[k]),
    b = median(p[k]);
  console.log(`${k.padEnd(9)} ${a.toFixed(1).padStart(7)}   ${b.toFixed(1).padStart(7)}                            ${(b / a).toFixed(2)}x`);
}
console.log(
  `wirelab only: 6 host agents started in parallel (ready handshake), median ${median(w.agents).toFixed(1)} ms (down includes stopping them)`,
);
