/**
 * `wirelab decode FILE [--json] [--two-pass]`: prints a capture the way `tshark -r FILE`
 * (or `tshark -2 -r FILE`) does, or one JSON object per packet.
 *
 * Exit codes: 0 the whole file was read; 1 the file is truncated or corrupt part-way (the
 * packets before the damage are printed, the problem goes to stderr); 2 the file cannot be
 * opened or is not a pcap/pcapng file at all.
 */
import { once } from 'node:events';
import type { Command } from 'commander';
import { withExit } from './exit.js';
import { ExitCode, UsageError } from '../errors.js';
import {
  decodeEach,
  decodeEachText,
  decodeFile,
  formatTsharkLine,
  TsharkLineWriter,
  type DecodedPacket,
  type DecodeSummary,
} from '../packets/index.js';

interface DecodeOptions {
  json?: boolean;
  twoPass?: boolean;
}

function render(p: DecodedPacket, json: boolean): string {
  if (!json) return formatTsharkLine(p);
  const { payload: _payload, timeDigits: _digits, ...rest } = p;
  return JSON.stringify(rest);
}

async function write(text: string | Uint8Array): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

/** Writes and waits until the bytes are handed to the OS, so the buffer can be reused. */
function writeFully(bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(bytes, (err) => (err ? reject(err) : resolve()));
  });
}

/** Accumulates UTF-8 lines in a Buffer; `flush` writes them to stdout with backpressure. */
class OutBuffer {
  private buf = Buffer.allocUnsafe(1 << 22);
  private used = 0;
  private full: Buffer[] = [];

  private room(bytes: number): void {
    if (this.used + bytes > this.buf.length) {
      this.full.push(this.buf.subarray(0, this.used));
      this.buf = Buffer.allocUnsafe(Math.max(1 << 22, bytes));
      this.used = 0;
    }
  }

  line(text: string): void {
    this.room(text.length * 3 + 1);
    this.used += this.buf.write(text, this.used, 'utf8');
    this.buf[this.used++] = 10;
  }

  async flush(): Promise<void> {
    for (const b of this.full) await write(b);
    this.full = [];
    if (this.used === 0) return;
    const chunk = this.buf.subarray(0, this.used);
    this.used = 0;
    await writeFully(chunk); // then the same buffer takes the next lines
  }
}

/** Streams JSON lines, encoded into a byte buffer at once (no string outlives its packet). */
async function decodeJsonLines(file: string): Promise<DecodeSummary> {
  const out = new OutBuffer();
  const summary = await decodeEach(
    file,
    (p) => out.line(render(p, true)),
    { payload: false, fields: true },
    () => out.flush(),
  );
  await out.flush();
  return summary;
}

/** Streams tshark lines written straight into byte buffers (no per-packet line string). */
async function decodeTextLines(file: string): Promise<DecodeSummary> {
  const ready: Uint8Array[] = [];
  const lines = new TsharkLineWriter((bytes) => ready.push(bytes), 1 << 20, true);
  const drain = async (): Promise<void> => {
    for (let i = 0; i < ready.length; i++) await write(ready[i]);
    ready.length = 0;
  };
  const summary = await decodeEachText(file, (p, tcp) => lines.line(p, 9, tcp), drain);
  lines.flush();
  await drain();
  return summary;
}

/** Runs the command; returns the exit code. */
export async function runDecode(file: string, opts: DecodeOptions): Promise<number> {
  const json = opts.json === true;
  let summary: DecodeSummary | undefined;
  try {
    if (opts.twoPass) {
      const res = await decodeFile(file, { twoPass: true, payload: false });
      let out = '';
      for (const p of res.packets) {
        out += render(p, json) + '\n';
        if (out.length > 1 << 20) {
          await write(out);
          out = '';
        }
      }
      if (out) await write(out);
      summary = res;
    } else {
      summary = json ? await decodeJsonLines(file) : await decodeTextLines(file);
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // The reader went away (`wirelab decode F | head`): stop quietly, like tshark.
    if (e.code === 'EPIPE') return ExitCode.ok;
    throw new UsageError(`cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`, 'unreadable-capture');
  }
  const problem = summary?.problem;
  if (!problem) return ExitCode.ok;
  if (!summary?.format || (summary.count === 0 && problem.frame <= 1 && problem.offset === 0)) {
    throw new UsageError(`${file} is not a readable capture: ${problem.message}`, 'bad-capture');
  }
  process.stderr.write(`wirelab: ${file}: stopped at byte ${problem.offset} (frame ${problem.frame}): ${problem.message}\n`);
  return ExitCode.checksFailed;
}

export function register(program: Command): void {
  program
    .command('decode')
    .description('print a pcap/pcapng capture as tshark -r does (Wireshark 4.0 packet list)')
    .argument('<file>', 'capture file (pcap or pcapng)')
    .option('--json', 'one JSON object per packet instead of text lines')
    .option('--two-pass', 'match tshark -2 (forward references such as "(reply in N)")')
    .action(withExit(async (file: string, opts: DecodeOptions) => runDecode(file, opts)));
}
