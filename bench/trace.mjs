// Times `wirelab trace` beside Linux traceroute in the same run, through a namespace chain
// cli → r1 → r2 → r3 → dst, for UDP, ICMP (-I) and TCP (-T) probes, on an answering path and
// with a silent destination (both with -m 8 -w 1), and with tool defaults (-w 5,3,10 -N 16)
// past a silent router r2; hop addresses and star positions must agree.
// The namespaces keep the kernel's default ICMP rate limits (a burst of 6 errors per
// destination, then one a second), as real routers do; until issue 14 they set
// icmp_ratelimit=0. So that no trace finds the burst a previous one spent, the chain is built
// afresh (untimed) before every traced command, for wirelab and traceroute alike.
// "trace itself" is the result's elapsedMs: the trace without node's process start-up.
// Needs root, traceroute, and a build (npx tsc -p tsconfig.build.json). Usage: node bench/trace.mjs [runs=3]
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const reps = Number(process.argv[2] ?? 3);
const cli = fileURLToPath(new URL('./scan-cli.mjs', import.meta.url));
const P = 'wlt5-btr-';
const NS = ['cli', 'r1', 'r2', 'r3', 'dst'].map((n) => P + n);
const DST = '203.0.113.2';
const sh = (...a) => execFileSync(a[0], a.slice(1), { stdio: ['pipe', 'ignore', 'pipe'] });
const inNs = (ns, ...a) => sh('ip', 'netns', 'exec', P + ns, ...a);

function setup() {
  teardown();
  for (const ns of NS) {
    sh('ip', 'netns', 'add', ns);
    sh('ip', 'netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
    sh('ip', 'netns', 'exec', ns, 'sysctl', '-qw', `net.ipv4.ip_forward=${/r\d$/.test(ns) ? 1 : 0}`);
  }
  const links = [
    ['cli', 'r1', '198.51.100.1/30', '198.51.100.2/30'],
    ['r1', 'r2', '198.51.100.5/30', '198.51.100.6/30'],
    ['r2', 'r3', '198.51.100.9/30', '198.51.100.10/30'],
    ['r3', 'dst', '203.0.113.1/30', '203.0.113.2/30'],
  ];
  for (const [a, b, aa, ba] of links) {
    sh('ip', 'link', 'add', 'to-' + b, 'netns', P + a, 'type', 'veth', 'peer', 'name', 'to-' + a, 'netns', P + b);
    inNs(a, 'ip', 'addr', 'add', aa, 'dev', 'to-' + b);
    inNs(b, 'ip', 'addr', 'add', ba, 'dev', 'to-' + a);
    inNs(a, 'ip', 'link', 'set', 'to-' + b, 'up');
    inNs(b, 'ip', 'link', 'set', 'to-' + a, 'up');
  }
  for (const [ns, dest, via] of [
    ['cli', 'default', '198.51.100.2'],
    ['r1', 'default', '198.51.100.6'],
    ['r2', 'default', '198.51.100.10'],
    ['r2', '198.51.100.0/30', '198.51.100.5'],
    ['r3', '198.51.100.0/24', '198.51.100.9'],
    ['dst', 'default', '203.0.113.1'],
  ]) {
    inNs(ns, 'ip', 'route', 'add', dest, 'via', via);
  }
  // resolves every neighbour on the path; echo replies spend no ICMP error budget
  spawnSync('ip', ['netns', 'exec', P + 'cli', 'ping', '-n', '-c', '1', '-W', '1', DST]);
}
/** A fresh chain (full ICMP bursts), its destination silent or not. */
function fresh(silent) {
  setup();
  silenceDst(silent);
}
/** r2 sends no time-exceeded (as lab 1's r3). */
function silenceR2() {
  execFileSync('ip', ['netns', 'exec', P + 'r2', 'nft', '-f', '-'], {
    input:
      'table inet wlt5 {\n chain output {\n type filter hook output priority 0; policy accept;\n icmp type time-exceeded drop\n }\n}\n',
  });
}
function teardown() {
  for (const ns of NS) spawnSync('ip', ['netns', 'del', ns]);
}
function silenceDst(on) {
  spawnSync('ip', ['netns', 'exec', P + 'dst', 'nft', 'delete', 'table', 'inet', 'wlt5']);
  if (on)
    execFileSync('ip', ['netns', 'exec', P + 'dst', 'nft', '-f', '-'], {
      input: 'table inet wlt5 {\n chain input {\n type filter hook input priority 0; policy drop;\n }\n}\n',
    });
}
function timed(args) {
  const t = performance.now();
  const r = spawnSync('ip', ['netns', 'exec', P + 'cli', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  return { s: (performance.now() - t) / 1000, out: r.stdout };
}
/** Per hop, each probe's address or `*` (traceroute prints an address only when it changes). */
function hops(text) {
  return text
    .split('\n')
    .slice(1)
    .filter((l) => /^\s*\d+ /.test(l))
    .map((l) => {
      let addr = '';
      const probes = [];
      for (const t of l.trim().split(/\s+/).slice(1)) {
        if (t === '*') probes.push('*');
        else if (/^\d+\.\d+\.\d+\.\d+$/.test(t)) addr = t;
        else if (t === 'ms') probes.push(addr);
      }
      return probes.join(' ');
    })
    .join(' | ');
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

let differ = 0;
try {
  for (const silent of [false, true]) {
    for (const [probe, flag] of [
      ['udp', []],
      ['icmp', ['-I']],
      ['tcp', ['-T']],
    ]) {
      const ours = [],
        peer = [],
        inproc = [];
      let same = true;
      for (let i = 0; i < reps; i++) {
        fresh(silent);
        const a = timed(['node', cli, 'trace', DST, '--probe', probe, '-m', '8', '-w', '1', '--json', '--allow-target', '203.0.113.0/24']);
        fresh(silent);
        const b = timed(['traceroute', '-n', ...flag, '-m', '8', '-w', '1', DST]);
        const result = JSON.parse(a.out);
        ours.push(a.s);
        peer.push(b.s);
        inproc.push(result.elapsedMs / 1000);
        const mine = result.hops.map((h) => h.probes.map((p) => p.address ?? '*').join(' ')).join(' | ');
        if (mine !== hops(b.out)) {
          same = false;
          console.log(`  HOPS DIFFER: wirelab ${mine}\n               traceroute ${hops(b.out)}`);
        }
      }
      if (!same) differ++;
      const name = `${silent ? 'silent destination' : 'answering path'}, ${probe} vs traceroute ${flag.join(' ') || '(udp)'}`;
      const mo = median(ours),
        mp = median(peer);
      console.log(
        `${name.padEnd(48)} wirelab ${mo.toFixed(3)} s (trace itself ${median(inproc).toFixed(3)} s)  traceroute ${mp.toFixed(3)} s  ratio ${(mo / mp).toFixed(2)}${same ? '  hops agree' : ''}`,
      );
    }
  }
  // traceroute's own defaults (-w 5,3,10 -N 16 -m 30) past a silent router: its stars wait
  // NEAR (10) x the RTT of a later hop's answer instead of 5 s each
  for (const [probe, flag] of [
    ['udp', []],
    ['icmp', ['-I']],
  ]) {
    const ours = [],
      peer = [],
      inproc = [];
    let same = true;
    for (let i = 0; i < reps; i++) {
      fresh(false);
      silenceR2();
      const a = timed(['node', cli, 'trace', DST, '--probe', probe, '--json', '--allow-target', '203.0.113.0/24']);
      fresh(false);
      silenceR2();
      const b = timed(['traceroute', '-n', ...flag, DST]);
      const result = JSON.parse(a.out);
      ours.push(a.s);
      peer.push(b.s);
      inproc.push(result.elapsedMs / 1000);
      const mine = result.hops.map((h) => h.probes.map((p) => p.address ?? '*').join(' ')).join(' | ');
      if (mine !== hops(b.out)) {
        same = false;
        console.log(`  HOPS DIFFER: wirelab ${mine}\n               traceroute ${hops(b.out)}`);
      }
    }
    if (!same) differ++;
    const name = `r2 silent, defaults, ${probe} vs traceroute ${flag.join(' ') || '(udp)'}`;
    const mo = median(ours),
      mp = median(peer);
    console.log(
      `${name.padEnd(48)} wirelab ${mo.toFixed(3)} s (trace itself ${median(inproc).toFixed(3)} s)  traceroute ${mp.toFixed(3)} s  ratio ${(mo / mp).toFixed(2)}${same ? '  hops agree' : ''}`,
    );
  }
} finally {
  teardown();
}
process.exitCode = differ ? 1 : 0;
