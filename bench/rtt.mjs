// Round-trip times on one namespace path, wirelab beside traceroute, ping and nmap in the same
// run: cli → r1 … rN → dst (203.0.113.2), the kernel's default sysctls (ICMP rate limits
// included). Per run and probe kind, two chains built alike (a trace spends the destination's
// ICMP burst, so wirelab and traceroute each get a fresh one); one ping first resolves the
// neighbours. Prints median RTTs over all answered probes and wirelab's ratio to each peer.
// traceroute -I/-T with its default 16 probes at once time an answer after the other sends;
// `-N 1` shows the path's own time. Scan latency: wirelab's srtt (what the report's
// "Host is up" line shows) beside nmap's line and ping's median. The portable path's ICMP trace
// (answers timed by the event loop) is printed too, for the difference the kernel's times make.
// Needs root, traceroute, nmap and a build (npm run build). Usage: node bench/rtt.mjs [routers=3] [runs=5]
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const routers = Number(process.argv[2] ?? 3);
const runs = Number(process.argv[3] ?? 5);
const runner = fileURLToPath(new URL('../test/probes/probe-runner.mjs', import.meta.url));
const DST = '203.0.113.2';
const sh = (...a) => execFileSync(a[0], a.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], encoding: 'utf8' });

function chain(prefix) {
  const names = ['cli', ...Array.from({ length: routers }, (_, i) => `r${i + 1}`), 'dst'].map((x) => prefix + x);
  for (const ns of names) spawnSync('ip', ['netns', 'del', ns]);
  const destroy = () => names.forEach((ns) => spawnSync('ip', ['netns', 'del', ns]));
  try {
    names.forEach((ns, i) => {
      sh('ip', 'netns', 'add', ns);
      sh('ip', 'netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
      if (i > 0 && i <= routers) sh('ip', 'netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
    });
    const addr = (i, side) => (i === routers ? `203.0.113.${side}` : `198.51.100.${4 * i + side}`);
    for (let i = 0; i <= routers; i++) {
      sh('ip', 'link', 'add', 'e1', 'netns', names[i], 'type', 'veth', 'peer', 'name', 'e0', 'netns', names[i + 1]);
      sh('ip', 'netns', 'exec', names[i], 'ip', 'addr', 'add', `${addr(i, 1)}/30`, 'dev', 'e1');
      sh('ip', 'netns', 'exec', names[i + 1], 'ip', 'addr', 'add', `${addr(i, 2)}/30`, 'dev', 'e0');
      sh('ip', 'netns', 'exec', names[i], 'ip', 'link', 'set', 'e1', 'up');
      sh('ip', 'netns', 'exec', names[i + 1], 'ip', 'link', 'set', 'e0', 'up');
    }
    for (let i = 0; i < routers; i++) sh('ip', 'netns', 'exec', names[i], 'ip', 'route', 'add', 'default', 'via', addr(i, 2));
    for (let k = 1; k <= routers; k++) sh('ip', 'netns', 'exec', names[k], 'ip', 'route', 'add', '198.51.100.0/24', 'via', addr(k - 1, 1));
    sh('ip', 'netns', 'exec', names[routers + 1], 'ip', 'route', 'add', 'default', 'via', addr(routers, 1));
    spawnSync('ip', ['netns', 'exec', names[0], 'ping', '-n', '-c', '1', '-W', '1', DST]);
  } catch (e) {
    destroy();
    throw e;
  }
  return { cli: names[0], destroy };
}

const inCli = (c, ...a) => sh('ip', 'netns', 'exec', c.cli, ...a);
const probeOp = (c, op, args) =>
  JSON.parse(inCli(c, process.execPath, runner, JSON.stringify({ op, args: { ...args, target: DST, allow: ['203.0.113.0/24'] } })));
const traceRtts = (t) => t.hops.flatMap((h) => h.probes.map((p) => p.rttMs)).filter((r) => r !== null);
const tracerouteRtts = (text) => [...text.matchAll(/([\d.]+) ms/g)].map((m) => Number(m[1]));
const median = (xs) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : NaN);
const ms = (x) => (Number.isFinite(x) ? `${x.toFixed(3)} ms` : '-');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}x` : '-');

const P = `wlt5-brtt${process.pid % 1000}-`;
const samples = {};
const add = (k, xs) => (samples[k] ??= []).push(...xs);
const timeSources = new Set();
const hops = String(routers + 1);
for (let run = 0; run < runs; run++) {
  for (const [probe, flags] of [
    ['udp', []],
    ['icmp', ['-I']],
    ['tcp', ['-T']],
  ]) {
    const a = chain(`${P}a`);
    const b = chain(`${P}b`);
    try {
      const t = probeOp(a, 'trace', { probe, maxHops: routers + 1, waitMs: 1000 });
      timeSources.add(`${t.engine}/${t.timeSource}`);
      add(`wirelab ${probe}`, traceRtts(t));
      add(`traceroute ${flags.join(' ') || '(udp)'}`, tracerouteRtts(inCli(b, 'traceroute', '-n', ...flags, '-m', hops, '-w', '1', DST)));
      if (probe === 'icmp')
        add('wirelab icmp portable', traceRtts(probeOp(a, 'trace', { probe, maxHops: routers + 1, waitMs: 1000, portable: true })));
      add(
        `traceroute ${flags.join(' ') || '(udp)'} -N 1`,
        tracerouteRtts(inCli(b, 'traceroute', '-n', ...flags, '-N', '1', '-m', hops, '-w', '1', DST)),
      );
    } finally {
      a.destroy();
      b.destroy();
    }
  }
  const c = chain(`${P}s`);
  try {
    for (const method of ['syn', 'connect', 'udp']) {
      // UDP: five closed ports, within the destination's ICMP burst of 6
      const s = probeOp(c, 'scan', { ports: method === 'udp' ? '80-84' : '80-89', method });
      timeSources.add(`${method} ${s.engine}/${s.timeSource}`);
      add(`wirelab ${method} srtt`, [s.srttMs]);
    }
    for (const flag of ['-sS', '-sT']) {
      const m = /Host is up \(([\d.]+)s latency\)/.exec(inCli(c, 'nmap', '-n', '-Pn', flag, '-p', '80-89', DST));
      if (m) add(`nmap ${flag}`, [Number(m[1]) * 1000]);
    }
    add(
      'ping',
      [...inCli(c, 'ping', '-n', '-c', '5', '-i', '0.05', DST).matchAll(/time=([\d.]+) ms/g)].map((x) => Number(x[1])),
    );
  } finally {
    c.destroy();
  }
}

const m = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)]));
console.log(`path: cli -> ${routers} router(s) -> ${DST}, default sysctls, ${runs} runs (${[...timeSources].join(', ')})`);
console.log('probe  wirelab      traceroute   (ratio)   traceroute -N 1  (ratio)');
for (const [probe, flag] of [
  ['udp', '(udp)'],
  ['icmp', '-I'],
  ['tcp', '-T'],
]) {
  const w = m[`wirelab ${probe}`];
  const t = m[`traceroute ${flag}`];
  const t1 = m[`traceroute ${flag} -N 1`];
  console.log(`${probe.padEnd(6)} ${ms(w).padEnd(12)} ${ms(t).padEnd(12)} ${ratio(w, t).padEnd(9)} ${ms(t1).padEnd(16)} ${ratio(w, t1)}`);
}
console.log(
  `icmp, portable path (times from the event loop, as before native/trace.c): ${ms(m['wirelab icmp portable'])} (${ratio(m['wirelab icmp portable'], m['traceroute -I -N 1'])} of traceroute -I -N 1)`,
);
console.log(
  `scan latency: wirelab SYN srtt ${ms(m['wirelab syn srtt'])}, nmap -sS ${ms(m['nmap -sS'])} (${ratio(m['wirelab syn srtt'], m['nmap -sS'])}); ` +
    `wirelab connect srtt ${ms(m['wirelab connect srtt'])}, nmap -sT ${ms(m['nmap -sT'])} (${ratio(m['wirelab connect srtt'], m['nmap -sT'])}); wirelab UDP srtt ${ms(m['wirelab udp srtt'])}; ping median ${ms(m.ping)}`,
);
