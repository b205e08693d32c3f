/**
 * Drawings of a run record for every report format: the lab network and ladder diagrams of
 * captures, each as one renderer-neutral layout (`drawing`) emitted as SVG and as TikZ.
 *
 *   topologyDrawing(record)            → { drawing, svg, tikz } | null (no topology in the run)
 *   ladderDrawing(packets, { names })  → { drawing, svg, tikz }
 *   hostNames(record)                  → address → host name, for a ladder's lifelines
 */
import type { PacketRow, RunRecord } from '../../generated/run-record.js';
import { layoutLadder, type LadderOptions } from './ladder.js';
import type { Drawing } from './shapes.js';
import { toSvg } from './svg.js';
import { toTikz } from './tikz.js';
import { layoutTopology } from './topology.js';

export type { Drawing, Shape } from './shapes.js';
export type { LadderOptions } from './ladder.js';
export { toSvg, xmlEscape } from './svg.js';
export { toTikz } from './tikz.js';

export interface Rendered {
  drawing: Drawing;
  /** A standalone SVG document (also fine inline in HTML). */
  svg: string;
  /** A `tikzpicture` environment (needs `\usepackage{tikz}`). */
  tikz: string;
}

const render = (drawing: Drawing): Rendered => ({ drawing, svg: toSvg(drawing), tikz: toTikz(drawing) });

/** The lab network of a run, or null when the run had no topology. */
export function topologyDrawing(record: Pick<RunRecord, 'topology'>): Rendered | null {
  return record.topology ? render(layoutTopology(record.topology)) : null;
}

/** A ladder diagram of captured packets (the run record's `capture.packets`). */
export function ladderDrawing(packets: readonly PacketRow[], opts: LadderOptions = {}): Rendered {
  return render(layoutLadder(packets, opts));
}

/** The topology's host of each address (without prefix length), for naming lifelines. */
export function hostNames(record: Pick<RunRecord, 'topology'>): Map<string, string> {
  const out = new Map<string, string>();
  for (const h of record.topology?.hosts ?? []) for (const a of h.addresses) out.set(a, h.name);
  return out;
}
