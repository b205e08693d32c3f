// Times `wirelab scan` (connect and SYN) beside nmap in the same run and prints ratios:
//   1. all 65535 loopback ports: wirelab --connect vs nmap -sT -T5, wirelab --syn vs nmap -sS -T5
//   2. ports 50000-50009 of a namespace host (2 open, 8 dropped): vs nmap -sT / -sS (default timing)
//   (and, not counted, the loopback scans on one sending thread and on the portable path, and
//   UDP scans vs nmap -sU: all loopback ports, and the namespace ports, 8 of them dropped)
// States must agree (exit 1 otherwise). Needs root, nmap, and a build (npm ci builds the native
// scan module; npx tsc -p tsconfig.build.json the rest).
// The namespaces keep the kernel's default ICMP rate limits (a burst of 6 errors per
// destination, then one a second); until issue 14 they set icmp_ratelimit=0. Only the UDP scan
// of the namespace host draws ICMP errors (2 port-unreachables a scan, for 50007/50008): it
// waits 2 s (untimed) before each scan, so every scan, wirelab's or nmap's, finds the burst
// refilled. (Loopback is never rate-limited by the kernel.)
// Usage: node bench/scan.mjs [repetitions=3]
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const reps = Number(process.argv[2] ?? 3);
const cli = fileURLToPath(new URL('./scan-cli.mjs', import.meta.url));
const NS = { cli: 'wlt5-bench-cli', srv: 'wlt5-bench-srv' };
const OPEN = [50007, 50008];

function timed(cmd, args) {
  const t = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 << 20 });
  const s = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { s, out: r.stdout };
}

/** port → state from wirelab's JSON; only non-closed ports are kept. */
function wirelabStates(json) {
  const m = new Map();
  const r = JSON.parse(json);
  engines.add(r.engine);
  for (const p of r.ports) if (p.state !== 'closed') m.set(p.port, p.state);
  return m;
}
const engines = new Set();
/** port → state from nmap -oX; ports in <extraports> are the closed ones here. */
function nmapStates(xml) {
  const m = new Map();
  for (const x of xml.matchAll(/<port protocol="(?:tcp|udp)" portid="(\d+)"><state state="([a-z|]+)"/g))
    if (x[2] !== 'closed') m.set(Number(x[1]), x[2]);
  return m;
}
const show = (m) => [...m].map(([p, s]) => `${p}:${s}`).join(' ') || '(none)';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** `before` runs, untimed, before each scan. */
function compare(name, ours, peer, before = () => {}) {
  const times = { ours: [], peer: [] };
  let mismatch;
  for (let i = 0; i < reps; i++) {
    before();
    const a = timed(...ours);
    before();
    const b = timed(...peer);
    times.ours.push(a.s);
    times.peer.push(b.s);
    const sa = wirelabStates(a.out),
      sb = nmapStates(b.out);
    if (show(sa) !== show(sb)) {
      // other processes on this machine open and close loopback listeners: scan both once more
      // back to back, and count a difference only if it persists
      before();
      const sa2 = wirelabStates(timed(...ours).out);
      before();
      const sb2 = nmapStates(timed(...peer).out);
      if (show(sa2) !== show(sb2)) mismatch = `wirelab ${show(sa)} | nmap ${show(sb)}; again: wirelab ${show(sa2)} | nmap ${show(sb2)}`;
      else console.log(`  transient difference (a listener came or went between the two scans), agreed on re-scan: ${show(sa2)}`);
    } else if (i === 0) console.log(`  states agree: ${show(sa)}`);
  }
  const mo = median(times.ours),
    mp = median(times.peer);
  const engine = [...engines].join('+');
  engines.clear();
  console.log(
    `${name.padEnd(44)} wirelab [${engine}] ${mo.toFixed(3)} s  nmap ${mp.toFixed(3)} s  ratio ${(mo / mp).toFixed(2)}  (runs: ${times.ours.map((t) => t.toFixed(2)).join(', ')} | ${times.peer.map((t) => t.toFixed(2)).join(', ')})`,
  );
  if (mismatch) console.log(`  STATES DIFFER in a run: ${mismatch}`);
  return { faster: mo < mp, agree: !mismatch };
}

function sh(...args) {
  execFileSync(args[0], args.slice(1), { stdio: 'ignore' });
}
function setupNamespaces() {
  teardown();
  sh('ip', 'netns', 'add', NS.cli);
  sh('ip', 'netns', 'add', NS.srv);
  sh('ip', 'link', 'add', 'c0', 'netns', NS.cli, 'type', 'veth', 'peer', 'name', 's0', 'netns', NS.srv);
  for (const [ns, dev, addr] of [
    [NS.cli, 'c0', '198.51.100.1/24'],
    [NS.srv, 's0', '198.51.100.2/24'],
  ]) {
    sh('ip', 'netns', 'exec', ns, 'ip', 'addr', 'add', addr, 'dev', dev);
    sh('ip', 'netns', 'exec', ns, 'ip', 'link', 'set', dev, 'up');
    sh('ip', 'netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
  }
  execFileSync('ip', ['netns', 'exec', NS.srv, 'nft', '-f', '-'], {
    input:
      'table inet wlt5 {\n chain input {\n type filter hook input priority 0; policy accept;\n meta l4proto { tcp, udp } th dport 50000-50009 th dport != { 50007, 50008 } drop\n }\n}\n',
  });
}
function teardown() {
  for (const ns of [NS.cli, NS.srv]) spawnSync('ip', ['netns', 'del', ns]);
}

/** Waits until the server's ICMP burst has room for a scan's 2 errors again (1 token a second). */
const refilled = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);

const results = [];
console.log(`scan benchmark, ${reps} runs each, medians`);
results.push(
  compare(
    'loopback 1-65535 connect vs nmap -sT -T5',
    ['node', [cli, 'scan', '127.0.0.1', '-p', '-', '--connect', '--json']],
    ['nmap', ['-n', '-Pn', '-sT', '-T5', '-p-', '-oX', '-', '127.0.0.1']],
  ),
);
results.push(
  compare(
    'loopback 1-65535 SYN vs nmap -sS -T5',
    ['node', [cli, 'scan', '127.0.0.1', '-p', '-', '--syn', '--json']],
    ['nmap', ['-n', '-Pn', '-sS', '-T5', '-p-', '-oX', '-', '127.0.0.1']],
  ),
);
// for the record, not in the tally: the connect scan on one core, and the portable path
console.log('(not counted) the same on one sending thread, and without the native module:');
compare(
  '  connect --threads 1 vs nmap -sT -T5',
  ['node', [cli, 'scan', '127.0.0.1', '-p', '-', '--connect', '--threads', '1', '--json']],
  ['nmap', ['-n', '-Pn', '-sT', '-T5', '-p-', '-oX', '-', '127.0.0.1']],
);
compare(
  '  connect --portable vs nmap -sT -T5',
  ['node', [cli, 'scan', '127.0.0.1', '-p', '-', '--connect', '--portable', '--json']],
  ['nmap', ['-n', '-Pn', '-sT', '-T5', '-p-', '-oX', '-', '127.0.0.1']],
);
compare(
  '  SYN --portable vs nmap -sS -T5',
  ['node', [cli, 'scan', '127.0.0.1', '-p', '-', '--syn', '--portable', '--json']],
  ['nmap', ['-n', '-Pn', '-sS', '-T5', '-p-', '-oX', '-', '127.0.0.1']],
);
console.log('(not counted) UDP scans, which the target does not cover:');
const udpCases = [];
udpCases.push(
  compare(
    '  loopback 1-65535 UDP vs nmap -sU -T5',
    ['node', [cli, 'scan', '127.0.0.1', '-p', '-', '--udp', '--json']],
    ['nmap', ['-n', '-Pn', '-sU', '-T5', '-p-', '-oX', '-', '127.0.0.1']],
  ),
);
udpCases.push(
  compare(
    '  loopback 1-65535 UDP --portable vs -sU -T5',
    ['node', [cli, 'scan', '127.0.0.1', '-p', '-', '--udp', '--portable', '--json']],
    ['nmap', ['-n', '-Pn', '-sU', '-T5', '-p-', '-oX', '-', '127.0.0.1']],
  ),
);
setupNamespaces();
let listener;
try {
  listener = spawnSync('true'); // placeholder replaced below
  const code = `const net=require('net');let n=0;for(const p of ${JSON.stringify(OPEN)})net.createServer(s=>s.destroy()).listen(p,()=>{if(++n===${OPEN.length})console.log('ready')})`;
  const { spawn } = await import('node:child_process');
  listener = spawn('ip', ['netns', 'exec', NS.srv, process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve) => listener.stdout.on('data', resolve));
  const inCli = (cmd, args) => ['ip', ['netns', 'exec', NS.cli, cmd, ...args]];
  const target = ['198.51.100.2'];
  results.push(
    compare(
      'netns 50000-50009 (8 filtered) connect vs -sT',
      inCli('node', [cli, 'scan', ...target, '-p', '50000-50009', '--connect', '--json', '--allow-target', '198.51.100.0/24']),
      inCli('nmap', ['-n', '-Pn', '-sT', '-p', '50000-50009', '-oX', '-', ...target]),
    ),
  );
  results.push(
    compare(
      'netns 50000-50009 (8 filtered) SYN vs -sS',
      inCli('node', [cli, 'scan', ...target, '-p', '50000-50009', '--syn', '--json', '--allow-target', '198.51.100.0/24']),
      inCli('nmap', ['-n', '-Pn', '-sS', '-p', '50000-50009', '-oX', '-', ...target]),
    ),
  );
  udpCases.push(
    compare(
      '  netns 50000-50009 (8 dropped) UDP vs -sU',
      inCli('node', [cli, 'scan', ...target, '-p', '50000-50009', '--udp', '--json', '--allow-target', '198.51.100.0/24']),
      inCli('nmap', ['-n', '-Pn', '-sU', '-p', '50000-50009', '-oX', '-', ...target]),
      refilled,
    ),
  );
} finally {
  if (listener?.pid && listener.exitCode === null) listener.kill('SIGKILL');
  teardown();
}
const slower = results.filter((r) => !r.faster).length;
const differ = [...results, ...udpCases].filter((r) => !r.agree).length;
console.log(
  `${results.length - slower} of ${results.length} cases faster than nmap; states ${differ ? `differ in ${differ} case(s)` : 'agree in every case'}`,
);
process.exitCode = differ ? 1 : 0;
