import { rename, rm, writeFile } from 'node:fs/promises';

/**
 * Writes a file so that readers never see half of it: a temporary file beside it (named for
 * this process and unique within it, so concurrent writers of one path do not share it), then
 * a rename over the target. The temporary file is removed when the write fails.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
