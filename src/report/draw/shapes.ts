/**
 * The renderer-neutral drawing: boxes, lines and labels in points (y grows downwards), the one
 * layout that the SVG and TikZ emitters both draw. Styles are names, each emitter maps them to
 * its own colours and strokes, so the two outputs cannot drift apart in geometry.
 */

/** Box styles: a host, a router, a silent router (sends no ICMP), a LAN's bar, a ladder's endpoint, a ladder's band. */
export type BoxStyle = 'host' | 'router' | 'silent' | 'lan' | 'endpoint' | 'handshake' | 'data' | 'teardown' | 'other';
/** Line styles: a link between hosts, a ladder's lifeline, a packet (with an arrow head), a fold mark. */
export type LineStyle = 'link' | 'lifeline' | 'packet' | 'fold';
/** Text styles: a box's name (bold), a label, a small note, a warning (firewall), a band's title. */
export type TextStyle = 'name' | 'label' | 'note' | 'warn' | 'band';

export type Shape =
  | { kind: 'box'; x: number; y: number; w: number; h: number; style: BoxStyle }
  | { kind: 'line'; x1: number; y1: number; x2: number; y2: number; style: LineStyle }
  /** Text centred vertically on y; `anchor` is where x is: the text's start, middle or end. */
  | { kind: 'text'; x: number; y: number; text: string; anchor: 'start' | 'middle' | 'end'; style: TextStyle };

export interface Drawing {
  /** What the drawing shows, for alt text and the SVG's <title>. */
  title: string;
  width: number;
  height: number;
  shapes: Shape[];
}

/** Font size of each text style in points; every label is monospaced so its width is known. */
export const FONT: Record<TextStyle, number> = { name: 8, label: 7, note: 6.5, warn: 6.5, band: 6.5 };
/** Width of one character of a monospaced font, in ems. */
const CHAR_EM = 0.6;

/** The width a text of this style takes (monospaced: characters × 0.6 em). */
export function textWidth(text: string, style: TextStyle): number {
  return [...text].length * CHAR_EM * FONT[style];
}

/** Labels longer than this many characters are cut with "…" (a hostile 10,000-character name stays one line). */
export const MAX_LABEL = 64;

/** A label cut to `max` characters (code points), ending in "…" when cut. */
export function clip(text: string, max = MAX_LABEL): string {
  const chars = [...text.replace(/\s+/g, ' ')];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

/** Shifts every shape so the drawing starts at (margin, margin), and sets its size from what it holds. */
export function fit(title: string, shapes: Shape[], margin = 6): Drawing {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  const take = (ax: number, ay: number, bx: number, by: number) => {
    x0 = Math.min(x0, ax);
    y0 = Math.min(y0, ay);
    x1 = Math.max(x1, bx);
    y1 = Math.max(y1, by);
  };
  for (const s of shapes) {
    if (s.kind === 'box') take(s.x, s.y, s.x + s.w, s.y + s.h);
    else if (s.kind === 'line') take(Math.min(s.x1, s.x2), Math.min(s.y1, s.y2), Math.max(s.x1, s.x2), Math.max(s.y1, s.y2));
    else {
      const w = textWidth(s.text, s.style);
      const left = s.anchor === 'start' ? s.x : s.anchor === 'middle' ? s.x - w / 2 : s.x - w;
      take(left, s.y - FONT[s.style] / 2, left + w, s.y + FONT[s.style] / 2);
    }
  }
  if (!shapes.length) x0 = y0 = x1 = y1 = 0;
  const dx = margin - x0;
  const dy = margin - y0;
  const r = (n: number) => Math.round(n * 100) / 100;
  const moved = shapes.map((s): Shape => {
    if (s.kind === 'box') return { ...s, x: r(s.x + dx), y: r(s.y + dy), w: r(s.w), h: r(s.h) };
    if (s.kind === 'line') return { ...s, x1: r(s.x1 + dx), y1: r(s.y1 + dy), x2: r(s.x2 + dx), y2: r(s.y2 + dy) };
    return { ...s, x: r(s.x + dx), y: r(s.y + dy) };
  });
  return { title, width: r(x1 - x0 + 2 * margin), height: r(y1 - y0 + 2 * margin), shapes: moved };
}
