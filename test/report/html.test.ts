import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/generated/run-record.js';
import { decodeFile } from '../../src/packets/index.js';
import { buildModel } from '../../src/report/model.js';
import { renderReport } from '../../src/report/render.js';
import { HOSTILE, hostileRecord, schemaErrors, syntheticRecord } from './records.js';

/** Tag names and attributes the HTML report may contain; anything else came from the data. */
const TAGS = new Set(
  (
    'html head meta title style body header main section nav footer div span p strong em code pre a h1 h2 h3 ol ul li dl dt dd table caption thead tbody tfoot tr th td figure figcaption details summary script' +
    // the drawings' inline SVG (src/report/draw/svg.ts writes these, escaping every label)
    ' svg defs marker path rect text line title'
  ).split(' '),
);
const ATTRS = new Set(
  (
    'lang charset name content class id href role aria-label title data-depth data-capture data-count data-proto data-state data-sign scope colspan open rel' +
    ' xmlns width height viewbox font-family refx refy markerwidth markerheight xml:space orient d fill stroke stroke-width stroke-dasharray rx x y x1 y1 x2 y2 text-anchor dominant-baseline font-size font-weight font-style marker-end'
  ).split(' '),
);

/** Every start tag of a document: its name and attribute names (values are entity-escaped, so `"` ends them). */
function startTags(html: string): { name: string; attrs: string[] }[] {
  return [...html.matchAll(/<([a-zA-Z][\w-]*)((?:\s+[^\s"'>/=]+(?:="[^"]*")?)*)\s*\/?>/g)].map((m) => ({
    name: m[1].toLowerCase(),
    attrs: [...m[2].matchAll(/([^\s"'>/=]+)(?:="[^"]*")?/g)].map((a) => a[1].toLowerCase()),
  }));
}

const FIXTURE = 'test/fixtures/captures/echo-session.pcapng';

describe('HTML report', () => {
  let dir: string;
  let record: RunRecord;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wirelab-report-html-'));
    record = syntheticRecord();
    // the capture step's record of a real capture file, kept in the run folder beside run.json
    const decoded = await decodeFile(FIXTURE);
    const capture = record.steps[1].capture!;
    capture.packets = decoded.packets.map(({ no, time, source, destination, protocol, length, info }) => ({
      no,
      time,
      source,
      destination,
      protocol,
      length,
      info,
    }));
    capture.counters = { captured: decoded.count, received: decoded.count, droppedByKernel: 0, droppedByInterface: 0 };
    await copyFile(FIXTURE, join(dir, capture.file));
    expect(schemaErrors(record)).toBe('');
    await writeFile(join(dir, 'run.json'), JSON.stringify(record));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('has every section, listing, table and figure of the model, with the same numbers and anchors', async () => {
    const html = await renderReport({ runDir: dir, format: 'html', instructor: true });
    const model = buildModel(record, { instructor: true });
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    const anchors = (ss: typeof model.sections): string[] => ss.flatMap((s) => [s.anchor, ...anchors(s.children)]);
    for (const a of anchors(model.sections)) expect(html).toContain(`<section id="${a}"`);
    for (const l of model.listings) expect(html).toContain(`<strong>Listing ${l.number}:</strong>`);
    for (const t of model.tables) expect(html).toContain(`<strong>Table ${t.number}:</strong>`);
    for (const f of model.figures) expect(html).toContain(`<strong>Figure ${f.number}:</strong>`);
    expect(html).toContain('id="checks-summary"');
    // nmap's and traceroute's text as the CLI prints them
    expect(html).toContain('Not shown: 31 closed tcp ports (conn-refused)');
    expect(html).toContain('traceroute to 203.0.113.80 (203.0.113.80), 30 hops max, 60 byte packets');
  });

  it('opens each packet row into its layers and bytes read from the capture file; ends with tcpdump’s counters', async () => {
    const html = await renderReport({ runDir: dir, format: 'html' });
    const n = record.steps[1].capture!.packets.length;
    expect(html.match(/<details class="pkt" /g)).toHaveLength(n);
    expect(html.match(/<pre class="hex"/g)).toHaveLength(n);
    expect(html).toContain('<summary>Transmission Control Protocol, Src Port: 55182, Dst Port: 50007, Seq: 0, Len: 0</summary>');
    expect(html).toContain('0x0000:  0200 0000 0002 0200 0000 0001 0800 4500  ..............E.');
    expect(html).toContain(
      `<pre class="counters" aria-label="libpcap counters of capture-1.pcapng">${n} packets captured\n${n} packets received by filter\n0 packets dropped by kernel</pre>`,
    );
  });

  it('lists packets without details when the capture file is not in the run folder', async () => {
    const bare = await mkdtemp(join(tmpdir(), 'wirelab-report-html-bare-'));
    try {
      await writeFile(join(bare, 'run.json'), JSON.stringify(record));
      const html = await renderReport({ runDir: bare, format: 'html' });
      expect(html).not.toContain('<details class="pkt"');
      expect(html.match(/<div class="pkt pkt-row" role="row"/g)).toHaveLength(record.steps[1].capture!.packets.length);
    } finally {
      await rm(bare, { recursive: true, force: true });
    }
  });

  it('shows a failed check with its line diff, expected as -, actual as +', async () => {
    const html = await renderReport({ runDir: dir, format: 'html' });
    expect(html).toContain('<span class="line" data-sign="-">- SYN, SYN/ACK, ACK, data, FIN</span>');
    expect(html).toContain('<span class="line" data-sign="+">+ SYN, SYN/ACK, ACK, data, FIN, FIN</span>');
  });

  it('is self-contained: one inline style and script, no URL it would fetch', async () => {
    const html = await renderReport({ runDir: dir, format: 'html' });
    expect(html.match(/<style>/g)).toHaveLength(1);
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html).not.toMatch(/\s(src|srcset|action|poster)=/i);
    // `url(#…)` names a marker of an inline drawing, in the page itself
    expect(html).not.toMatch(/<link|@import|url\((?!#)/i);
    expect(html).not.toMatch(/href="(?!#)/);
  });

  it('names traceroute hops as tracert does with the PTR records a DNS fixture serves', async () => {
    const r = syntheticRecord();
    r.steps[0].fixture = {
      name: 'dns',
      kind: 'dns',
      address: '192.0.2.20',
      port: 53,
      names: [{ address: '192.0.2.1', name: 'gw.lab.example' }],
    };
    const m = buildModel(r, { traceStyle: 'tracert' });
    const trace = m.sections.find((s) => s.traceroute)!.traceroute!;
    expect(trace.listing.caption).toBe('Route to 203.0.113.80, as wirelab trace --style tracert prints it');
    expect(trace.listing.text.split('\n')).toContain('  1    <1 ms    <1 ms    <1 ms  gw.lab.example [192.0.2.1]');
    expect(trace.view.command).toBe('tracert -h 30 203.0.113.80');
    expect(buildModel(r).sections.find((s) => s.traceroute)!.traceroute!.listing.text).toMatch(/^traceroute to /);
  });
});

describe('HTML report with hostile content', () => {
  let dir: string;
  let html: string;
  const INJECT = `</script><script>alert(1)</script>" onmouseover="alert(2)' x='<img src=x onerror=alert(3)>`;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wirelab-report-html-hostile-'));
    const r = hostileRecord(300);
    r.scenario.title = `${INJECT} ${HOSTILE.slice(0, 40)}`;
    r.scenario.description = `${HOSTILE}\n\n[click](javascript:alert-4) and [ok](https://example.com/a"b)`;
    r.steps[1].capture!.packets[0].protocol = INJECT;
    r.steps[1].checks[0].actual = INJECT;
    expect(schemaErrors(r)).toBe('');
    await writeFile(join(dir, 'run.json'), JSON.stringify(r));
    html = await renderReport({ runDir: dir, format: 'html', instructor: true });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('has only the tags and attributes the templates write: no data turns into markup', () => {
    const tags = startTags(html);
    expect(tags.length).toBeGreaterThan(1000);
    expect(tags.filter((t) => !TAGS.has(t.name)).map((t) => t.name)).toEqual([]);
    expect([...new Set(tags.flatMap((t) => t.attrs).filter((a) => !ATTRS.has(a)))]).toEqual([]);
    expect(tags.filter((t) => t.name === 'script')).toHaveLength(1);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
  });

  it('escapes markup, quotes and control characters; links only to web addresses', () => {
    expect(html).toContain(
      '&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;alert(2)&#39; x=&#39;&lt;img src=x onerror=alert(3)&gt;',
    );
    expect(html).toContain('&lt;b&gt;html&lt;/b&gt; &amp;amp;');
    expect(html).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
    expect(html).toContain('\u2400\u2407\u241b\u2421');
    expect(html).not.toContain('href="javascript');
    expect(html).toContain('click (javascript:alert-4)');
    expect(html).toContain('<a href="https://example.com/a&quot;b" rel="noopener noreferrer">ok</a>');
    // a 300-character token is left whole: the style sheet wraps it (overflow-wrap), nothing cuts it
    expect(html).toContain('A'.repeat(300));
    expect(html).toMatch(/overflow-wrap: anywhere/);
  });

  it('leaves LaTeX specials and Handlebars braces from the data as text', () => {
    expect(html).toContain('\\end{lstlisting} \\end {lstlisting} \\\\ \\newline {{x}} }}}');
  });
});
