/** Whole-capture rendering through the byte writer: what `wirelab decode FILE` prints. */
import { decodeBytesText, type DecodeSummary } from '../file/decode-file.js';
import { TsharkLineWriter } from './line-writer.js';

/**
 * The text `tshark -r` prints for a capture held in memory (lines joined by '\n', with a
 * trailing newline when there is any packet), written by TsharkLineWriter. Never throws.
 */
export function renderTsharkText(bytes: Uint8Array): { text: string; summary: DecodeSummary } {
  const parts: Buffer[] = [];
  const w = new TsharkLineWriter((b) => parts.push(Buffer.from(b)), 1 << 16);
  const summary = decodeBytesText(bytes, (p, tcp) => w.line(p, 9, tcp));
  w.flush();
  return { text: Buffer.concat(parts).toString('utf8'), summary };
}
