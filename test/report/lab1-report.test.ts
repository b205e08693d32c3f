import { execa } from 'execa';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeRecord, RunRecord, StepRecord } from '../../src/generated/run-record.js';
import { silentReporter } from '../../src/interpreter/reporter.js';
import { runScenario } from '../../src/interpreter/run-scenario.js';
import { renderReport, writeReport } from '../../src/report/render.js';
import { loadScenario } from '../../src/scenario/load.js';
import { asListed, cliText } from './cli-text.js';
import { syntheticRecord } from './records.js';

const root = process.getuid?.() === 0;

/** Every step, depth first. */
const all = (steps: StepRecord[]): StepRecord[] => steps.flatMap((s) => [s, ...all(s.children ?? [])]);
/** The Markdown table rows right after a figure's caption line. */
function figureRows(md: string, caption: RegExp): string[] {
  const at = md.split('\n').findIndex((l) => caption.test(l));
  if (at < 0) return [];
  const rows: string[] = [];
  for (const line of md.split('\n').slice(at + 4)) {
    if (!line.startsWith('| ')) break;
    rows.push(line);
  }
  return rows;
}
/** The body of the fenced block after a listing's caption line. */
function listing(md: string, caption: RegExp): string {
  const lines = md.split('\n');
  const at = lines.findIndex((l) => caption.test(l));
  if (at < 0) return '';
  const start = lines.findIndex((l, i) => i > at && /^`{3,}/.test(l));
  const end = lines.findIndex((l, i) => i > start && /^`{3,}$/.test(l));
  return lines.slice(start + 1, end).join('\n');
}

describe.runIf(root)('lab1-report from a fresh run of scenarios/lab1.yaml (needs root: network namespaces)', () => {
  let dir: string;
  let record: RunRecord;
  let md: string;
  beforeAll(async () => {
    const loaded = await loadScenario('scenarios/lab1.yaml');
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
    dir = await mkdtemp(join(tmpdir(), 'wirelab-lab1-report-'));
    ({ record } = await runScenario(loaded.loaded, { out: dir, reporter: silentReporter }));
    md = await renderReport({ runDir: dir, template: 'lab1-report', format: 'md' });
  }, 120_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("has the seed's sections and a summary from the record", () => {
    expect(md.split('\n').filter((l) => /^##? /.test(l))).toEqual([
      `# ${record.scenario.title}`,
      '## TCP: echo session',
      '## DNS',
      '## Traceroute',
      '## Nmap',
      '## Checks and points',
    ]);
    expect(md).toContain(`| Points | **${record.summary.points.earned} / ${record.summary.points.max}** (100%) |`);
    expect(md).toContain(`| Checks | ${record.summary.checks.passed} of ${record.summary.checks.total} passed |`);
    expect(md).not.toMatch(/has no capture named/);
  });

  it('shows the echo session as an ncat terminal and its packets as Figure 1', () => {
    const term = listing(md, /^\*\*Listing 1:\*\*/);
    expect(term.split('\n')).toEqual([
      '$ ncat --crlf 203.0.113.10 50007',
      'Welcome to COMPENG 4DN4 Echo Server!',
      ...['Ada Lovelace', '400188200', 'Alan Turing', '400190637'].flatMap((l) => [l, l]),
    ]);
    const echo = all(record.steps).find((s) => s.capture?.file === 'echo-session.pcap')!;
    const rows = figureRows(md, /^\*\*Figure 1:\*\* The echo session .*`echo-session\.pcap`/);
    expect(rows).toHaveLength(echo.capture!.packets.length);
    expect(rows[0]).toMatch(/\[SYN\] .*MSS=1460/);
    expect(rows.at(-2)).toMatch(/\[FIN, ACK\]/);
    expect(md).toContain('(`Ada Lovelace`, `400188200`, `Alan Turing`, `400190637`)');
  });

  it('shows the lookup as nslookup, its transactions and the DNS capture', () => {
    expect(listing(md, /^\*\*Listing 2:\*\*/)).toBe(
      [
        '$ nslookup compeng.example',
        'Server:         198.51.100.1',
        'Address:        198.51.100.1#53',
        '',
        'Name:   compeng.example',
        'Address: 203.0.113.10',
      ].join('\n'),
    );
    expect(md).toContain('| `compeng.example.home AAAA` | NXDOMAIN | *(no answers)* |');
    expect(figureRows(md, /^\*\*Figure 2:\*\* The DNS queries/)).toHaveLength(8);
  });

  it('shows the route with its silent hops and the ICMP capture', () => {
    const route = listing(md, /^\*\*Listing 3:\*\*/).split('\n');
    expect(route.slice(0, 2)).toEqual([
      '$ traceroute -n -I -m 30 203.0.113.10',
      'traceroute to 203.0.113.10 (203.0.113.10), 30 hops max, 60 byte packets',
    ]);
    expect(route).toHaveLength(32);
    expect(route[2]).toMatch(/^ 1 {2}198\.51\.100\.1 {2}[\d.]+ ms/);
    expect(route[4]).toBe(' 3  * * *');
    expect(route[11]).toMatch(/^10 {2}192\.0\.2\.34 /);
    expect(route[31]).toBe('30  * * *');
    const rows = figureRows(md, /^\*\*Figure 3:\*\* The traceroute/);
    expect(rows.length).toBeGreaterThanOrEqual(90);
    expect(rows.every((r) => r.includes('| ICMP |'))).toBe(true);
  });

  it('shows the scans as nmap listings and the captures of 50007 and 50009 as Figures 4 and 5', () => {
    const connect = listing(md, /^\*\*Listing 4:\*\*/);
    expect(connect).toMatch(/^\$ nmap -n -Pn -sT -p 50000-50009 203\.0\.113\.10\n/);
    expect(connect).toMatch(/\n50007\/tcp open {5}unknown\n50008\/tcp open {5}unknown\n50009\/tcp filtered unknown\n/);
    expect(listing(md, /^\*\*Listing 5:\*\*/)).toMatch(/^\$ nmap -n -Pn -sS -p 50000-50009 /);
    expect(listing(md, /^\*\*Listing 6:\*\*/).match(/^50007\/tcp open /gm)).toHaveLength(2);
    expect(listing(md, /^\*\*Listing 7:\*\*/).match(/^50009\/tcp filtered /gm)).toHaveLength(2);
    expect(figureRows(md, /^\*\*Figure 4:\*\* Scans of port 50007/).some((r) => /\[RST\] /.test(r))).toBe(true);
    expect(figureRows(md, /^\*\*Figure 5:\*\* Scans of port 50009/).every((r) => /\[SYN\]/.test(r))).toBe(true);
    expect(listing(md, /^\*\*Listing 8:\*\*/)).toContain('Not shown: 1024 closed tcp ports (conn-refused)');
    expect(listing(md, /^\*\*Listing 9:\*\*/)).toMatch(/\n8000\/tcp closed http-alt\n/);
    expect(listing(md, /^\*\*Listing 10:\*\*/)).toMatch(/\n8000\/tcp open {2}http-alt\n/);
    expect(listing(md, /^\*\*Listing 11:\*\*/)).toMatch(
      /^\$ ncat --crlf 127\.0\.0\.1 8000\nGET \/ HTTP\/1\.0\n[\s\S]*HTTP\/1\.0 200 OK\nServer: SimpleHTTP\/[\s\S]*Directory listing for \//,
    );
  });

  it('each probe listing is the command line and what the CLI prints for the recorded result', () => {
    const probes = all(record.steps).flatMap((s) => (s.probe ? [s.probe] : []));
    const shown = (n: number, p: ProbeRecord | undefined, command: string) =>
      expect(listing(md, new RegExp(`^\\*\\*Listing ${n}:\\*\\*`))).toBe(`$ ${command}\n${asListed(cliText(p!))}`);
    const [connect, syn] = probes.filter((p) => p.kind === 'scan');
    shown(
      2,
      probes.find((p) => p.kind === 'resolve'),
      'nslookup compeng.example',
    );
    shown(
      3,
      probes.find((p) => p.kind === 'traceroute'),
      'traceroute -n -I -m 30 203.0.113.10',
    );
    shown(4, connect, 'nmap -n -Pn -sT -p 50000-50009 203.0.113.10');
    shown(5, syn, 'nmap -n -Pn -sS -p 50000-50009 203.0.113.10');
  });

  it('renders LaTeX that compiles to a PDF with every section, listing and figure', async () => {
    const tex = await renderReport({ runDir: dir, template: 'lab1-report', format: 'tex' });
    expect(tex).toContain('\\section{TCP: echo session}');
    const pdf = join(dir, 'lab1-report.pdf');
    await writeReport({ runDir: dir, template: 'lab1-report', format: 'pdf', out: pdf });
    const text = (await execa('pdftotext', ['-layout', pdf, '-'])).stdout;
    for (const s of ['TCP: echo session', 'DNS', 'Traceroute', 'Nmap', 'Checks and points'])
      expect(text).toMatch(new RegExp(`\\d\\s+${s}`));
    for (let i = 1; i <= 11; i++) expect(text).toContain(`Listing ${i}:`);
    for (let i = 1; i <= 5; i++) expect(text).toContain(`Figure ${i}:`);
    expect(text).toContain('$ ncat --crlf 203.0.113.10 50007');
    expect(text).toMatch(/50009\/tcp\s+filtered\s+unknown/);
    // the drawings are TikZ: vector, their labels text in the PDF
    expect(text).toContain('The lab network');
    for (const i of [1, 2, 4, 5]) expect(text).toContain(`Figure ${i}, drawn as a ladder:`);
    expect(text).not.toContain('Figure 3, drawn as a ladder');
    expect(text).toContain('[SYN, ACK] Seq=0 Ack=1 Len=0');
    expect(text).toContain('icmp: silent (sends no ICMP errors)');
    expect(text).toContain('firewall: policy drop; allow tcp/50007, tcp/50008');
    expect(text).toContain('eth0 203.0.113.10/24 mtu 1492');
    // every page renders (pdftoppm exits 0 on each)
    await execa('pdftoppm', ['-png', '-r', '40', pdf, join(dir, 'lab1-page')]);
  }, 120_000);

  it('writes the drawings of the Markdown report beside it as SVG files and links them as images', async () => {
    const out = join(dir, 'md', 'report.md');
    await writeReport({ runDir: dir, template: 'lab1-report', format: 'md', out });
    const text = await readFile(out, 'utf8');
    const images = [...text.matchAll(/!\[[^\]]*\]\((drawings\/[\w.-]+\.svg)\)/g)].map((m) => m[1]);
    expect(images).toEqual([
      'drawings/topology.svg',
      'drawings/ladder-echo-session.svg',
      'drawings/ladder-dns-query.svg',
      'drawings/ladder-scan-50007.svg',
      'drawings/ladder-scan-50009.svg',
    ]);
    const svg = async (f: string) => readFile(join(dir, 'md', f), 'utf8');
    const topo = await svg('drawings/topology.svg');
    expect(topo.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const h of record.topology!.hosts) expect(topo).toContain(`>${h.name}</text>`);
    const arrows = async (f: string) => ((await svg(f)).match(/marker-end=/g) ?? []).length;
    const packets = (name: string) => all(record.steps).find((s) => s.capture?.file === `${name}.pcap`)!.capture!.packets.length;
    for (const name of ['echo-session', 'dns-query', 'scan-50007', 'scan-50009'])
      expect(await arrows(`drawings/ladder-${name}.svg`)).toBe(packets(name) > 21 ? 20 : packets(name));
  });
});

describe('lab1-report on a record of another scenario', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wirelab-lab1-report-other-'));
    await writeFile(join(dir, 'run.json'), JSON.stringify(syntheticRecord()));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  it('renders both formats and says which captures are missing instead of failing', async () => {
    const md = await renderReport({ runDir: dir, template: 'lab1-report', format: 'md' });
    expect(md).toContain('*The scenario has no capture named `echo-session`.*');
    expect(md).toContain('*The scenario has no step named “nmap -sT -p 50000-50009”.*');
    expect(md).toContain('## Checks and points');
    const tex = await renderReport({ runDir: dir, template: 'lab1-report', format: 'tex' });
    expect(tex).toContain('The scenario has no capture named dns-query.');
    expect(tex).toMatch(/\\end\{document\}\s*$/);
    const pdf = join(dir, 'other.pdf');
    await writeReport({ runDir: dir, template: 'lab1-report', format: 'pdf', out: pdf });
    expect((await execa('pdftotext', [pdf, '-'])).stdout).toMatch(/no step named .nmap -sS -p 50000-50009/);
  }, 60_000);
});
