import { UsageError } from '../errors.js';
import { loadScenario, type LoadResult } from './load.js';
import type { VariantOptions } from './variables.js';

/** loadScenario for the CLI: an unreadable file is a usage error (exit 2), not a crash. */
export async function readScenario(file: string, opts: VariantOptions = {}): Promise<LoadResult> {
  try {
    return await loadScenario(file, opts);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (typeof err.code === 'string' && err.syscall) {
      throw new UsageError(
        `cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a folder' : err.message}`,
      );
    }
    throw e;
  }
}
