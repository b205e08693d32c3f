import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PacketRow, TopologyRecord } from '../../../src/generated/run-record.js';
import { hostNames, ladderDrawing, topologyDrawing, toSvg, toTikz, type Drawing } from '../../../src/report/draw/index.js';
import { layoutLadder, packetLabel, phases } from '../../../src/report/draw/ladder.js';
import { MAX_LABEL } from '../../../src/report/draw/shapes.js';
import { layoutTopology } from '../../../src/report/draw/topology.js';
import { compilePdf, findOnPath } from '../../../src/report/pdf.js';
import { HOSTILE, hostileRecord } from '../records.js';
import { chainTopology, handshake, smallTopology } from './fixtures.js';

/**
 * Golden files: test/report/draw/golden/<name>. `UPDATE_GOLDEN=1 npx vitest run test/report/draw`
 * rewrites them; look at the SVGs (any browser) and the TikZ (in a report's PDF) before committing.
 */
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const GOLDEN = join(dirname(new URL(import.meta.url).pathname), 'golden');
function golden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (UPDATE || !existsSync(file)) {
    if (!UPDATE) throw new Error(`${file} is missing: run UPDATE_GOLDEN=1 npx vitest run test/report/draw, review it, commit it`);
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
  }
  expect(actual, `${file} differs (UPDATE_GOLDEN=1 rewrites it)`).toBe(readFileSync(file, 'utf8'));
}

const texts = (d: Drawing, style?: string) => d.shapes.flatMap((s) => (s.kind === 'text' && (!style || s.style === style) ? [s] : []));
const boxes = (d: Drawing, style?: string) => d.shapes.flatMap((s) => (s.kind === 'box' && (!style || s.style === style) ? [s] : []));
const lines = (d: Drawing, style?: string) => d.shapes.flatMap((s) => (s.kind === 'line' && (!style || s.style === style) ? [s] : []));

/**
 * Checks that an SVG is well-formed XML of the kind the emitter writes: balanced tags, attribute
 * values and text with no raw `<`, `>` or `&` (only the five predefined entities). Returns problems.
 */
function xmlProblems(svg: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const entity = /&(?!(amp|lt|gt|quot|apos);)/;
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < svg.length) {
    const lt = svg.indexOf('<', i);
    const text = svg.slice(i, lt < 0 ? svg.length : lt);
    if (text.includes('>') || entity.test(text)) problems.push(`bad text: ${text.slice(0, 60)}`);
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(svg);
    if (!m) {
      problems.push(`bad tag at ${lt}: ${svg.slice(lt, lt + 60)}`);
      break;
    }
    if (entity.test(m[3])) problems.push(`bad attribute: ${m[3].slice(0, 60)}`);
    if (m[1]) {
      if (stack.pop() !== m[2]) problems.push(`unbalanced </${m[2]}>`);
    } else if (!m[4]) stack.push(m[2]);
    i = tag.lastIndex;
  }
  if (stack.length) problems.push(`unclosed: ${stack.join(', ')}`);
  return problems;
}

describe('topology drawing', () => {
  it('golden SVG and TikZ of a small topology (cable, LAN, firewall, silent router, MTU)', () => {
    const r = topologyDrawing({ topology: smallTopology })!;
    golden('small-topology.svg', r.svg);
    golden('small-topology.tex', r.tikz);
  });

  it('inline SVGs can get their own ids (one HTML page, several drawings)', () => {
    const d = layoutLadder(handshake);
    const svg = toSvg(d, { id: 'fig-2' });
    expect(svg).toContain('<marker id="fig-2-arrow"');
    expect(svg.match(/marker-end="url\(#fig-2-arrow\)"/g)).toHaveLength(9);
    expect(toSvg(d)).toContain('<marker id="wl-arrow"');
  });

  it('a chain of ten routers reads as a chain: one column, client at the top, each hop one rank further down', () => {
    const d = layoutTopology(chainTopology(10));
    const names = texts(d, 'name');
    expect(names.map((t) => t.text)).toHaveLength(12);
    const byY = [...names].sort((a, b) => a.y - b.y).map((t) => t.text);
    expect(byY).toEqual(['client', ...Array.from({ length: 10 }, (_, i) => `r${i + 1}`), 'server']);
    expect(new Set(names.map((t) => t.x)).size).toBe(1);
    expect(lines(d, 'link')).toHaveLength(11);
  });

  it('a LAN of three or more is a bar spanning its members; firewall, silent router and MTU are labelled', () => {
    const d = layoutTopology(smallTopology);
    const [bar] = boxes(d, 'lan');
    expect(bar).toBeDefined();
    const x = (name: string) => texts(d, 'name').find((t) => t.text === name)!.x;
    for (const m of ['r1', 'db', 'cache']) {
      expect(x(m)).toBeGreaterThan(bar.x);
      expect(x(m)).toBeLessThan(bar.x + bar.w);
    }
    // r2's box is the silent router's (dashed); the others are not
    const boxOf = (name: string) => {
      const t = texts(d, 'name').find((x) => x.text === name)!;
      return boxes(d).find((b) => b.style !== 'lan' && t.x > b.x && t.x < b.x + b.w && t.y > b.y && t.y < b.y + b.h)!;
    };
    expect(['client', 'r1', 'r2', 'web'].map((h) => boxOf(h).style)).toEqual(['host', 'router', 'silent', 'host']);
    const all = texts(d).map((t) => t.text);
    expect(all).toContain('firewall: policy drop; allow tcp/80, tcp/443');
    expect(all).toContain('icmp: silent (sends no ICMP errors)');
    expect(all).toContain('eth0 192.0.2.6/30 mtu 1492');
    expect(all).toContain('eth1 192.0.2.5/30');
    expect(all.some((t) => t.startsWith('LAN backend'))).toBe(true);
  });

  it('records without `networks` (older runs) are drawn from each interface’s peer', () => {
    const { networks: _, ...old } = chainTopology(3);
    const d = layoutTopology(old);
    expect(lines(d, 'link')).toHaveLength(4);
    expect(texts(d).map((t) => t.text)).toContain('eth0 192.0.2.1/30');
  });

  it('no topology, no drawing', () => {
    expect(topologyDrawing({})).toBeNull();
  });
});

describe('ladder diagram', () => {
  it('golden SVG and TikZ of a TCP connection', () => {
    const r = ladderDrawing(handshake, { names: hostNames({ topology: { hosts: [{ name: 'client', addresses: ['198.51.100.55'] }] } }) });
    golden('handshake.svg', r.svg);
    golden('handshake.tex', r.tikz);
  });

  it('one arrow per packet, labelled with flags, relative Seq/Ack and Len; handshake, data and teardown grouped', () => {
    expect(phases(handshake)).toEqual(['handshake', 'handshake', 'handshake', 'data', 'data', 'data', 'teardown', 'teardown', 'teardown']);
    const d = layoutLadder(handshake);
    expect(lines(d, 'packet')).toHaveLength(9);
    expect(lines(d, 'lifeline')).toHaveLength(2);
    expect(packetLabel(handshake[0])).toBe('[SYN] Seq=0 Len=0');
    expect(packetLabel(handshake[1])).toBe('[SYN, ACK] Seq=0 Ack=1 Len=0');
    expect(packetLabel(handshake[4])).toBe('[PSH, ACK] Seq=1 Ack=8 Len=7');
    expect(texts(d, 'band').map((t) => t.text)).toEqual(['handshake', 'data', 'teardown']);
    // arrows point from the source's lifeline to the destination's
    const [life1, life2] = lines(d, 'lifeline').map((l) => l.x1);
    const [syn, synAck] = lines(d, 'packet');
    expect([syn.x1, syn.x2]).toEqual([life1, life2]);
    expect([synAck.x1, synAck.x2]).toEqual([life2, life1]);
  });

  it('an RST ends a connection; a SYN scan without answers is all handshake; non-TCP rows show their Info', () => {
    const rst: PacketRow = { ...handshake[2], no: 3, info: '', tcp: { ...handshake[2].tcp!, flags: ['RST'] } };
    expect(phases([handshake[0], handshake[1], rst])).toEqual(['handshake', 'handshake', 'teardown']);
    expect(phases([handshake[0], { ...handshake[0], no: 2 }])).toEqual(['handshake', 'handshake']);
    const dns: PacketRow = {
      no: 1,
      time: 0,
      source: '198.51.100.55',
      destination: '198.51.100.1',
      protocol: 'DNS',
      length: 80,
      info: 'Standard query 0x1 A compeng.example',
    };
    expect(packetLabel(dns)).toBe('Standard query 0x1 A compeng.example');
    expect(texts(layoutLadder([dns]), 'band')).toEqual([]);
  });

  it('long captures keep the first and last 10 packets and say how many are left out', () => {
    const many = Array.from({ length: 117 }, (_, i) => ({ ...handshake[3], no: i + 1, time: i / 1000 }));
    const d = layoutLadder(many);
    expect(lines(d, 'packet')).toHaveLength(20);
    expect(texts(d).map((t) => t.text)).toContain('… 97 more packets');
    const nos = texts(d, 'note')
      .filter((t) => t.x === texts(d, 'note')[0].x)
      .map((t) => t.text);
    expect(nos.slice(0, 2)).toEqual(['1', '2']);
    expect(nos.at(-1)).toBe('117');
    expect(lines(layoutLadder(many.slice(0, 21)), 'packet')).toHaveLength(21);
    expect(lines(layoutLadder(many, { keep: 3 }), 'packet')).toHaveLength(6);
  });
});

describe('hostile labels', () => {
  const topology: TopologyRecord = {
    hosts: [
      {
        name: HOSTILE,
        addresses: ['192.0.2.1'],
        firewall: { policy: 'reject', allow: [HOSTILE] },
        interfaces: [{ name: '<eth0>&', addresses: ['192.0.2.1/30'], mtu: 1500, peer: 'b:eth0' }],
      },
      {
        name: 'b',
        addresses: ['192.0.2.2'],
        interfaces: [{ name: 'eth0', addresses: ['192.0.2.2/30'], mtu: 1500, peer: `${HOSTILE}:<eth0>&` }],
      },
    ],
  };
  const packets = hostileRecord(60).steps.flatMap((s) => s.capture?.packets ?? (s.children ?? []).flatMap((c) => c.capture?.packets ?? []));

  it('the SVG is well-formed XML with every label escaped; labels are clipped to one bounded line', () => {
    expect(packets.length).toBeGreaterThan(20);
    for (const d of [layoutTopology(topology), layoutLadder(packets)]) {
      const svg = toSvg(d);
      expect(xmlProblems(svg)).toEqual([]);
      expect(svg).not.toContain('<b>');
      expect(svg).toContain('&amp; ~ _ ^ \\ { } [ ] &lt; &gt; | &apos; &quot;');

      expect(svg).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
      for (const t of texts(d)) expect([...t.text].length).toBeLessThanOrEqual(MAX_LABEL);
    }
    expect(xmlProblems('<svg><text>a < b</text></svg>')).not.toEqual([]);
    expect(xmlProblems('<svg><text>a &amp; b</text></svg>')).toEqual([]);
  });

  it.runIf(findOnPath('latexmk') !== null)(
    'the TikZ compiles with latexmk under the report preamble, with no raw LaTeX specials from the labels',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'wirelab-draw-tex-'));
      try {
        const pictures = [toTikz(layoutTopology(topology)), toTikz(layoutLadder(packets)), toTikz(layoutLadder(handshake))];
        for (const p of pictures) expect(p).not.toMatch(/\{[^}]*\\end\{lstlisting\}/);
        const preamble = readFileSync('templates/partials/tex/preamble.hbs', 'utf8');
        const tex = `${preamble}\n\\begin{document}\n${pictures.map((p) => `\\resizebox{\\linewidth}{!}{%\n${p}}\n\n`).join('')}\\end{document}\n`;
        const pdf = join(dir, 'draw.pdf');
        await compilePdf(tex, pdf);
        const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
        expect(text).toContain('[SYN, ACK] Seq=0 Ack=1 Len=0');
        expect(text).toContain('# $ % & ~ _ ^ \\ { }');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
