/**
 * The plain-text report of a pattern match: a verdict, the first divergence in words, then the
 * alignment as a table — expected line on the left, the packet(s) it took on the right as
 * Wireshark lists them (No., Source → Destination, Info). No colour; markers in the first column:
 *
 *   (blank) matched   X expected, not found   + unexpected packet   - ignored (ignore: …)   >> first divergence
 */
import type { DecodedPacket } from '../types.js';
import type { Pattern } from './types.js';
import type { Alignment, AlignStep } from './match.js';
import { closest } from './explain.js';
import type { EndpointResolver } from './pred.js';

interface Row {
  mark: string;
  item: string;
  packet: string;
}

const INFO_MAX = 110;
const GROUP_SHOWN = 3;

const clip = (s: string, w: number): string => (s.length > w ? s.slice(0, w - 1) + '…' : s);
const pkt = (p: DecodedPacket): string => `${String(p.no).padStart(5)}  ${p.source} → ${p.destination}  ${clip(p.info, INFO_MAX)}`;
const label = (pattern: Pattern, i: number, w: number): string => `${String(i + 1).padStart(3)}  ${clip(pattern.items[i].text, w - 5)}`;

function rows(pattern: Pattern, packets: readonly DecodedPacket[], steps: AlignStep[], w: number): Row[] {
  const out: Row[] = [];
  let shown = -1; // item whose label has been printed
  let took = 0;
  // Runs of rows of one group (an item's packets, ignored packets, unexpected packets) are cut
  // after GROUP_SHOWN rows; the rest is counted, not formatted (captures can be large).
  let group = '';
  let run = 0;
  let hidden = 0;
  const flush = (): void => {
    if (hidden) out.push({ mark: '', item: '', packet: `        … ${hidden} more packet${hidden === 1 ? '' : 's'} like these` });
    hidden = 0;
  };
  const push = (row: () => Row, g?: string): void => {
    if (g === undefined || g !== group) {
      flush();
      group = g ?? '';
      run = 0;
    }
    if (g !== undefined && ++run > GROUP_SHOWN) hidden++;
    else out.push(row());
  };
  for (const st of steps) {
    switch (st.kind) {
      case 'consume': {
        const first = shown !== st.item;
        push(() => ({ mark: '', item: first ? label(pattern, st.item, w) : '', packet: pkt(packets[st.packet]) }), `item${st.item}`);
        shown = st.item;
        took++;
        break;
      }
      case 'advance':
        if (shown !== st.item)
          push(() => ({ mark: '', item: label(pattern, st.item, w), packet: '        (none: optional or empty gap)' }));
        shown = -1;
        took = 0;
        break;
      case 'drop': {
        const some = took > 0;
        push(() => ({
          mark: 'X',
          item: label(pattern, st.item, w),
          packet: some ? '        (too few packets for this item)' : '        (not found)',
        }));
        shown = -1;
        took = 0;
        break;
      }
      case 'skip':
        push(() => ({ mark: '-', item: `     (ignored: ${st.reason})`, packet: pkt(packets[st.packet]) }), 'skip');
        break;
      case 'extra':
        push(() => ({ mark: '+', item: '     (unexpected)', packet: pkt(packets[st.packet]) }), 'extra');
        break;
    }
  }
  flush();
  return out;
}

/** The divergence sentence and the index of its step, or undefined when everything matched. */
function divergence(
  pattern: Pattern,
  packets: readonly DecodedPacket[],
  a: Alignment,
  r: EndpointResolver,
): { step: number; text: string } | undefined {
  const k = a.steps.findIndex((s) => s.kind === 'drop' || s.kind === 'extra');
  if (k < 0) return undefined;
  const st = a.steps[k];
  let lastNo = 0;
  for (let i = k - 1; i >= 0; i--) {
    const s = a.steps[i];
    if (s.kind === 'consume' || s.kind === 'skip' || s.kind === 'extra') {
      lastNo = packets[s.packet].no;
      break;
    }
  }
  const after = lastNo ? `after No. ${lastNo}` : 'at the start';
  if (st.kind === 'drop') {
    const item = pattern.items[st.item];
    let text = `expected item ${st.item + 1} \`${item.text}\` was not found ${after}`;
    const from = packets.findIndex((p) => p.no > lastNo);
    if (item.spec && from >= 0) {
      const cands = Array.from({ length: Math.min(50, packets.length - from) }, (_, i) => from + i);
      const c = closest(packets, cands, item.spec, r);
      if (c) text += `; closest: No. ${packets[c.index].no} (${c.reasons.join('; ') || 'it matches, but an earlier item needs it'})`;
    }
    return { step: k, text };
  }
  if (st.kind !== 'extra') return undefined;
  const p = packets[st.packet];
  const want = st.item === undefined ? 'the end of the expected sequence' : `item ${st.item + 1} \`${pattern.items[st.item].text}\``;
  return { step: k, text: `packet No. ${p.no} (${p.source} → ${p.destination} ${p.info}) is not expected ${after}; expected ${want}` };
}

/** Renders the report for an alignment computed by `align`. */
export function renderReport(pattern: Pattern, packets: readonly DecodedPacket[], a: Alignment, r: EndpointResolver): string {
  const lines: string[] = [];
  const w = Math.min(64, Math.max(30, ...pattern.items.map((it) => it.text.length + 5)));
  const extra = a.unexpected ? `; ${a.unexpected} unexpected packet${a.unexpected === 1 ? '' : 's'}` : '';
  lines.push(
    a.ok
      ? `packet pattern matched: all ${a.totalItems} expected items in ${packets.length} packets`
      : `packet pattern FAILED: ${a.matchedItems} of ${a.totalItems} expected items matched${extra}`,
  );
  if (pattern.ignore.length) lines.push(`ignoring: ${pattern.ignore.join(', ')}`);
  const div = divergence(pattern, packets, a, r);
  if (div) lines.push(`first divergence: ${div.text}`);
  const table = rows(pattern, packets, a.steps.slice(0, div?.step), w);
  const rest = div ? rows(pattern, packets, a.steps.slice(div.step), w) : [];
  if (rest[0]) rest[0] = { ...rest[0], mark: '>>' };
  const all = [...table, ...rest];
  lines.push('', `${'     #  expected'.padEnd(w + 6)}No.  Source → Destination  Info`);
  for (const row of all) lines.push(`${row.mark.padEnd(2)} ${row.item.padEnd(w)} ${row.packet}`.trimEnd());
  lines.push('', 'legend: X expected but not found · + unexpected packet · - ignored · >> first divergence');
  return lines.join('\n');
}
