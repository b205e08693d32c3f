/**
 * Fills in the packet rows' details (layers, hex dump) of a report model from the capture files
 * the run folder keeps beside run.json (the record names them). A file that is gone leaves its
 * rows without details; the report still lists them.
 */
import { join } from 'node:path';
import { decodeDetails } from '../packets/details/file.js';
import type { ReportModel, SectionView } from './model.js';

/** At most this many packets of a capture open into their details (the rest are listed only). */
export const DETAILS_LIMIT = 2000;

function* captures(sections: readonly SectionView[]): Generator<NonNullable<SectionView['capture']>> {
  for (const s of sections) {
    if (s.capture) yield s.capture;
    yield* captures(s.children);
  }
}

export async function attachPacketDetails(model: ReportModel, runDir: string): Promise<void> {
  for (const c of captures(model.sections)) {
    if (c.rows.length === 0) continue;
    let details;
    try {
      details = await decodeDetails(join(runDir, c.file), Math.min(c.rows.length, DETAILS_LIMIT));
    } catch {
      continue; // the capture file is not in the run folder (copied run.json alone)
    }
    // the file and the record agree packet by packet, else the file is not the one recorded
    for (const [i, row] of c.rows.entries())
      if (details[i] && details[i].layers[0].title.startsWith(`Frame ${row.no}:`)) row.details = details[i];
  }
}
