/** The SVG emitter of a drawing: standalone (an .svg file GitHub shows through <img>) and inline in HTML alike. */
import { FONT, type BoxStyle, type Drawing, type LineStyle, type TextStyle } from './shapes.js';

/** Fill and stroke of each box style (CSS colours). */
const BOX: Record<BoxStyle, { fill: string; stroke: string; dash?: string; rx: number }> = {
  host: { fill: '#e8f0fe', stroke: '#1a56c4', rx: 3 },
  router: { fill: '#fef3d9', stroke: '#a35c00', rx: 3 },
  silent: { fill: '#f1f1f1', stroke: '#6b6b6b', dash: '3 2', rx: 3 },
  lan: { fill: '#4a4f57', stroke: '#4a4f57', rx: 1 },
  endpoint: { fill: '#e8f0fe', stroke: '#1a56c4', rx: 2 },
  handshake: { fill: '#e3f4e6', stroke: 'none', rx: 0 },
  data: { fill: '#eef2fb', stroke: 'none', rx: 0 },
  teardown: { fill: '#fbe9e7', stroke: 'none', rx: 0 },
  other: { fill: '#f5f5f5', stroke: 'none', rx: 0 },
};
const LINE: Record<LineStyle, { stroke: string; width: number; dash?: string; arrow?: boolean }> = {
  link: { stroke: '#333333', width: 1.2 },
  lifeline: { stroke: '#8a8a8a', width: 0.8, dash: '4 3' },
  packet: { stroke: '#222222', width: 0.8, arrow: true },
  fold: { stroke: '#8a8a8a', width: 0.8, dash: '1 2' },
};
const TEXT: Record<TextStyle, { fill: string; weight?: string; italic?: boolean }> = {
  name: { fill: '#111111', weight: 'bold' },
  label: { fill: '#222222' },
  note: { fill: '#555555' },
  warn: { fill: '#b3261e' },
  band: { fill: '#444444', italic: true },
};

/** Characters XML 1.0 cannot hold at all (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF). */
const XML_ILLEGAL =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text for XML character data and attribute values: `& < > " '` escaped, illegal characters as U+XXXX. */
export function xmlEscape(text: string): string {
  return text
    .replace(XML_ILLEGAL, (c) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const n = (v: number) => String(Math.round(v * 100) / 100);

/**
 * The drawing as a standalone SVG document (UTF-8, no external references). `id` prefixes the ids
 * it defines (its arrow head), so several drawings inlined in one HTML page keep their ids unique.
 */
export function toSvg(d: Drawing, opts: { id?: string } = {}): string {
  const arrow = `${(opts.id ?? 'wl').replace(/[^A-Za-z0-9_-]/g, '_')}-arrow`;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n(d.width)}pt" height="${n(d.height)}pt" viewBox="0 0 ${n(d.width)} ${n(d.height)}" role="img" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace">`,
    `<title>${xmlEscape(d.title)}</title>`,
    `<defs><marker id="${arrow}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#222222"/></marker></defs>`,
    `<rect x="0" y="0" width="${n(d.width)}" height="${n(d.height)}" fill="#ffffff"/>`,
  ];
  for (const s of d.shapes) {
    if (s.kind === 'box') {
      const b = BOX[s.style];
      out.push(
        `<rect x="${n(s.x)}" y="${n(s.y)}" width="${n(s.w)}" height="${n(s.h)}" rx="${b.rx}" fill="${b.fill}" stroke="${b.stroke}"${b.dash ? ` stroke-dasharray="${b.dash}"` : ''}/>`,
      );
    } else if (s.kind === 'line') {
      const l = LINE[s.style];
      out.push(
        `<line x1="${n(s.x1)}" y1="${n(s.y1)}" x2="${n(s.x2)}" y2="${n(s.y2)}" stroke="${l.stroke}" stroke-width="${l.width}"${l.dash ? ` stroke-dasharray="${l.dash}"` : ''}${l.arrow ? ` marker-end="url(#${arrow})"` : ''}/>`,
      );
    } else {
      const t = TEXT[s.style];
      out.push(
        `<text x="${n(s.x)}" y="${n(s.y)}" font-size="${FONT[s.style]}" dominant-baseline="central" text-anchor="${s.anchor}" fill="${t.fill}"${t.weight ? ` font-weight="${t.weight}"` : ''}${t.italic ? ' font-style="italic"' : ''} xml:space="preserve">${xmlEscape(s.text)}</text>`,
      );
    }
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
