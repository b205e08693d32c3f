import { basename, resolve } from 'node:path';
import type { Check } from '../generated/run-record.js';
import type { SessionBody, SessionExpect } from '../generated/scenario.js';
import { parseCounters } from '../packets/capture/counters.js';
import { parseNslookup } from '../dns/parse-nslookup.js';
import { parseNmapCommand, parseNmapOutput, portStates, type NmapReport } from '../probes/parse-nmap.js';
import { parseTraces, type ParsedTrace } from '../probes/parse-trace.js';
import { formatPorts, parsePorts } from '../probes/ports.js';
import { ipFamily } from '../util/ip.js';
import { substitute } from '../util/vars.js';
import { show } from './data.js';
import { textMatch } from './exec.js';
import { defineStep } from './kind.js';
import { expectedStates } from './scan.js';
import { readCommands, shellWords, type SessionCommand } from './session-read.js';

type Names = Map<string, string[]>;
const STATES = ['open', 'closed', 'filtered', 'open|filtered'] as const;

/** The names a host is known by: itself and its addresses (an address stands for itself). */
function namesOf(target: string, names: Names): string[] {
  return [target, ...(names.get(target) ?? [])];
}

function nameOfAddress(address: string, names: Names): string {
  for (const [n, addrs] of names) if (n !== 'local' && addrs.includes(address)) return `${n} (${address})`;
  return address;
}

/** The addresses the command's output says it was aimed at (nmap's report, traceroute's header). */
function outputTargets(c: SessionCommand): string[] {
  const out: string[] = [];
  for (const r of parseNmapOutput(c.output)) out.push(r.target, ...(r.address ? [r.address] : []));
  for (const t of parseTraces(c.output)) out.push(t.target, ...(t.address ? [t.address] : []));
  return out;
}

function aimedAt(c: SessionCommand, target: string[]): boolean {
  return [...c.argv.slice(1), ...outputTargets(c)].some((w) => target.includes(w));
}

function clipLines(lines: readonly string[], n = 40): string {
  const text = lines.slice(0, n).join('\n');
  return lines.length > n ? `${text}\n… (${lines.length - n} more lines)` : text;
}

function fail(title: string, expected: string, actual: string, c?: SessionCommand): Check {
  return { title, expected, actual, passed: false, ...(c ? { detail: `${c.where}: ${c.line}\n${clipLines(c.output)}` } : {}) };
}

function pickReport(reports: NmapReport[], target: string[] | undefined): NmapReport | undefined {
  return (target && reports.find((r) => target.includes(r.target) || (r.address && target.includes(r.address)))) || reports[0];
}

function scanChecks(e: NonNullable<SessionExpect['scan']>, c: SessionCommand, target: string[] | undefined): Check[] {
  const cmd = parseNmapCommand(c.argv.slice(1));
  const report = pickReport(parseNmapOutput(c.output), target);
  const checks: Check[] = [];
  const wantPorts = e.ports !== undefined ? parsePorts(e.ports) : undefined;
  if (wantPorts) {
    const got = cmd.ports;
    const same = got !== undefined && got.length === wantPorts.length && got.every((p, i) => p === wantPorts[i]);
    checks.push({
      title: 'scanned ports',
      expected: formatPorts(wantPorts),
      actual: got
        ? `-p ${cmd.portSpec ?? formatPorts(got)}`
        : cmd.portError
          ? `-p ${cmd.portSpec}: ${cmd.portError}`
          : "no -p (nmap's 1,000 most common ports)",
      passed: same,
    });
  }
  if (!report) {
    checks.push(
      fail(
        "nmap's port table",
        'a "Nmap scan report for …" with the ports',
        'none in the output (was the scan interrupted, or the host seen as down? try -Pn)',
        c,
      ),
    );
    return checks;
  }
  const scanned = wantPorts ?? cmd.ports ?? report.listed.map((p) => p.port);
  const states = portStates(report, cmd.ports ?? scanned);
  const want = expectedStates(e, scanned);
  for (const s of STATES) {
    if (e[s] === undefined) continue;
    const ports = [...want].filter(([, st]) => st === s).map(([p]) => p);
    const bad = ports.filter((p) => states.get(p) !== s);
    checks.push({
      title: `${s} ports`,
      expected: ports.length ? formatPorts(ports) : 'none',
      actual: bad.length
        ? bad.map((p) => `${p} is ${states.get(p) ?? 'not in the output'}`).join(', ')
        : ports.length
          ? formatPorts(ports)
          : 'none',
      passed: bad.length === 0,
      fraction: ports.length ? (ports.length - bad.length) / ports.length : 1,
    });
  }
  return checks;
}

function pickTrace(traces: ParsedTrace[], target: string[] | undefined): ParsedTrace | undefined {
  return (
    (target && traces.find((t) => target.includes(t.target) || (t.address && target.includes(t.address)))) || traces[traces.length - 1]
  );
}

function traceChecks(e: NonNullable<SessionExpect['trace']>, c: SessionCommand, target: string[] | undefined, names: Names): Check[] {
  const t = pickTrace(parseTraces(c.output), target);
  if (!t) return [fail('the hops', 'a "traceroute to …" or "Tracing route to …" with its hops', 'none in the output', c)];
  const checks: Check[] = [];
  if (e.hops) {
    const wrong: string[] = [];
    e.hops.forEach((want, i) => {
      const got = t.hops[i]?.addresses;
      const answered = (got ?? []).filter((a): a is string => a !== null);
      const ok = got !== undefined && (want === '*' ? answered.length === 0 : answered.some((a) => namesOf(want, names).includes(a)));
      if (!ok)
        wrong.push(
          `hop ${i + 1}: expected ${want}, got ${got === undefined ? 'nothing (the trace ended)' : answered.length ? [...new Set(answered)].map((a) => nameOfAddress(a, names)).join(' ') : '*'}`,
        );
    });
    checks.push({
      title: 'the hops',
      expected: e.hops.join(' '),
      actual: wrong.length ? wrong.join('; ') : e.hops.join(' '),
      passed: wrong.length === 0,
      fraction: e.hops.length ? (e.hops.length - wrong.length) / e.hops.length : 1,
    });
  }
  if (e.reached !== undefined) {
    const last = t.hops[t.hops.length - 1]?.addresses.find((a) => a !== null) ?? null;
    const reached = last !== null && (last === t.address || (target ?? []).includes(last));
    checks.push({
      title: e.reached ? 'the trace reached the target' : 'the trace did not reach the target',
      expected: e.reached ? `a last hop at ${t.address ?? t.target}` : 'no answer from the target',
      actual: last ? `the last hop answered from ${nameOfAddress(last, names)}` : 'the last hop did not answer',
      passed: reached === e.reached,
    });
  }
  return checks;
}

function lookupChecks(e: NonNullable<SessionExpect['lookup']>, c: SessionCommand): Check[] {
  const r = parseNslookup(c.output);
  const checks: Check[] = [];
  const answered = [...new Set(r.answers.map((a) => a.name))];
  if (e.name !== undefined)
    checks.push({
      title: 'the name answered',
      expected: e.name,
      actual: answered.join(', ') || 'no answer',
      passed: answered.includes(e.name.replace(/\.$/, '')),
    });
  if (e.addresses) {
    const got = [
      ...new Set(r.answers.filter((a) => e.name === undefined || a.name === e.name.replace(/\.$/, '')).map((a) => a.address)),
    ].sort();
    const want = [...new Set(e.addresses)].sort();
    checks.push({
      title: 'the addresses',
      expected: want.join(', ') || 'none',
      actual: got.join(', ') || 'none',
      passed: got.join() === want.join(),
    });
  }
  if (e.notFound) {
    const nf = r.notFound.map((x) => x.name);
    const missing = e.notFound.filter((n) => !nf.includes(n.replace(/\.$/, '')));
    checks.push({
      title: 'names not found',
      expected: e.notFound.map((n) => `** server can't find ${n}`).join(', '),
      actual: nf.length
        ? r.notFound.map((x) => `${x.name}: ${x.rcode}`).join(', ')
        : 'no "server can\'t find" line (nslookup -debug shows each name it tries)',
      passed: missing.length === 0,
    });
  }
  return checks;
}

function ncatChecks(e: NonNullable<SessionExpect['ncat']>, c: SessionCommand): Check[] {
  const lines = c.output.map((l) => l.trim());
  const checks: Check[] = [];
  if (e.banner !== undefined) {
    const first = lines.find((l) => l !== '');
    checks.push({
      title: 'the banner',
      expected: show(e.banner.trim()),
      actual: first === undefined ? 'no output' : show(first),
      passed: first === e.banner.trim(),
    });
  }
  if (e.echoes) {
    let pos = 0;
    const missing: string[] = [];
    for (const want of e.echoes) {
      const typed = lines.indexOf(want.trim(), pos);
      const echoed = typed < 0 ? -1 : lines.indexOf(want.trim(), typed + 1);
      if (echoed < 0) missing.push(typed < 0 ? `${show(want)} not typed` : `${show(want)} typed but not echoed back`);
      else pos = echoed + 1;
    }
    checks.push({
      title: 'lines echoed',
      expected: e.echoes.map(show).join(', ') + ', each typed and echoed, in order',
      actual: missing.length ? missing.join('; ') : 'each typed and echoed',
      passed: missing.length === 0,
      fraction: e.echoes.length ? (e.echoes.length - missing.length) / e.echoes.length : 1,
    });
  }
  return checks;
}

function captureChecks(e: NonNullable<SessionExpect['capture']>, c: SessionCommand): Check[] {
  const checks: Check[] = [];
  if (e.file !== undefined) {
    const i = c.argv.findIndex((a) => a === '-w' || (a.startsWith('-w') && a.length > 2));
    const w = i < 0 ? undefined : c.argv[i] === '-w' ? c.argv[i + 1] : c.argv[i].slice(2);
    checks.push({
      title: 'the capture file',
      expected: `-w ${e.file}`,
      actual: w ? `-w ${w}` : 'no -w',
      passed: w !== undefined && basename(w) === e.file,
    });
  }
  const n = parseCounters(c.output);
  if (e.captured !== undefined || e.dropped !== undefined) {
    if (!n) {
      checks.push(fail("tcpdump's closing counters", '"N packets captured" (stop tcpdump with Ctrl-C or -c)', 'none in the output', c));
      return checks;
    }
    if (e.captured !== undefined) {
      const { min, max } = typeof e.captured === 'number' ? { min: e.captured, max: e.captured } : e.captured;
      const ok = (min === undefined || n.captured >= min) && (max === undefined || n.captured <= max);
      const want =
        min === max
          ? `${min}`
          : [min !== undefined ? `at least ${min}` : '', max !== undefined ? `at most ${max}` : ''].filter(Boolean).join(' and ');
      checks.push({ title: 'packets captured', expected: want, actual: `${n.captured} packets captured`, passed: ok });
    }
    if (e.dropped !== undefined)
      checks.push({
        title: 'packets dropped',
        expected: `at most ${e.dropped}`,
        actual: `${n.droppedByKernel} dropped by kernel`,
        passed: n.droppedByKernel <= e.dropped,
      });
  }
  return checks;
}

function expectChecks(b: SessionBody, c: SessionCommand, target: string[] | undefined, names: Names): Check[] {
  const e = b.expect ?? {};
  return [
    ...(e.scan ? scanChecks(e.scan, c, target) : []),
    ...(e.trace ? traceChecks(e.trace, c, target, names) : []),
    ...(e.lookup ? lookupChecks(e.lookup, c) : []),
    ...(e.ncat ? ncatChecks(e.ncat, c) : []),
    ...(e.capture ? captureChecks(e.capture, c) : []),
    ...(e.output !== undefined
      ? [{ title: 'the output', ...textMatch(e.output, c.output.join('\n')), actual: clipLines(c.output, 10) }]
      : []),
  ];
}

function listCommands(cs: SessionCommand[], n = 12): string {
  const shown = cs.slice(-n).map((c) => `    ${c.where}${c.host ? ` (${c.host})` : ''}: ${c.line}`);
  return (cs.length > n ? [`    … ${cs.length - n} earlier`, ...shown] : shown).join('\n');
}

/** Checks a command a student ran by hand, in their recorded sessions or a transcript, and what its output says. */
export const session = defineStep({
  kind: 'session',
  describe: (b) => `\`${b.command}\`${b.target ? ` against ${b.target}` : ''}${b.on ? ` on ${b.on}` : ''} in ${basename(b.file)}`,
  host: () => 'local',
  defaultTimeoutMs: 30_000,
  check(b, scope) {
    if (!shellWords(b.command).length) scope.error(['command'], 'bad-value', 'name the program, e.g. "nmap -sS"');
    const known = new Set([...scope.hosts, ...Object.keys(b.hosts ?? {})]);
    if (b.target !== undefined && !ipFamily(b.target) && !known.has(b.target))
      scope.error(
        ['target'],
        'unknown-host',
        `unknown host "${b.target}"; name it in \`hosts:\` (${[...known].join(', ') || 'none yet'}) or give an address`,
      );
    b.expect?.trace?.hops?.forEach((h, i) => {
      if (h !== '*' && !ipFamily(h) && !known.has(h))
        scope.error(
          ['expect', 'trace', 'hops', i],
          'unknown-host',
          `unknown host "${h}"; name it in \`hosts:\`, give an address, or "*" for a silent hop`,
        );
    });
    const scan = b.expect?.scan;
    if (scan) {
      if (STATES.filter((s) => scan[s] === 'rest').length > 1) scope.error(['expect', 'scan'], 'bad-value', 'only one state can be "rest"');
      if (scan.ports !== undefined)
        try {
          parsePorts(scan.ports);
        } catch (e) {
          scope.error(['expect', 'scan', 'ports'], 'bad-value', (e as Error).message);
        }
    }
  },
  async run(b, ctx) {
    const path = resolve(ctx.run.scenarioDir, substitute(b.file, ctx.run.vars));
    let read;
    try {
      read = await readCommands(path, ctx.run.vars.submission);
    } catch (e) {
      ctx.check({
        title: 'sessions readable',
        expected: 'a recording (.cast), a transcript, or a folder of them',
        actual: `${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (e as Error).message}`,
        passed: false,
        precondition: true,
      });
      return;
    }
    const unread = read.problems.length ? `\n(not read: ${read.problems.join('; ')})` : '';
    const names: Names = new Map(ctx.run.addresses);
    for (const [k, v] of Object.entries(b.hosts ?? {})) names.set(k, [v as string | string[]].flat());
    const [program, ...words] = shellWords(b.command);
    const where = b.on ? ` on ${b.on}` : '';
    const same = read.commands.filter((c) => c.program === program && (!b.on || c.host === b.on));
    const runs = same.filter((c) => words.every((w) => c.argv.slice(1).includes(w)));
    const title = `ran \`${b.command}\`${where}${b.target ? ` against ${b.target}` : ''}`;
    if (!runs.length) {
      ctx.check({
        title,
        expected: `a \`${b.command}\` command${where}`,
        actual:
          (same.length
            ? `${same.length} \`${program}\` command(s)${where}, none with ${words.join(' ')}:\n${listCommands(same)}`
            : read.commands.length
              ? `no \`${program}\` command${where} among the ${read.commands.length} in ${read.files.length} file(s):\n${listCommands(read.commands)}`
              : `no command in ${read.files.length ? `${read.files.length} file(s)` : `${path} (no .cast, .txt or .log file)`}`) + unread,
        passed: false,
      });
      return;
    }
    const target = b.target !== undefined ? namesOf(b.target, names) : undefined;
    const aimed = target ? runs.filter((c) => aimedAt(c, target)) : runs;
    if (!aimed.length) {
      ctx.check({
        title,
        expected: `aimed at ${target!.join(' or ')}`,
        actual: `${runs.length} \`${b.command}\` command(s), at other hosts:\n${listCommands(runs)}`,
        passed: false,
      });
      return;
    }
    // the run that meets the most expectations counts (a later one on a tie: the student's last try)
    let best = aimed[0];
    let bestChecks = expectChecks(b, best, target, names);
    for (const c of aimed.slice(1)) {
      const cs = expectChecks(b, c, target, names);
      if (cs.filter((x) => x.passed).length >= bestChecks.filter((x) => x.passed).length) [best, bestChecks] = [c, cs];
    }
    ctx.check({
      title,
      expected: `a \`${b.command}\` command${where}`,
      actual: `${best.where}${best.host ? ` (${best.host})` : ''}: ${best.line}`,
      passed: true,
    });
    for (const c of bestChecks)
      ctx.check(c.passed || c.detail ? c : { ...c, detail: `${best.where}: ${best.line}\n${clipLines(best.output)}` });
  },
});
