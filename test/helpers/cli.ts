import { execa } from 'execa';
import { join } from 'node:path';

export const BIN = join(process.cwd(), 'bin', 'wirelab.js');

/** Runs the built CLI (dist/) as a user would; never throws on a non-zero exit. */
export function wirelab(args: string[], opts: { cwd?: string; env?: Record<string, string>; timeout?: number } = {}) {
  return execa(process.execPath, [BIN, ...args], {
    cwd: opts.cwd,
    env: { NO_COLOR: '1', ...opts.env },
    reject: false,
    timeout: opts.timeout ?? 60_000,
    stdin: 'ignore',
  });
}
