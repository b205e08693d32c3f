/**
 * The topology's layout, from the run record only: hosts and routers as boxes, cables as lines
 * and LANs (three or more members) as bars. Ranks come from a breadth-first walk that starts at
 * one end of the graph's longest shortest path, so a chain of ten routers is one rank per router
 * (it reads top to bottom as a chain); inside a rank, nodes follow their parents' order.
 */
import type { TopologyRecord } from '../../generated/run-record.js';
import { clip, fit, textWidth, type Drawing, type Shape } from './shapes.js';

type Host = TopologyRecord['hosts'][number];
type Network = NonNullable<TopologyRecord['networks']>[number];

interface Vertex {
  id: string;
  host?: Host;
  lan?: Network;
  rank: number;
  x: number;
}

const BOX_H = 20;
const RANK_GAP = 34; // between one rank's boxes and the next's
const COL_GAP = 24;
const LAN_H = 5;
const DEFAULT_MTU = 1500;

/** Networks of a record; records older than the `networks` field get them from each interface's peer. */
function networksOf(t: TopologyRecord): Network[] {
  if (t.networks) return t.networks;
  const seen = new Set<string>();
  const out: Network[] = [];
  for (const h of t.hosts)
    for (const f of h.interfaces ?? []) {
      const key = `${h.name}:${f.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const members = [{ host: h.name, iface: f.name, mtu: f.mtu }];
      if (f.peer && f.peer.includes(':')) {
        seen.add(f.peer);
        const [host, iface] = f.peer.split(':');
        const mtu = t.hosts.find((x) => x.name === host)?.interfaces?.find((i) => i.name === iface)?.mtu;
        members.push({ host, iface, mtu });
      }
      out.push({ name: f.addresses?.[0] ?? key, subnets: [], members });
    }
  return out;
}

/** The interface of a member, with its addresses and MTU. */
function ifaceOf(t: TopologyRecord, host: string, iface: string) {
  return t.hosts.find((h) => h.name === host)?.interfaces?.find((i) => i.name === iface);
}

/** A member's label at its end of a link: `eth0 192.0.2.1/30`, then `mtu 1492` when not 1500. */
function endLabel(t: TopologyRecord, host: string, iface: string, mtu: number | undefined): string {
  const f = ifaceOf(t, host, iface);
  const m = mtu ?? f?.mtu;
  return clip([iface, ...(f?.addresses ?? []), m !== undefined && m !== DEFAULT_MTU ? `mtu ${m}` : ''].filter(Boolean).join(' '));
}

/** What a box says beside it: firewall policy and rules, a silent router. */
function sideNotes(h: Host): { text: string; warn: boolean }[] {
  const out: { text: string; warn: boolean }[] = [];
  if (h.firewall) {
    const f = h.firewall;
    const rules = [
      f.allow?.length ? `allow ${f.allow.join(', ')}` : '',
      f.drop?.length ? `drop ${f.drop.join(', ')}` : '',
      f.reject?.length ? `reject ${f.reject.join(', ')}` : '',
    ].filter(Boolean);
    out.push({ text: clip(`firewall: policy ${f.policy}${rules.length ? `; ${rules.join('; ')}` : ''}`), warn: true });
  }
  if (h.icmp === 'silent') out.push({ text: 'icmp: silent (sends no ICMP errors)', warn: false });
  return out;
}

/**
 * Distances from `start` in half ranks: a cable is 2 (one rank), a host to a LAN 1, so a LAN's bar
 * sits in the gap between its members' ranks and never on a row of boxes. Deterministic order.
 */
function distances(start: string, adj: Map<string, string[]>): Map<string, number> {
  const step = (a: string, b: string) => (a.startsWith('n:') || b.startsWith('n:') ? 1 : 2);
  const dist = new Map([[start, 0]]);
  const queue = [start];
  while (queue.length) {
    queue.sort((a, b) => dist.get(a)! - dist.get(b)!);
    const u = queue.shift()!;
    for (const v of adj.get(u) ?? []) {
      const d = dist.get(u)! + step(u, v);
      if (d < (dist.get(v) ?? Infinity)) {
        if (!dist.has(v)) queue.push(v);
        dist.set(v, d);
      }
    }
  }
  return dist;
}
const farthest = (dist: Map<string, number>) => [...dist].reduce((a, b) => (b[1] > a[1] ? b : a))[0];

/** The layout of a recorded topology. */
export function layoutTopology(t: TopologyRecord, title = 'The lab network'): Drawing {
  const nets = networksOf(t);
  const vertices = new Map<string, Vertex>();
  for (const h of t.hosts) vertices.set(`h:${h.name}`, { id: `h:${h.name}`, host: h, rank: 0, x: 0 });
  const adj = new Map<string, string[]>([...vertices.keys()].map((k) => [k, []]));
  const edges: { a: string; b: string; net: Network }[] = [];
  const stubs: { host: string; net: Network }[] = [];
  nets.forEach((net, i) => {
    if (net.members.length === 1) return stubs.push({ host: `h:${net.members[0].host}`, net });
    let ends = net.members.map((m) => `h:${m.host}`);
    if (net.members.length >= 3) {
      const id = `n:${i}`;
      vertices.set(id, { id, lan: net, rank: 0, x: 0 });
      adj.set(id, []);
      ends = ends.map((e) => (edges.push({ a: id, b: e, net }), e));
      for (const e of ends) {
        adj.get(id)!.push(e);
        adj.get(e)?.push(id);
      }
      return;
    }
    const [a, b] = ends;
    edges.push({ a, b, net });
    adj.get(a)?.push(b);
    adj.get(b)?.push(a);
  });

  // ranks: per connected component, BFS from one end of its longest shortest path
  let base = 0;
  const done = new Set<string>();
  for (const id of vertices.keys()) {
    if (done.has(id)) continue;
    // the two ends of a longest shortest path; start at the one that comes first in the record
    const a = farthest(distances(id, adj));
    const b = farthest(distances(a, adj));
    const keys = [...vertices.keys()];
    const start = keys.indexOf(b) < keys.indexOf(a) ? b : a;
    const dist = distances(start, adj);
    for (const [v, d] of dist) {
      vertices.get(v)!.rank = base + d;
      done.add(v);
    }
    base += Math.max(...dist.values()) + 2;
  }

  // order within ranks: by the mean position of neighbours in the rank above (one sweep down)
  const ranks: Vertex[][] = [];
  for (const v of vertices.values()) (ranks[v.rank] ??= []).push(v);
  const order = new Map<string, number>();
  const width = (v: Vertex) => (v.host ? Math.max(56, textWidth(clip(v.host.name, 40), 'name') + 16) : 40);
  const labelRoom = Math.max(0, ...edges.flatMap((e) => e.net.members.map((m) => textWidth(endLabel(t, m.host, m.iface, m.mtu), 'label'))));
  const pitch = Math.max(...[...vertices.values()].map(width)) / 2 + labelRoom + COL_GAP;
  for (const rank of ranks.filter(Boolean)) {
    const key = (v: Vertex) => {
      const above = (adj.get(v.id) ?? []).filter((u) => vertices.get(u)!.rank < v.rank).map((u) => order.get(u) ?? 0);
      return above.length ? above.reduce((a, b) => a + b, 0) / above.length : 0;
    };
    rank.sort((a, b) => key(a) - key(b));
    rank.forEach((v, i) => {
      v.x = (i - (rank.length - 1) / 2) * pitch;
      order.set(v.id, v.x);
    });
  }
  const yOf = (v: Vertex) => (v.rank / 2) * (BOX_H + RANK_GAP);

  const shapes: Shape[] = [];
  // LAN bars span their members
  const lanSpan = new Map<string, { x0: number; x1: number }>();
  for (const v of vertices.values()) {
    if (!v.lan) continue;
    const xs = (adj.get(v.id) ?? []).map((u) => vertices.get(u)!.x);
    lanSpan.set(v.id, { x0: Math.min(...xs, v.x) - 20, x1: Math.max(...xs, v.x) + 20 });
  }
  // where each link leaves a box: spread along its bottom (or top) edge in the order of the other
  // ends, the label on the outer side of the line (left of a line left of centre, else right)
  const ports = new Map<string, { x: number; side: 1 | -1 }>();
  for (const v of vertices.values()) {
    if (!v.host) continue;
    for (const down of [true, false]) {
      const others = edges
        .flatMap((e) => (e.a === v.id ? [e.b] : e.b === v.id ? [e.a] : []))
        .map((o) => vertices.get(o)!)
        .filter((o) => (down ? o.rank > v.rank : o.rank < v.rank))
        .sort((a, b) => a.x - b.x);
      const w = width(v);
      const gap = Math.min(16, (w - 12) / Math.max(1, others.length - 1));
      others.forEach((o, i) => {
        const off = others.length === 1 ? 0 : (i - (others.length - 1) / 2) * gap;
        ports.set(`${v.id}>${o.id}`, { x: v.x + off, side: off < 0 ? -1 : 1 });
      });
    }
  }
  const port = (v: Vertex, o: Vertex) => ports.get(`${v.id}>${o.id}`) ?? { x: v.x, side: 1 as const };
  const label = (x: number, y: number, side: 1 | -1, text: string): Shape => ({
    kind: 'text',
    x: x + 4 * side,
    y,
    text,
    anchor: side > 0 ? 'start' : 'end',
    style: 'label',
  });
  for (const e of edges) {
    const a = vertices.get(e.a)!;
    const b = vertices.get(e.b)!;
    if (a.lan) {
      // a host's drop to the bar, straight down or up from its port
      const span = lanSpan.get(a.id)!;
      const pt = port(b, a);
      const x = Math.min(Math.max(pt.x, span.x0), span.x1);
      const barY = yOf(a) + BOX_H / 2;
      const hostY = b.rank < a.rank ? yOf(b) + BOX_H : yOf(b);
      const barEdge = b.rank < a.rank ? barY - LAN_H / 2 : barY + LAN_H / 2;
      shapes.push({ kind: 'line', x1: x, y1: hostY, x2: x, y2: barEdge, style: 'link' });
      const m = e.net.members.find((mm) => `h:${mm.host}` === b.id)!;
      const ly = b.rank < a.rank ? hostY + 6 : hostY - 6;
      shapes.push(label(x, ly, pt.side, endLabel(t, m.host, m.iface, m.mtu)));
      continue;
    }
    const [up, down] = a.rank <= b.rank ? [a, b] : [b, a];
    const mu = e.net.members.find((m) => `h:${m.host}` === up.id)!;
    const md = e.net.members.find((m) => m !== mu)!;
    if (up.rank === down.rank) {
      // side by side: a horizontal line between the boxes, a label over each end
      const [l, r] = up.x <= down.x ? [up, down] : [down, up];
      const y = yOf(l) + BOX_H / 2;
      const x1 = l.x + width(l) / 2;
      const x2 = r.x - width(r) / 2;
      shapes.push({ kind: 'line', x1, y1: y, x2, y2: y, style: 'link' });
      const ml = l === up ? mu : md;
      const mr = l === up ? md : mu;
      shapes.push({ kind: 'text', x: x1 + 3, y: y - 6, text: endLabel(t, ml.host, ml.iface, ml.mtu), anchor: 'start', style: 'label' });
      shapes.push({ kind: 'text', x: x2 - 3, y: y + 6, text: endLabel(t, mr.host, mr.iface, mr.mtu), anchor: 'end', style: 'label' });
      continue;
    }
    const pu = port(up, down);
    const pd = port(down, up);
    const p1 = { x: pu.x, y: yOf(up) + BOX_H };
    const p2 = { x: pd.x, y: yOf(down) };
    shapes.push({ kind: 'line', x1: p1.x, y1: p1.y, x2: p2.x, y2: p2.y, style: 'link' });
    const f = 7 / (p2.y - p1.y);
    shapes.push(label(p1.x + (p2.x - p1.x) * f, p1.y + 7, pu.side, endLabel(t, mu.host, mu.iface, mu.mtu)));
    shapes.push(label(p2.x - (p2.x - p1.x) * f, p2.y - 7, pd.side, endLabel(t, md.host, md.iface, md.mtu)));
  }
  for (const v of vertices.values()) {
    const y = yOf(v);
    if (v.lan) {
      const span = lanSpan.get(v.id)!;
      shapes.push({ kind: 'box', x: span.x0, y: y + BOX_H / 2 - LAN_H / 2, w: span.x1 - span.x0, h: LAN_H, style: 'lan' });
      const name = clip([v.lan.name, ...v.lan.subnets.filter((s) => s !== v.lan!.name)].join(' '));
      shapes.push({ kind: 'text', x: span.x1 + 4, y: y + BOX_H / 2, text: `LAN ${name}`, anchor: 'start', style: 'note' });
      continue;
    }
    const h = v.host!;
    const w = width(v);
    shapes.push({ kind: 'box', x: v.x - w / 2, y, w, h: BOX_H, style: h.icmp === 'silent' ? 'silent' : h.router ? 'router' : 'host' });
    shapes.push({ kind: 'text', x: v.x, y: y + BOX_H / 2, text: clip(h.name, 40), anchor: 'middle', style: 'name' });
    const notes = sideNotes(h);
    notes.forEach((note, i) =>
      shapes.push({
        kind: 'text',
        x: v.x - w / 2 - 6,
        y: y + BOX_H / 2 + (i - (notes.length - 1) / 2) * 8,
        text: note.text,
        anchor: 'end',
        style: note.warn ? 'warn' : 'note',
      }),
    );
  }
  for (const s of stubs) {
    const v = vertices.get(s.host);
    if (!v) continue;
    const m = s.net.members[0];
    const x = v.x + width(v) / 2;
    shapes.push({ kind: 'line', x1: x, y1: yOf(v) + BOX_H / 2, x2: x + 14, y2: yOf(v) + BOX_H / 2, style: 'link' });
    shapes.push({
      kind: 'text',
      x: x + 18,
      y: yOf(v) + BOX_H / 2,
      text: `${endLabel(t, m.host, m.iface, m.mtu)} (no peer)`,
      anchor: 'start',
      style: 'note',
    });
  }
  // a legend under the drawing, naming only the kinds of box it holds
  const kinds = new Set(shapes.flatMap((x) => (x.kind === 'box' ? [x.style] : [])));
  const legend = (
    [
      ['host', 'host'],
      ['router', 'router'],
      ['silent', 'silent router (no ICMP errors)'],
      ['lan', 'LAN (switch)'],
    ] as const
  ).filter(([k]) => kinds.has(k));
  const bottom = Math.max(...shapes.map((x) => (x.kind === 'box' ? x.y + x.h : x.kind === 'line' ? Math.max(x.y1, x.y2) : x.y)));
  let lx = Math.min(...[...vertices.values()].map((v) => v.x - width(v) / 2));
  for (const [style, text] of legend) {
    const h = style === 'lan' ? LAN_H : 9;
    shapes.push({ kind: 'box', x: lx, y: bottom + 18 - h / 2, w: 16, h, style });
    shapes.push({ kind: 'text', x: lx + 20, y: bottom + 18, text, anchor: 'start', style: 'note' });
    lx += 20 + textWidth(text, 'note') + 14;
  }
  return fit(title, shapes);
}
