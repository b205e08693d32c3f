/**
 * One layout per tool: a probe result printed by the CLI (`wirelab scan`, `trace`, `resolve`,
 * through the functions the commands write to stdout with) and the same result as a listing of a
 * rendered report (Markdown and LaTeX) are the same text, up to what a listing does to any text:
 * tabs expanded to 8-column stops and the final newlines dropped. A change to either side alone
 * (another formatter, an option, a re-implemented layout) fails here.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  PortResult,
  ProbeRecord,
  ResolveProbe,
  RunRecord,
  ScanProbe,
  StepRecord,
  TracerouteProbe,
} from '../../src/generated/run-record.js';
import { traceOutput } from '../../src/commands/trace.js';
import { renderReport } from '../../src/report/render.js';
import { asListed, cliText } from './cli-text.js';
import { dnsTx, schemaErrors, syntheticRecord } from './records.js';

const ports = (from: number, n: number, p: Omit<PortResult, 'port'>): PortResult[] =>
  Array.from({ length: n }, (_, i) => ({ ...p, port: from + i }));
const scanBase: Pick<ScanProbe, 'engine' | 'elapsedMs' | 'probes' | 'probesOmitted' | 'timeSource'> = {
  engine: 'native',
  elapsedMs: 2017.4,
  probes: [],
  probesOmitted: 0,
  timeSource: 'kernel',
};

/** The scan: 70 filtered ports for two reasons (nmap says each reason apart), one open. */
const tcpScan: ScanProbe = {
  kind: 'scan',
  ...scanBase,
  target: '198.51.100.2',
  method: 'syn',
  probesSent: 101,
  srttMs: 0.061,
  ports: [
    ...ports(50000, 40, { proto: 'tcp', state: 'filtered', reason: 'port-unreach', service: 'unknown' }),
    ...ports(50040, 30, { proto: 'tcp', state: 'filtered', reason: 'no-response', service: 'unknown' }),
    { port: 50070, proto: 'tcp', state: 'open', reason: 'syn-ack', service: 'unknown', rttMs: 0.061 },
    { port: 22, proto: 'tcp', state: 'closed', reason: 'reset', service: 'ssh', rttMs: 0.05 },
  ],
};
const udpScan: ScanProbe = {
  kind: 'scan',
  ...scanBase,
  target: '203.0.113.53',
  method: 'udp',
  probesSent: 34,
  ports: [
    { port: 53, proto: 'udp', state: 'open', reason: 'udp-response', service: 'domain', rttMs: 0.2 },
    { port: 123, proto: 'udp', state: 'open|filtered', reason: 'no-response', service: 'ntp' },
    ...ports(40000, 30, { proto: 'udp', state: 'closed', reason: 'port-unreach', service: 'unknown' }),
    { port: 161, proto: 'udp', state: 'filtered', reason: 'admin-prohibited', service: 'snmp' },
  ],
};
const allHidden: ScanProbe = {
  kind: 'scan',
  ...scanBase,
  target: '127.0.0.1',
  method: 'connect',
  probesSent: 30,
  ports: ports(1, 30, { proto: 'tcp', state: 'closed', reason: 'conn-refused', service: 'unknown' }),
};
const trace: TracerouteProbe = {
  kind: 'traceroute',
  target: '203.0.113.10',
  probe: 'icmp',
  maxHops: 5,
  destinationReached: true,
  elapsedMs: 3012,
  engine: 'native',
  timeSource: 'kernel',
  hops: [
    {
      ttl: 1,
      probes: [
        { address: '198.51.100.1', rttMs: 0.052 },
        { address: '198.51.100.1', rttMs: 0.011 },
        { address: '198.51.100.1', rttMs: 0.009 },
      ],
      reached: false,
    },
    {
      ttl: 2,
      probes: [
        { address: null, rttMs: null },
        { address: null, rttMs: null },
        { address: null, rttMs: null },
      ],
      reached: false,
    },
    {
      ttl: 3,
      probes: [
        { address: '192.0.2.33', rttMs: 1.25 },
        { address: '192.0.2.34', rttMs: 1.5 },
        { address: null, rttMs: null },
      ],
      reached: false,
    },
    {
      ttl: 4,
      probes: [
        { address: '203.0.113.10', rttMs: 2.001 },
        { address: '203.0.113.10', rttMs: 1.999, annotation: '!H' },
        { address: '203.0.113.10', rttMs: 2.1 },
      ],
      reached: true,
    },
  ],
};
const lookup = (over: Partial<ResolveProbe>): ResolveProbe => ({
  kind: 'resolve',
  query: 'www',
  server: { address: '198.51.100.1', port: 53 },
  candidates: ['www.home', 'www.lab.example'],
  name: 'www.lab.example',
  rcode: 'NOERROR',
  authoritative: false,
  answers: { A: ['203.0.113.80'], MX: ['10 mail.lab.example'] },
  aliases: [['www.lab.example', 'web.lab.example']],
  transactions: [
    dnsTx(1, { name: 'www.home', type: 'A' }, 'NXDOMAIN', []),
    {
      ...dnsTx(2, { name: 'www.lab.example', type: 'A' }, 'NOERROR', [
        { name: 'www.lab.example', type: 'CNAME', ttl: 60, data: 'web.lab.example' },
        { name: 'web.lab.example', type: 'A', ttl: 60, data: '203.0.113.80' },
      ]),
      aa: false,
    },
    {
      ...dnsTx(3, { name: 'www.lab.example', type: 'MX' }, 'NOERROR', [
        { name: 'www.lab.example', type: 'MX', ttl: 60, data: '10 mail.lab.example' },
      ]),
      aa: false,
    },
  ],
  ...over,
});
const typedLookup = lookup({ defaultTypes: false });
const defaultLookup = lookup({
  defaultTypes: true,
  query: 'nowhere',
  name: 'nowhere.lab.example',
  rcode: 'NXDOMAIN',
  answers: {},
  aliases: [],
  transactions: [dnsTx(4, { name: 'nowhere.lab.example', type: 'A' }, 'NXDOMAIN', [])],
});

const cases: { name: string; probe: ProbeRecord }[] = [
  { name: 'TCP SYN scan, filtered for two reasons', probe: tcpScan },
  { name: 'UDP scan', probe: udpScan },
  { name: 'scan with every port in an ignored state', probe: allHidden },
  { name: 'traceroute', probe: trace },
  { name: 'resolve with types named', probe: typedLookup },
  { name: 'resolve with nslookup’s default types, not found', probe: defaultLookup },
];

function record(): RunRecord {
  const base = syntheticRecord();
  const steps: StepRecord[] = cases.map((c, i) => ({
    path: `steps[${i}]`,
    kind: c.probe.kind,
    title: c.name,
    host: 'client',
    status: 'passed',
    startMs: i,
    durationMs: 1,
    checks: [],
    probe: c.probe,
  }));
  return { ...base, steps };
}

/** The Markdown listings: caption → fenced body. */
function mdListings(md: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = md.split('\n');
  lines.forEach((l, at) => {
    const m = /^\*\*Listing \d+:\*\* (.*)$/.exec(l);
    if (!m) return;
    const open = lines.findIndex((x, i) => i > at && /^`{3,}$/.test(x));
    const fence = lines[open];
    const close = lines.findIndex((x, i) => i > open && x === fence);
    out.set(m[1], lines.slice(open + 1, close).join('\n'));
  });
  return out;
}
/** The LaTeX listings: title → body. */
function texListings(tex: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of tex.matchAll(/\\begin\{lstlisting\}\[title=\{Listing \d+: (.*?)\}\]\n([\s\S]*?)\n\\end\{lstlisting\}/g))
    out.set(m[1], m[2]);
  return out;
}

/** The HTML listings: caption → <pre> body, entities decoded. */
function htmlListings(html: string): Map<string, string> {
  const decode = (t: string) =>
    t.replace(/&(lt|gt|quot|#39|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e]!);
  const out = new Map<string, string>();
  for (const m of html.matchAll(/<strong>Listing \d+:<\/strong> (.*?)<\/figcaption>\n<pre class="term">([\s\S]*?)<\/pre>/g))
    out.set(decode(m[1]), decode(m[2]));
  return out;
}

describe('the CLI and the report lay a probe result out the same', () => {
  let dir: string;
  let md: Map<string, string>;
  let tex: Map<string, string>;
  let html: Map<string, string>;
  let tracert: Map<string, string>;
  beforeAll(async () => {
    const r = record();
    expect(schemaErrors(r)).toBe('');
    dir = await mkdtemp(join(tmpdir(), 'wirelab-layout-identity-'));
    await writeFile(join(dir, 'run.json'), JSON.stringify(r));
    md = mdListings(await renderReport({ runDir: dir, format: 'md' }));
    tex = texListings(await renderReport({ runDir: dir, format: 'tex' }));
    html = htmlListings(await renderReport({ runDir: dir, format: 'html' }));
    tracert = htmlListings(await renderReport({ runDir: dir, format: 'html', traceStyle: 'tracert' }));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('the issue’s scan: each reason of the filtered ports apart, as nmap says it', () => {
    expect(cliText(tcpScan)).toContain('Not shown: 40 filtered tcp ports (port-unreach), 30 filtered tcp ports (no-response)\n');
    expect([...md.values()].join('\n')).toContain('Not shown: 40 filtered tcp ports (port-unreach), 30 filtered tcp ports (no-response)\n');
  });

  for (const c of cases) {
    it(`${c.name}: Markdown, LaTeX and HTML listings are the CLI's text`, () => {
      const want = asListed(cliText(c.probe));
      const ofThis = (m: Map<string, string>) =>
        [...m.entries()]
          .filter(([caption]) => caption.includes(c.probe.kind === 'resolve' ? `Lookup of ${c.probe.query},` : c.probe.target))
          .map(([, body]) => body);
      expect(ofThis(md)).toEqual([want]);
      expect(ofThis(tex)).toEqual([want]);
      expect(ofThis(html)).toEqual([want]);
    });
  }

  it('traceroute in tracert style: the listing is `wirelab trace --style tracert`’s text', () => {
    const { kind: _, ...result } = trace;
    const want = asListed(traceOutput(result, { style: 'tracert' }));
    expect(want).toContain('  3     1 ms     2 ms     *     192.0.2.34');
    expect([...tracert.entries()].filter(([caption]) => caption.includes('--style tracert')).map(([, body]) => body)).toEqual([want]);
  });
});
