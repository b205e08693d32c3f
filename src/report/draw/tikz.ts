/**
 * The TikZ emitter of a drawing: a `tikzpicture` in points with y pointing down (`y=-1pt`), so the
 * coordinates are the layout's own; labels are LaTeX-escaped text nodes (selectable in the PDF).
 * Needs only `tikz` (texlive-pictures) and `xcolor`.
 */
import { texEscape } from '../escape-tex.js';
import { FONT, type BoxStyle, type Drawing, type LineStyle, type TextStyle } from './shapes.js';

const rgb = (hex: string) => {
  const v = parseInt(hex.slice(1), 16);
  return `{rgb,255:red,${v >> 16};green,${(v >> 8) & 255};blue,${v & 255}}`;
};
/** The same colours as the SVG emitter, as TikZ options. */
const BOX: Record<BoxStyle, string> = {
  host: `fill=${rgb('#e8f0fe')},draw=${rgb('#1a56c4')},rounded corners=3pt`,
  router: `fill=${rgb('#fef3d9')},draw=${rgb('#a35c00')},rounded corners=3pt`,
  silent: `fill=${rgb('#f1f1f1')},draw=${rgb('#6b6b6b')},dash pattern=on 3pt off 2pt,rounded corners=3pt`,
  lan: `fill=${rgb('#4a4f57')},draw=${rgb('#4a4f57')}`,
  endpoint: `fill=${rgb('#e8f0fe')},draw=${rgb('#1a56c4')},rounded corners=2pt`,
  handshake: `fill=${rgb('#e3f4e6')}`,
  data: `fill=${rgb('#eef2fb')}`,
  teardown: `fill=${rgb('#fbe9e7')}`,
  other: `fill=${rgb('#f5f5f5')}`,
};
const LINE: Record<LineStyle, string> = {
  link: `draw=${rgb('#333333')},line width=1.2pt`,
  lifeline: `draw=${rgb('#8a8a8a')},line width=0.8pt,dash pattern=on 4pt off 3pt`,
  packet: `draw=${rgb('#222222')},line width=0.8pt,-latex`,
  fold: `draw=${rgb('#8a8a8a')},line width=0.8pt,dash pattern=on 1pt off 2pt`,
};
const TEXT: Record<TextStyle, { color: string; font: string }> = {
  name: { color: '#111111', font: '\\bfseries' },
  label: { color: '#222222', font: '' },
  note: { color: '#555555', font: '' },
  warn: { color: '#b3261e', font: '' },
  band: { color: '#444444', font: '\\itshape' },
};
const ANCHOR = { start: 'west', middle: 'center', end: 'east' } as const;

const n = (v: number) => String(Math.round(v * 100) / 100);

/** The drawing as a `tikzpicture` environment. */
export function toTikz(d: Drawing): string {
  const out = [`\\begin{tikzpicture}[x=1pt,y=-1pt,inner sep=0pt,outer sep=0pt]`];
  out.push(`\\path[use as bounding box] (0,0) rectangle (${n(d.width)},${n(d.height)});`);
  for (const s of d.shapes) {
    if (s.kind === 'box') out.push(`\\path[${BOX[s.style]}] (${n(s.x)},${n(s.y)}) rectangle (${n(s.x + s.w)},${n(s.y + s.h)});`);
    else if (s.kind === 'line') out.push(`\\path[${LINE[s.style]}] (${n(s.x1)},${n(s.y1)}) -- (${n(s.x2)},${n(s.y2)});`);
    else {
      const t = TEXT[s.style];
      const size = FONT[s.style];
      // no break points: a label is one line, already clipped by the layout
      const text = texEscape(s.text, { breakLongTokens: 0 });
      out.push(
        `\\node[anchor=${ANCHOR[s.anchor]},text=${rgb(t.color)},font=\\ttfamily\\frenchspacing${t.font}\\fontsize{${size}}{${n(size * 1.2)}}\\selectfont] at (${n(s.x)},${n(s.y)}) {${text}};`,
      );
    }
  }
  out.push('\\end{tikzpicture}');
  return `${out.join('\n')}\n`;
}
