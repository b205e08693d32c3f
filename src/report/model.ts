/**
 * The view model a report template sees, built from a run record only. Values are raw text:
 * escaping is the templates' job (through the format's helpers), so nothing here is pre-escaped.
 * Every field is always present (`null` when absent) because templates run in strict mode.
 */
import type { Check, PacketRow, RunRecord, StepRecord } from '../generated/run-record.js';
import { checksText } from '../interpreter/record.js';
import { formatCounters, packetsLost } from '../packets/capture/counters.js';
import { resolveView, scanView, tracerouteView, type ResolveView, type ScanView, type TracerouteView } from './probe-view.js';
import { pointsNote } from '../interpreter/earned.js';
import { fmtMs } from '../util/format-ms.js';
import type { PacketDetails } from '../packets/details/details.js';
import { lineDiff, type DiffLine } from './diff.js';
import { hostNames, ladderDrawing, toSvg, topologyDrawing, type Rendered } from './draw/index.js';

export interface CheckView {
  title: string;
  expected: string | null;
  actual: string | null;
  passed: boolean;
  result: string; // "pass" | "FAIL"
  detail: string | null;
  /** A failed check's expected and actual text as a line diff (`-` expected, `+` actual), or null. */
  diff: DiffLine[] | null;
}
/**
 * A drawing for the templates: `{{mdimage x}}` links its SVG file (`file`, relative to the report,
 * written beside it), `{{texdrawing x}}` inserts its TikZ. Both strings are made by the drawing's
 * emitters, which escape every label; templates never see raw markup otherwise.
 */
export interface DrawingView {
  /** Marks the value as a drawing for the helpers. */
  drawing: true;
  name: string;
  /** Where the Markdown report's image lives, relative to the report: `drawings/NAME.svg`. */
  file: string;
  /** What it shows (the image's alt text). */
  alt: string;
  svg: string;
  tikz: string;
}
export interface ListingView {
  number: number;
  label: string;
  caption: string;
  text: string;
}
export interface PacketFigure {
  number: number;
  label: string;
  caption: string;
  /** The capture's name: its file without the extension (`echo-session` for echo-session.pcap). */
  name: string;
  file: string;
  /** The capture filter, or null. */
  filter: string | null;
  count: number;
  rows: PacketRowView[];
  /** libpcap's counters in tcpdump's closing lines ("21 packets captured" …), or null when the engine gave none. */
  counters: string | null;
  /** Packets dropped (by kernel and interface), or null when unknown. */
  dropped: number | null;
  /** The capture engine (`native`, `cap`), or null in records older than the field. */
  engine: string | null;
  /** Why there are no counters (the `cap` engine gives none), or null. */
  countersNote: string | null;
  /** The capture as a ladder diagram (long captures folded). */
  ladder: DrawingView;
}
export interface PacketRowView {
  no: number;
  time: string;
  source: string;
  destination: string;
  protocol: string;
  length: number;
  info: string;
  /**
   * The packet's layers and hex dump, read from the capture file in the run folder (the HTML
   * report fills them in, `report/packet-details.ts`); null in the model built from run.json alone.
   */
  details: PacketDetails | null;
}
/** One connection as the client's terminal shows it (like an `ncat` session). */
export interface SessionView {
  /** The connection's name in the scenario. */
  conn: string;
  local: string | null;
  remote: string | null;
  /** The remote address and port apart (`203.0.113.10`, `50007`), or null. */
  address: string | null;
  port: string | null;
  /** Some sent line ended in CR LF (ncat --crlf). */
  crlf: boolean;
  /** Sent and received text in order, line ends as `\n`: what the terminal shows. */
  text: string;
  /** Lines sent (without their line ends). */
  sent: string[];
}
export interface TableView<T> {
  number: number;
  label: string;
  caption: string;
  view: T;
}
/** A probe's result: its output as the CLI prints it (a listing) and its table. */
export interface ProbeView<T> extends TableView<T> {
  listing: ListingView;
}
export interface SectionView {
  number: string; // "3" or "3.1"
  depth: number; // 1 for top-level steps
  anchor: string;
  title: string;
  kind: string;
  host: string;
  path: string;
  status: string;
  passed: boolean;
  hidden: boolean;
  points: number | null;
  earned: number | null;
  error: ErrorView | null;
  facts: { label: string; value: string }[];
  checks: CheckView[];
  transcript: ListingView | null;
  exec: ListingView | null;
  capture: PacketFigure | null;
  scan: ProbeView<ScanView> | null;
  traceroute: ProbeView<TracerouteView> | null;
  resolve: ProbeView<ResolveView> | null;
  /** The connections used in this step and its (visible) children, as terminal sessions. */
  sessions: SessionView[];
  children: SectionView[];
}
/**
 * Why a step errored. `summary`: the message's first line; `output`: the rest (e.g. the program's
 * output after "its output:"), bounded to OUTPUT_LINES lines and OUTPUT_CHARS characters, or null.
 */
export interface ErrorView {
  message: string;
  code: string | null;
  summary: string;
  output: string | null;
}
export interface GradedItem {
  number: string;
  title: string;
  status: string;
  passed: boolean;
  errored: boolean;
  points: number | null;
  earned: number | null;
  error: ErrorView | null;
  /** Why the step earned nothing, when its checks alone do not say (precondition, all or nothing). */
  note: string | null;
  checks: CheckView[];
}

const OUTPUT_LINES = 40;
const OUTPUT_CHARS = 4000;

/** The error of a step for a report: its first line, then its bounded remainder. */
export function errorView(e: { message: string; code?: string }): ErrorView {
  const [summary, ...rest] = e.message.split('\n');
  let lines = rest;
  while (lines.length && lines.at(-1)!.trim() === '') lines = lines.slice(0, -1);
  let output = lines.slice(0, OUTPUT_LINES).join('\n');
  if (output.length > OUTPUT_CHARS) output = output.slice(0, OUTPUT_CHARS);
  const cut = lines.join('\n').length - output.length;
  if (cut > 0)
    output += `\n… (${cut} more characters${lines.length > OUTPUT_LINES ? `, ${lines.length - OUTPUT_LINES} more lines` : ''} in run.json)`;
  return { message: e.message, code: e.code ?? null, summary, output: lines.length ? output : null };
}
export interface ReportModel {
  instructor: boolean;
  title: string;
  scenario: {
    name: string;
    title: string | null;
    description: string | null;
    file: string;
    sha256: string;
    /** The student whose variant ran, if any. */
    student: string | null;
    /** The variables the scenario was compiled with (run.json's scenario.vars), `dir` left out; null when none. */
    vars: { name: string; value: string; from: string }[] | null;
  };
  run: {
    name: string;
    startedAt: string;
    duration: string;
    status: string;
    passed: boolean;
    exitCode: number;
    interrupted: string | null;
    wirelab: string;
  };
  topology: { name: string; addresses: string }[] | null;
  /** One row per interface (the host named on its first): addresses, MTU, what the link is. */
  topologyTable: TopologyRowView[] | null;
  /** Hosts with a firewall, their rules in the order nftables applies them. */
  firewalls: { host: string; rules: string }[] | null;
  /** The lab network drawn from the record's topology, or null without one. */
  topologyDrawing: DrawingView | null;
  sections: SectionView[];
  summary: {
    rows: { number: string; title: string; status: string; checks: string; points: string | null }[];
    steps: { total: number; passed: number; failed: number; errored: number; skipped: number };
    /** `text`: `3/7 checks passed`, as the terminal and the grade table say it. */
    checks: { total: number; passed: number; failed: number; text: string };
    points: { earned: number; max: number; percent: string };
  };
  graded: GradedItem[];
  /** Every connection of the (visible) run, as terminal sessions, in order of first use. */
  sessions: SessionView[];
  hidden: { any: boolean; steps: number; checks: number; earned: number; max: number };
  figures: { number: number; caption: string }[];
  tables: { number: number; caption: string }[];
  listings: { number: number; caption: string }[];
}

export interface ModelOptions {
  /** Show hidden steps and checks in full (instructor copy). */
  instructor?: boolean;
  /**
   * How traceroute listings read: Linux `traceroute -n` (default) or Windows `tracert`, its hops
   * named by the PTR records of the run's DNS fixtures.
   */
  traceStyle?: 'traceroute' | 'tracert';
}

/** The options inside the model builder: with the names of addresses the run's DNS fixtures serve PTR records for. */
type BuildOptions = ModelOptions & { names?: ReadonlyMap<string, string> };

const num = (n: number): string => String(Math.round(n * 100) / 100);

function checkView(c: Check): CheckView {
  return {
    title: c.precondition ? `${c.title} (precondition)` : c.title,
    expected: c.expected ?? null,
    actual: c.actual ?? null,
    passed: c.passed,
    result: c.passed ? 'pass' : 'FAIL',
    detail: c.detail ?? null,
    diff: !c.passed && typeof c.expected === 'string' && typeof c.actual === 'string' ? lineDiff(c.expected, c.actual) : null,
  };
}

/** A transcript as text: `> sent`, `< received`, `* info`, line ends shown as \r\n / \n. */
export function transcriptText(step: StepRecord): string {
  const mark = { sent: '>', received: '<', info: '*' } as const;
  const out: string[] = [];
  for (const e of step.transcript ?? []) {
    const who = e.conn ? `[${e.conn}] ` : '';
    if (e.dir === 'info') {
      out.push(`${mark.info} ${who}${e.text}`);
      continue;
    }
    const parts = e.text.match(/[^\n]*\n|[^\n]+$/g) ?? [''];
    for (const p of parts) out.push(`${mark[e.dir]} ${who}${p.replace(/\r\n$/, '\\r\\n').replace(/\n$/, '\\n')}`);
  }
  return out.join('\n');
}

export interface TopologyRowView {
  /** The host's name on its first interface's row, else empty. */
  host: string;
  router: boolean;
  iface: string;
  addresses: string;
  mtu: string;
  /** The other end (`server:eth0`, `switch`), `offloads off`, link emulation (`delay 20ms`). */
  link: string;
}

function topologyRows(t: NonNullable<RunRecord['topology']>): TopologyRowView[] {
  return t.hosts.flatMap((h) => {
    const router = h.router === true;
    if (!h.interfaces?.length) return [{ host: h.name, router, iface: '', addresses: h.addresses.join(', '), mtu: '', link: '' }];
    return h.interfaces.map((f, i) => ({
      host: i === 0 ? h.name : '',
      router: i === 0 && router,
      iface: f.name,
      addresses: (f.addresses ?? []).join(', '),
      mtu: f.mtu === undefined ? '' : String(f.mtu),
      link: [
        f.peer === undefined || f.peer === 'none' ? '' : f.peer === 'switch' ? 'to a switch' : `to ${f.peer}`,
        f.offloads === false ? 'offloads off' : '',
        f.link ?? '',
      ]
        .filter(Boolean)
        .join(', '),
    }));
  });
}

/** Exec output as a shell session: `$ command`, stdout, stderr, and a note on how it ended. */
export function execText(step: StepRecord): string {
  const x = step.exec!;
  const body = [x.stdout, x.stderr].filter((s) => s !== '').map((s) => s.replace(/\n$/, ''));
  const end: string[] = [];
  if (x.truncated) end.push('[output truncated]');
  if (x.timedOut) end.push('[timed out]');
  if (x.signal) end.push(`[killed by ${x.signal}]`);
  return [`$ ${x.command}`, ...body, ...end].join('\n');
}

/** The steps of a subtree, depth first, leaving out hidden ones unless `instructor`. */
function subtree(steps: StepRecord[], instructor: boolean): StepRecord[] {
  return steps.filter((s) => instructor || !s.hidden).flatMap((s) => [s, ...subtree(s.children ?? [], instructor)]);
}

/** Groups the transcripts of some steps by connection into terminal sessions. */
export function sessionsOf(steps: StepRecord[]): SessionView[] {
  const entries = steps.flatMap((s) => (s.transcript ?? []).filter((e) => e.conn && e.dir !== 'info'));
  entries.sort((a, b) => a.t - b.t);
  const byConn = new Map<string, SessionView>();
  for (const e of entries) {
    let v = byConn.get(e.conn!);
    if (!v) {
      const c = steps.find((s) => s.connection?.name === e.conn)?.connection;
      const m = c?.remote ? /^\[?(.*?)\]?:(\d+)$/.exec(c.remote) : null;
      v = {
        conn: e.conn!,
        local: c?.local ?? null,
        remote: c?.remote ?? null,
        address: m ? m[1] : null,
        port: m ? m[2] : null,
        crlf: false,
        text: '',
        sent: [],
      };
      byConn.set(e.conn!, v);
    }
    if (e.dir === 'sent') {
      if (/\r\n/.test(e.text)) v.crlf = true;
      v.sent.push(...e.text.replace(/\r?\n$/, '').split(/\r?\n/));
    }
    const text = e.text.replace(/\r\n/g, '\n');
    v.text += v.text === '' || v.text.endsWith('\n') ? text : `\n${text}`;
  }
  for (const v of byConn.values()) v.text = v.text.replace(/\n$/, '');
  return [...byConn.values()];
}

function packetRow(p: PacketRow): PacketRowView {
  return {
    no: p.no,
    time: p.time.toFixed(6),
    source: p.source,
    destination: p.destination,
    protocol: p.protocol,
    length: p.length,
    info: p.info,
    details: null,
  };
}

/** Numbers figures, tables and listings in document order. */
class Numbering {
  /** Names of drawings handed out, so two captures of one name get two files. */
  private drawingNames = new Set<string>();
  /** Address → host name (the topology's), for ladders' lifelines. */
  names = new Map<string, string>();
  drawing(name: string, alt: string, r: Rendered): DrawingView {
    const base = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || 'drawing';
    let unique = base;
    for (let i = 2; this.drawingNames.has(unique); i++) unique = `${base}-${i}`;
    this.drawingNames.add(unique);
    // the SVG's marker ids carry the drawing's unique name: an HTML page inlines several
    return { drawing: true, name: unique, file: `drawings/${unique}.svg`, alt, svg: toSvg(r.drawing, { id: unique }), tikz: r.tikz };
  }
  figures: { number: number; caption: string }[] = [];
  tables: { number: number; caption: string }[] = [];
  listings: { number: number; caption: string }[] = [];
  figure(caption: string) {
    const number = this.figures.push({ number: this.figures.length + 1, caption });
    return { number, label: `fig:${number}`, caption };
  }
  table(caption: string) {
    const number = this.tables.push({ number: this.tables.length + 1, caption });
    return { number, label: `tab:${number}`, caption };
  }
  listing(caption: string) {
    const number = this.listings.push({ number: this.listings.length + 1, caption });
    return { number, label: `lst:${number}`, caption };
  }
}

function sectionView(s: StepRecord, number: string, depth: number, n: Numbering, opts: BuildOptions): SectionView {
  const facts: { label: string; value: string }[] = [];
  if (s.fixture)
    facts.push({ label: 'Fixture', value: `${s.fixture.kind} "${s.fixture.name}" listening on ${s.fixture.address}:${s.fixture.port}` });
  if (s.connection) {
    const c = s.connection;
    facts.push({
      label: 'Connection',
      value: [c.name, c.local && c.remote ? `${c.local} -> ${c.remote}` : (c.remote ?? ''), c.outcome ? `(${c.outcome})` : '']
        .filter(Boolean)
        .join(' '),
    });
  }
  const transcript = s.transcript?.length ? { ...n.listing(`Transcript of "${s.title}"`), text: transcriptText(s) } : null;
  const exec = s.exec
    ? {
        ...n.listing(
          `Output of "${s.exec.command}"${s.exec.exitCode === null || s.exec.exitCode === undefined ? '' : ` (exit ${s.exec.exitCode})`}`,
        ),
        text: execText(s),
      }
    : null;
  const capture = s.capture
    ? {
        ...n.figure(
          `Packets captured in ${s.capture.file}${s.capture.filter ? ` (filter: ${s.capture.filter})` : ''}${s.capture.dropped ? `, ${s.capture.dropped} dropped` : ''}`,
        ),
        name: s.capture.file.replace(/^.*\//, '').replace(/\.(pcapng|pcap)$/, ''),
        file: s.capture.file,
        filter: s.capture.filter ?? null,
        count: s.capture.packets.length,
        rows: s.capture.packets.map(packetRow),
        counters: s.capture.counters ? formatCounters(s.capture.counters) : null,
        dropped: s.capture.counters ? packetsLost(s.capture.counters) : null,
        engine: s.capture.engine ?? null,
        countersNote:
          !s.capture.counters && s.capture.engine === 'cap'
            ? 'No libpcap counters: the capture ran on the fallback engine (cap), which gives none, so lost packets cannot be ruled out.'
            : null,
        ladder: ladderView(s.capture, n),
      }
    : null;
  const probes = probeViews(s, n, opts);
  const children = (s.children ?? [])
    .filter((c) => opts.instructor || !c.hidden)
    .map((c, i) => sectionView(c, `${number}.${i + 1}`, depth + 1, n, opts));
  return {
    number,
    depth,
    anchor: `step-${number.replace(/\./g, '-')}`,
    title: s.title,
    kind: s.kind,
    host: s.host,
    path: s.path,
    status: s.status,
    passed: s.status === 'passed',
    hidden: s.hidden ?? false,
    points: s.points ?? null,
    earned: s.points === undefined ? null : (s.earned ?? 0),
    error: s.error ? errorView(s.error) : null,
    facts,
    checks: s.checks.map(checkView),
    transcript,
    exec,
    capture,
    ...probes,
    sessions: sessionsOf(subtree([s], opts.instructor ?? false)),
    children,
  };
}

/** A capture's ladder diagram, named for the capture. */
function ladderView(c: NonNullable<StepRecord['capture']>, n: Numbering): DrawingView {
  const name = c.file.replace(/^.*\//, '').replace(/\.(pcapng|pcap)$/, '');
  const alt = `Ladder diagram of ${c.file}: ${c.packets.length} packets`;
  return n.drawing(`ladder-${name}`, alt, ladderDrawing(c.packets, { names: n.names, title: alt }));
}

/** The step's probe result (by its kind) as a listing of the CLI's output and a table. */
function probeViews(s: StepRecord, n: Numbering, opts: BuildOptions): Pick<SectionView, 'scan' | 'traceroute' | 'resolve'> {
  const none = { scan: null, traceroute: null, resolve: null };
  const p = s.probe;
  if (!p) return none;
  switch (p.kind) {
    case 'scan': {
      const view = scanView(p);
      const listing = { ...n.listing(`Port scan of ${view.target} (${view.method}), as wirelab scan prints it`), text: view.text };
      return { ...none, scan: { ...n.table(`Port scan of ${view.target} (${view.method})`), listing, view } };
    }
    case 'traceroute': {
      const tracert = opts.traceStyle === 'tracert';
      const view = tracerouteView(p, tracert ? { style: 'tracert', names: opts.names ?? new Map() } : undefined);
      const listing = {
        ...n.listing(`Route to ${view.target}, as wirelab trace${tracert ? ' --style tracert' : ''} prints it`),
        text: view.text,
      };
      return { ...none, traceroute: { ...n.table(`Route to ${view.target}`), listing, view } };
    }
    case 'resolve': {
      const view = resolveView(p);
      const listing = { ...n.listing(`Lookup of ${p.query}, as wirelab resolve prints it`), text: view.text };
      return { ...none, resolve: { ...n.table(`DNS transactions of "${s.title}"`), listing, view } };
    }
  }
}

/** Every step, depth first, with its outline number. */
function flatten(steps: StepRecord[], prefix = ''): { step: StepRecord; number: string }[] {
  return steps.flatMap((s, i) => {
    const number = `${prefix}${i + 1}`;
    return [{ step: s, number }, ...flatten(s.children ?? [], `${number}.`)];
  });
}

/**
 * A host's firewall as the report lists it, one rule a line in the order nftables applies them
 * (allow, reject, drop, then the policy); `icmp silent` when it sends no ICMP errors. Empty: none.
 */
function firewallRules(h: NonNullable<RunRecord['topology']>['hosts'][number]): string[] {
  const fw = h.firewall;
  const out = [
    ...(fw?.allow ?? []).map((r) => `allow ${r}`),
    ...(fw?.reject ?? []).map((r) => `reject ${r}`),
    ...(fw?.drop ?? []).map((r) => `drop ${r}`),
  ];
  if (fw && fw.policy !== 'accept') out.push(`policy ${fw.policy}`);
  if (h.icmp === 'silent') out.push('icmp silent');
  return out;
}

function varsView(vars: RunRecord['scenario']['vars']): ReportModel['scenario']['vars'] {
  const rows = Object.entries(vars ?? {}).flatMap(([name, v]) =>
    v && name !== 'dir' && name !== 'submission' ? [{ name, value: String(v.value), from: v.from }] : [],
  );
  return rows.length ? rows : null;
}

/** Builds the report view model of a run record. */
export function buildModel(record: RunRecord, opts: ModelOptions = {}): ReportModel {
  const n = new Numbering();
  n.names = hostNames(record);
  const topo = topologyDrawing(record);
  const topologyView = topo ? n.drawing('topology', `The lab network: ${record.topology!.hosts.length} hosts`, topo) : null;
  const instructor = opts.instructor ?? false;
  const visibleTop = record.steps.map((s, i) => ({ s, i })).filter(({ s }) => instructor || !s.hidden);
  const all = flatten(record.steps);
  const names = new Map(all.flatMap((x) => (x.step.fixture?.names ?? []).map((p) => [p.address, p.name] as const)).reverse());
  const sections = visibleTop.map(({ s, i }) => sectionView(s, String(i + 1), 1, n, { ...opts, names }));
  const isHidden = (number: string) => all.some((x) => x.step.hidden && (number === x.number || number.startsWith(`${x.number}.`)));
  const visible = all.filter((x) => instructor || !isHidden(x.number));
  const hiddenSteps = instructor ? [] : all.filter((x) => isHidden(x.number));
  const sum = (xs: typeof all, f: (s: StepRecord) => number) => xs.reduce((a, x) => a + f(x.step), 0);
  const { points } = record.summary;
  return {
    instructor,
    title: record.scenario.title ?? record.scenario.name,
    scenario: {
      name: record.scenario.name,
      title: record.scenario.title ?? null,
      description: record.scenario.description ?? null,
      file: record.scenario.file,
      sha256: record.scenario.sha256,
      student: record.scenario.student ?? null,
      vars: varsView(record.scenario.vars),
    },
    run: {
      name: record.run.name,
      startedAt: record.run.startedAt,
      duration: fmtMs(record.run.durationMs),
      status: record.run.status,
      passed: record.run.status === 'passed',
      exitCode: record.run.exitCode,
      interrupted: record.run.interrupted ?? null,
      wirelab: record.wirelab,
    },
    topology: record.topology ? record.topology.hosts.map((h) => ({ name: h.name, addresses: h.addresses.join(', ') })) : null,
    topologyTable: record.topology ? topologyRows(record.topology) : null,
    firewalls: record.topology
      ? record.topology.hosts.flatMap((h) => {
          const rules = firewallRules(h);
          return rules.length ? [{ host: h.name, rules: rules.join(' · ') }] : [];
        })
      : null,
    topologyDrawing: topologyView,
    sections,
    summary: {
      rows: visible
        .filter((x) => x.step.checks.length > 0 || x.step.points !== undefined)
        .map(({ step, number }) => ({
          number,
          title: step.title,
          status: step.status,
          checks: `${step.checks.filter((c) => c.passed).length}/${step.checks.length}`,
          points: step.points === undefined ? null : `${num(step.earned ?? 0)}/${num(step.points)}`,
        })),
      steps: record.summary.steps,
      checks: {
        total: record.summary.checks.total,
        passed: record.summary.checks.passed,
        failed: record.summary.checks.total - record.summary.checks.passed,
        text: checksText(record.summary.checks),
      },
      points: {
        earned: points.earned,
        max: points.max,
        percent: points.max > 0 ? `${Math.round((points.earned / points.max) * 100)}%` : 'n/a',
      },
    },
    // graded or checked steps, and any step that errored (a server that did not start), each with its reason
    graded: visible
      .filter((x) => x.step.points !== undefined || x.step.checks.length > 0 || (x.step.status === 'errored' && x.step.error))
      .map(({ step, number }) => ({
        number,
        title: step.title,
        status: step.status,
        passed: step.status === 'passed',
        errored: step.status === 'errored',
        points: step.points ?? null,
        earned: step.points === undefined ? null : (step.earned ?? 0),
        error: step.error ? errorView(step.error) : null,
        note: pointsNote(step) ?? null,
        checks: step.checks.map(checkView),
      })),
    sessions: sessionsOf(subtree(record.steps, instructor)),
    hidden: {
      any: hiddenSteps.length > 0,
      steps: hiddenSteps.length,
      checks: hiddenSteps.reduce((a, x) => a + x.step.checks.length, 0),
      earned: sum(hiddenSteps, (s) => s.earned ?? 0),
      max: sum(hiddenSteps, (s) => s.points ?? 0),
    },
    figures: n.figures,
    tables: n.tables,
    listings: n.listings,
  };
}
