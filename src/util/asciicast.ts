/**
 * Session recordings as asciicast v2 (what asciinema plays): a header line of JSON, then one
 * `[seconds, "o" | "i", data]` line per event. `wirelab shell` records through `script`
 * (util-linux) and converts its advanced timing log here; `wirelab exec` records its pipes.
 */
import { StringDecoder } from 'node:string_decoder';

export interface CastHeader {
  version: 2;
  width: number;
  height: number;
  timestamp: number;
  command?: string;
  title?: string;
  env?: Record<string, string>;
}

export type CastEvent = [number, 'o' | 'i', string];

export function castText(header: CastHeader, events: CastEvent[]): string {
  return [JSON.stringify(header), ...events.map((e) => JSON.stringify([Math.round(e[0] * 1e6) / 1e6, e[1], e[2]]))].join('\n') + '\n';
}

/** Parses an asciicast v2 text; throws with the line number on anything malformed. */
export function parseCast(text: string): { header: CastHeader; events: CastEvent[] } {
  const lines = text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
  const header = JSON.parse(lines[0] ?? '') as CastHeader;
  if (header.version !== 2 || !Number.isInteger(header.width) || !Number.isInteger(header.height))
    throw new Error('line 1: not an asciicast v2 header (version 2, width, height)');
  let last = 0;
  const events = lines.slice(1).map((l, i) => {
    const e = JSON.parse(l) as unknown;
    if (!Array.isArray(e) || e.length !== 3 || typeof e[0] !== 'number' || (e[1] !== 'o' && e[1] !== 'i') || typeof e[2] !== 'string')
      throw new Error(`line ${i + 2}: not an event [time, "o"|"i", data]`);
    if (e[0] < last) throw new Error(`line ${i + 2}: time ${e[0]} goes back (previous ${last})`);
    last = e[0];
    return e as CastEvent;
  });
  return { header, events };
}

/**
 * Converts `script --log-io IO --log-timing TIMING` (advanced format: `I|O <delay> <bytes>`
 * lines, `H`/`S` lines for headers and signals) into events. The I/O log starts with
 * script's own "Script started …" line and ends with "Script done …"; the timing log says how
 * many bytes each event has, in order.
 */
export function castFromScript(io: Buffer, timing: string): CastEvent[] {
  let pos = io.indexOf(0x0a) + 1; // after "Script started on …\n"
  let t = 0;
  const decoders = { I: new StringDecoder('utf8'), O: new StringDecoder('utf8') };
  const events: CastEvent[] = [];
  for (const line of timing.split('\n')) {
    const m = /^([IO]) ([0-9.]+) ([0-9]+)$/.exec(line);
    if (!m) {
      const h = /^[HS] ([0-9.]+) /.exec(line);
      if (h) t += Number(h[1]);
      continue;
    }
    t += Number(m[2]);
    const n = Number(m[3]);
    const data = decoders[m[1] as 'I' | 'O'].write(io.subarray(pos, pos + n));
    pos += n;
    if (data) events.push([t, m[1] === 'I' ? 'i' : 'o', data]);
  }
  return events;
}

/** Records a stream's chunks as "o" events (newlines as a terminal shows them: CR LF). */
export class StreamRecorder {
  readonly events: CastEvent[] = [];
  private readonly t0 = process.hrtime.bigint();
  private readonly decoders = new Map<string, StringDecoder>();

  add(stream: string, chunk: Buffer): void {
    let d = this.decoders.get(stream);
    if (!d) this.decoders.set(stream, (d = new StringDecoder('utf8')));
    const text = d.write(chunk);
    if (text) this.events.push([Number(process.hrtime.bigint() - this.t0) / 1e9, 'o', text.replace(/\r?\n/g, '\r\n')]);
  }
}
