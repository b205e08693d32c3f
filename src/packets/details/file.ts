/** The details (layers, hex dump) of the packets of a capture file, in file order. */
import { readCaptureFile } from '../file/reader.js';
import { Summarizer } from '../summary/summary.js';
import { hexDump, packetLayers, type PacketDetails } from './details.js';

/**
 * Details of the first `limit` packets of `path` (decoded as the capture step decodes them, so
 * packet N here is row N of the run record). Rejects only when the file cannot be opened; a
 * damaged file gives the packets before the damage.
 */
export async function decodeDetails(path: string, limit = Infinity): Promise<PacketDetails[]> {
  const sum = new Summarizer();
  const out: PacketDetails[] = [];
  await readCaptureFile(path, (frame) => {
    if (out.length >= limit) return;
    const p = sum.add(frame);
    out.push({ layers: packetLayers(frame, p), hex: hexDump(frame.data) });
  });
  return out;
}
