/**
 * A capture as a ladder (Wireshark's Flow Graph): one lifeline per endpoint address, one arrow per
 * packet labelled with its TCP flags, relative Seq/Ack and Len (the row's `tcp` fields) or, for
 * other protocols, its Info column; time and frame number on the left. TCP packets are grouped
 * into handshake, data and teardown bands; long captures keep the first and last `keep` packets
 * with a "… N more packets" row between them.
 */
import type { PacketRow } from '../../generated/run-record.js';
import { clip, fit, textWidth, type BoxStyle, type Drawing, type Shape } from './shapes.js';

export interface LadderOptions {
  /** Host names by address (the topology's), shown over each lifeline. */
  names?: ReadonlyMap<string, string>;
  /** Captures longer than 2 × keep + 1 packets are folded to the first and last `keep` (default 10). */
  keep?: number;
  /** What the drawing shows (alt text). */
  title?: string;
}

export type Phase = 'handshake' | 'data' | 'teardown' | 'other';

const ROW = 20;
const HEAD_H = 26;
const LEFT = 96; // No. and time column
const MIN_PITCH = 150;

/** A connection's key, the same both ways. */
function connKey(p: PacketRow): string | null {
  if (!p.tcp) return null;
  const a = `${p.source}:${p.tcp.srcPort}`;
  const b = `${p.destination}:${p.tcp.dstPort}`;
  return a < b ? `${a} ${b}` : `${b} ${a}`;
}

/**
 * The phase of each packet: SYNs and the ACK that completes a handshake; everything from a
 * connection's first FIN or RST on; the rest of a TCP connection is data; non-TCP is other.
 */
export function phases(packets: readonly PacketRow[]): Phase[] {
  const state = new Map<string, { synAck: boolean; open: boolean; closing: boolean }>();
  return packets.map((p): Phase => {
    const key = connKey(p);
    if (!key || !p.tcp) return 'other';
    const f = p.tcp.flags;
    const s = state.get(key) ?? { synAck: false, open: false, closing: false };
    state.set(key, s);
    if (s.closing || f.includes('FIN') || f.includes('RST')) {
      s.closing = true;
      return 'teardown';
    }
    if (f.includes('SYN')) {
      if (f.includes('ACK')) s.synAck = true;
      return 'handshake';
    }
    if (s.synAck && !s.open && p.tcp.len === 0 && f.includes('ACK')) {
      s.open = true;
      return 'handshake';
    }
    s.open = true;
    return 'data';
  });
}

/** An arrow's label: `[SYN, ACK] Seq=0 Ack=1 Len=0` for TCP (analysis labels first), else the Info column. */
export function packetLabel(p: PacketRow): string {
  const t = p.tcp;
  if (!t) return clip(p.info, 64);
  const parts = [...(t.analysis ?? []).map((a) => `[${a}]`), `[${t.flags.join(', ')}]`, `Seq=${t.seq}`];
  if (t.ack !== undefined) parts.push(`Ack=${t.ack}`);
  parts.push(`Len=${t.len}`);
  return clip(parts.join(' '), 48);
}

/** The layout of a ladder diagram of some packets. */
export function layoutLadder(packets: readonly PacketRow[], opts: LadderOptions = {}): Drawing {
  const keep = Math.max(1, opts.keep ?? 10);
  const endpoints: string[] = [];
  for (const p of packets) for (const a of [p.source, p.destination]) if (!endpoints.includes(a)) endpoints.push(a);
  const phase = phases(packets);
  // rows shown: every packet, or the first and last `keep` with a fold between them
  type Row = { p: PacketRow; phase: Phase } | { fold: number };
  const all: Row[] = packets.map((p, i) => ({ p, phase: phase[i] }));
  const rows: Row[] =
    packets.length > 2 * keep + 1 ? [...all.slice(0, keep), { fold: packets.length - 2 * keep }, ...all.slice(-keep)] : all;

  const labels = rows.map((r) => ('p' in r ? packetLabel(r.p) : ''));
  const heads = endpoints.map((a) => clip(opts.names?.get(a) ? `${opts.names.get(a)} ${a}` : a, 40));
  const pitch = Math.max(MIN_PITCH, ...labels.map((l) => textWidth(l, 'label') + 24), ...heads.map((h) => textWidth(h, 'name') + 16));
  const xOf = (a: string) => LEFT + endpoints.indexOf(a) * pitch;
  const right = LEFT + Math.max(0, endpoints.length - 1) * pitch;
  const comment = right + 14; // ports, like the flow graph's comment column
  const shapes: Shape[] = [];
  const top = HEAD_H + 8;
  const bottom = top + rows.length * ROW + 4;

  // bands behind the rows: runs of one phase, a fold breaks a run
  let runStart = 0;
  const bandOf = (r: Row | undefined): Phase | 'fold' | undefined => (r === undefined ? undefined : 'fold' in r ? 'fold' : r.phase);
  for (let i = 1; i <= rows.length; i++) {
    const prev = bandOf(rows[i - 1]);
    if (i < rows.length && bandOf(rows[i]) === prev) continue;
    if (prev !== 'fold' && prev !== undefined && !(prev === 'other' && phase.every((x) => x === 'other'))) {
      const y0 = top + runStart * ROW;
      shapes.push({ kind: 'box', x: 0, y: y0, w: comment + 122, h: (i - runStart) * ROW, style: prev as BoxStyle });
      shapes.push({ kind: 'text', x: comment + 118, y: y0 + 7, text: prev, anchor: 'end', style: 'band' });
    }
    runStart = i;
  }
  endpoints.forEach((a, i) => {
    const x = xOf(a);
    const w = textWidth(heads[i], 'name') + 12;
    shapes.push({ kind: 'line', x1: x, y1: HEAD_H, x2: x, y2: bottom, style: 'lifeline' });
    shapes.push({ kind: 'box', x: x - w / 2, y: 0, w, h: HEAD_H - 6, style: 'endpoint' });
    shapes.push({ kind: 'text', x, y: (HEAD_H - 6) / 2, text: heads[i], anchor: 'middle', style: 'name' });
  });
  rows.forEach((r, i) => {
    const y = top + i * ROW + ROW / 2 + 5;
    if ('fold' in r) {
      shapes.push({ kind: 'line', x1: LEFT - 40, y1: y - 5, x2: right + 40, y2: y - 5, style: 'fold' });
      shapes.push({ kind: 'text', x: (LEFT + right) / 2, y: y - 5, text: `… ${r.fold} more packets`, anchor: 'middle', style: 'band' });
      return;
    }
    const p = r.p;
    const x1 = xOf(p.source);
    const x2 = xOf(p.destination);
    shapes.push({ kind: 'text', x: 14, y: y - 4, text: String(p.no), anchor: 'start', style: 'note' });
    shapes.push({ kind: 'text', x: LEFT - 10, y: y - 4, text: p.time.toFixed(6), anchor: 'end', style: 'note' });
    if (x1 === x2) {
      // to itself (loopback): a short stub with the label beside it
      shapes.push({ kind: 'line', x1, y1: y, x2: x1 + 30, y2: y, style: 'packet' });
      shapes.push({ kind: 'text', x: x1 + 34, y: y - 7, text: labels[i], anchor: 'start', style: 'label' });
    } else {
      shapes.push({ kind: 'line', x1, y1: y, x2, y2: y, style: 'packet' });
      shapes.push({ kind: 'text', x: (x1 + x2) / 2, y: y - 7, text: labels[i], anchor: 'middle', style: 'label' });
    }
    const note = p.tcp ? `${p.tcp.srcPort} → ${p.tcp.dstPort}` : clip(p.protocol, 12);
    shapes.push({ kind: 'text', x: comment, y: y - 4, text: note, anchor: 'start', style: 'note' });
  });
  return fit(opts.title ?? `Ladder diagram of ${packets.length} packets`, shapes);
}
