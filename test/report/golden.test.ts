import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentReporter } from '../../src/interpreter/reporter.js';
import { runScenario } from '../../src/interpreter/run-scenario.js';
import { renderReport } from '../../src/report/render.js';
import { loadScenario } from '../../src/scenario/load.js';
import { VERSION } from '../../src/version.js';
import { schemaErrors, syntheticRecord } from './records.js';

const GOLDEN = join('test', 'report', 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

/** Replaces what changes from run to run: dates, durations, ports, hashes, versions. */
export function normalise(text: string): string {
  return text
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<DATE>')
    .replace(/\b\d+(\.\d+)? (ms|s)\b/g, '<DURATION>')
    .replace(/(127\.0\.0\.1|192\.0\.2\.\d+):\d+/g, '$1:<PORT>')
    .replace(/\b[0-9a-f]{32}(\\allowbreak\{\})?[0-9a-f]{32}\b/g, '<SHA256>')
    .replace(/\bv\d+\.\d+\.\d+\b/g, 'v<NODE>')
    .replaceAll(VERSION, '<WIRELAB>');
}

/** Compares with (or, with UPDATE_GOLDEN=1, writes) test/report/golden/<name>. */
function golden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (UPDATE || !existsSync(file)) {
    if (!UPDATE) throw new Error(`${file} is missing: run UPDATE_GOLDEN=1 npx vitest run test/report, review it, commit it`);
    writeFileSync(file, actual);
    return;
  }
  expect(actual, `${file} differs (UPDATE_GOLDEN=1 rewrites it)`).toBe(readFileSync(file, 'utf8'));
}

describe('golden reports of the echo scenario', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wirelab-report-echo-'));
    const r = await loadScenario('scenarios/echo.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const { record } = await runScenario(r.loaded, { out: dir, reporter: silentReporter });
    expect(record.run.status).toBe('passed');
    expect(schemaErrors(record)).toBe('');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  for (const template of ['lab-report', 'feedback']) {
    for (const format of ['md', 'tex'] as const) {
      it(`${template}.${format}`, async () => {
        golden(`echo.${template}.${format}`, normalise(await renderReport({ runDir: dir, template, format })));
      });
    }
  }

  it('normalisation leaves nothing run-specific', async () => {
    const md = normalise(await renderReport({ runDir: dir, format: 'md' }));
    expect(md).not.toMatch(/127\.0\.0\.1:\d/);
    expect(md).toContain('| Scenario SHA-256 | `<SHA256>` |');
  });
});

describe('golden reports of a synthetic record (capture, scan, traceroute, DNS, hidden step)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wirelab-report-syn-'));
    await writeFile(join(dir, 'run.json'), JSON.stringify(syntheticRecord(), null, 2));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('the synthetic record conforms to schemas/run.schema.json', () => {
    expect(schemaErrors(syntheticRecord())).toBe('');
    expect(schemaErrors({ ...syntheticRecord(), extra: 1 })).not.toBe('');
  });

  for (const template of ['lab-report', 'feedback']) {
    for (const format of ['md', 'tex'] as const) {
      it(`${template}.${format}`, async () => {
        golden(`synthetic.${template}.${format}`, await renderReport({ runDir: dir, template, format }));
      });
    }
  }

  it('feedback hides hidden checks unless --instructor', async () => {
    const student = await renderReport({ runDir: dir, template: 'feedback', format: 'md' });
    expect(student).not.toContain('second client echoed');
    expect(student).toContain('1 hidden check(s) in 1 step(s): 0 / 4 points.');
    const instructor = await renderReport({ runDir: dir, template: 'feedback', format: 'md', instructor: true });
    expect(instructor).toContain('| second client echoed | `line "again"` | `timeout after 2s` | **FAIL** |');
    expect(instructor).not.toContain('## Hidden checks');
    golden('synthetic.feedback.instructor.md', instructor);
  });

  it('every partial shows up with the classic layouts', async () => {
    const md = await renderReport({ runDir: dir, format: 'md' });
    expect(md).toContain('**Figure 1:** Packets captured in capture-1.pcapng (filter: tcp or icmp or udp port 53)');
    expect(md).toContain(
      '| 9 | 1.200000 | 192.0.2.10 | 198.51.100.1 | ICMP | 98 | `Echo (ping) request  id=0x0001, seq=237/60672, ttl=2 (reply in 10)` |',
    );
    // nmap layout: 30 closed ports summarised (more than 25 share the state), the rest padded.
    expect(md).toContain(
      'Not shown: 31 closed tcp ports (conn-refused)\nPORT     STATE    SERVICE\n7/tcp    open     echo\n8080/tcp filtered http-proxy\n\nwirelab done: 33 ports (connect scan, 34 probes) scanned in 1.23 seconds\n```',
    );
    expect(md).not.toContain('9001/tcp');
    expect(md).toContain(
      ' 1  192.0.2.1  0.046 ms  0.004 ms  0.006 ms\n 2  * * *\n 3  198.51.100.1  1.250 ms 198.51.100.2  1.500 ms  1.700 ms !H\n 4  203.0.113.80  2.001 ms  1.999 ms  2.100 ms',
    );
    expect(md).toContain(
      '| `www.lab.example AAAA` | NOERROR | `www.lab.example 60 CNAME web.lab.example`<br>`web.lab.example 60 AAAA 2001:db8::80` |',
    );
    expect(md).toContain('$ python3 client.py --host 192.0.2.20\nsent 11 bytes\nreceived 11 bytes\nwarning: slow link');
    expect(md).toContain('> [s] hello world\\r\\n');
    const tex = await renderReport({ runDir: dir, format: 'tex' });
    expect(tex).toContain('\\begin{longtable}');
    expect(tex).toContain('Echo (ping) request ~id=0x0001, seq=237/60672, ttl=2 (reply in 10)');
    expect(tex).toContain('\\caption*{\\textbf{Figure 1:} Packets captured in capture-1.pcapng');
  });
});

describe("libpcap's counters under each capture, as tcpdump prints them", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wirelab-report-counters-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const withCounters = (
    counters: { captured: number; received: number; droppedByKernel: number; droppedByInterface: number } | undefined,
  ) => {
    const r = syntheticRecord();
    const cap = r.steps[1].capture!;
    if (counters) Object.assign(cap, { counters, dropped: counters.droppedByKernel + counters.droppedByInterface });
    else {
      delete cap.counters;
      delete cap.dropped;
      cap.engine = 'cap';
    }
    return r;
  };

  it('md and tex show the three lines right after the packet table (no interface line when 0)', async () => {
    const n = syntheticRecord().steps[1].capture!.packets.length;
    await writeFile(
      join(dir, 'run.json'),
      JSON.stringify(withCounters({ captured: n, received: 88, droppedByKernel: 0, droppedByInterface: 0 })),
    );
    const md = await renderReport({ runDir: dir, format: 'md' });
    const lines = md.split('\n');
    const fig = lines.findIndex((l) => l.startsWith('**Figure 1:**'));
    const last = lines.findIndex((l, i) => i > fig && l.startsWith('|') && !lines[i + 1].startsWith('|'));
    expect(lines.slice(last + 1, last + 7)).toEqual([
      '',
      '```',
      `${n} packets captured`,
      '88 packets received by filter',
      '0 packets dropped by kernel',
      '```',
    ]);
    const tex = await renderReport({ runDir: dir, format: 'tex' });
    expect(tex).toMatch(
      new RegExp(
        `\\\\end\\{longtable\\}\\}\\n\\\\begin\\{lstlisting\\}\\n${n} packets captured\\n88 packets received by filter\\n0 packets dropped by kernel\\n\\\\end\\{lstlisting\\}`,
      ),
    );
  });

  it('drops show in the caption and the lines, singular where tcpdump says "packet"', async () => {
    await writeFile(
      join(dir, 'run.json'),
      JSON.stringify(withCounters({ captured: 1, received: 1, droppedByKernel: 1, droppedByInterface: 4 })),
    );
    const md = await renderReport({ runDir: dir, format: 'md' });
    expect(md).toContain('**Figure 1:** Packets captured in capture-1.pcapng (filter: tcp or icmp or udp port 53), 5 dropped');
    expect(md).toContain(
      '```\n1 packet captured\n1 packet received by filter\n1 packet dropped by kernel\n4 packets dropped by interface\n```',
    );
  });

  it('a capture without counters (the cap engine) shows no invented ones', async () => {
    const r = withCounters(undefined);
    expect(schemaErrors(r)).toBe('');
    await writeFile(join(dir, 'run.json'), JSON.stringify(r));
    const md = await renderReport({ runDir: dir, format: 'md' });
    expect(md).not.toMatch(/packets? captured\n/);
    expect(md).not.toContain('dropped by kernel');
    expect(md).toContain(
      '*No libpcap counters: the capture ran on the fallback engine (cap), which gives none, so lost packets cannot be ruled out.*',
    );
    const tex = await renderReport({ runDir: dir, format: 'tex' });
    expect(tex).toContain(
      '\\textit{No libpcap counters: the capture ran on the fallback engine (cap), which gives none, so lost packets cannot be ruled out.}',
    );
  });
});

describe('instructor copy of the lab report', () => {
  it('shows hidden steps (marked) only with instructor: true', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wirelab-report-inst-'));
    try {
      await writeFile(join(dir, 'run.json'), JSON.stringify(syntheticRecord()));
      const student = await renderReport({ runDir: dir, format: 'md' });
      expect(student).not.toContain('hidden: server answers a second client');
      const instructor = await renderReport({ runDir: dir, format: 'md', instructor: true });
      expect(instructor).toContain('## 8. hidden: server answers a second client\n\n**failed** (hidden) ·');
      expect(instructor).not.toContain('The totals include');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
