/**
 * Opening a file a student handed in without trusting it: it must be a regular file, and when it
 * lies in a confining folder (the submission's), it must not lead out of it through a link (a
 * link that stays inside is fine). A FIFO or device is refused before it is opened (opening a
 * FIFO blocks until a writer comes), and the open itself is non-blocking and does not follow a
 * last link, so what is read is what was checked.
 */
import { constants, type Stats } from 'node:fs';
import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';

/** A file refused by `openConfined`, with the reason a user can act on. */
export class UnsafeFileError extends Error {}

function inside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
}

function kind(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isDirectory()) return 'a folder';
  return 'not a regular file';
}

/**
 * Opens `file` for reading. With `root`, a file whose path lies under `root` must also resolve
 * (through every link) to a place under `root`'s real path. Throws UnsafeFileError for a link
 * out, a file that is not regular, or one that cannot be opened (the message names it, never its
 * content).
 */
export async function openConfined(file: string, root?: string): Promise<{ handle: FileHandle; real: string }> {
  const path = resolve(file);
  let real: string;
  try {
    real = await realpath(path);
  } catch (e) {
    throw new UnsafeFileError(`${file} cannot be opened: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (root !== undefined && inside(resolve(root), path)) {
    const realRoot = await realpath(root).catch(() => resolve(root));
    if (!inside(realRoot, real))
      throw new UnsafeFileError(`${file} is a link out of the submission's folder (it leads to ${real}); hand in the file itself`);
  }
  const st = await stat(real).catch(() => undefined);
  if (!st) throw new UnsafeFileError(`${file} cannot be opened`);
  if (!st.isFile()) throw new UnsafeFileError(`${file} is ${kind(st)}, not a regular file`);
  let handle: FileHandle;
  try {
    handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (e) {
    throw new UnsafeFileError(`${file} cannot be opened: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const now = await handle.stat();
  // swapped between the check and the open: refuse rather than read something else
  if (!now.isFile() || now.ino !== st.ino || now.dev !== st.dev) {
    await handle.close();
    throw new UnsafeFileError(`${file} changed while it was opened (${relative(resolve(root ?? '/'), real)})`);
  }
  return { handle, real };
}
