/**
 * A submission is data: before anything runs, its folder is walked (links are not followed) and
 * anything that could reach outside it or hold a job up makes that one submission "not gradable"
 * with the reason in its feedback, while the class goes on. What is refused: a link whose target
 * is outside the submission's folder, a FIFO, a socket or a device, a file or folder the sandbox
 * user cannot read (or enter), and more than MAX_ENTRIES entries. A link inside the folder is fine.
 */
import { lstat, readdir, readlink, realpath } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Entries walked at most per submission (files, folders, links). */
export const MAX_ENTRIES = 20_000;

/** Who must be able to read the submission: the sandbox user's uid and gid. */
export interface Reader {
  uid: number;
  gid: number;
  name: string;
}

function inside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
}

function kindOf(st: Stats): string | undefined {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return undefined;
}

/** Whether `reader` may read (and, for a folder, enter) an entry, by its mode bits. */
function readable(st: Stats, reader: Reader): boolean {
  const need = st.isDirectory() ? 5 : 4; // r-x for folders, r-- for files
  const bits = st.uid === reader.uid ? (st.mode >> 6) & 7 : st.gid === reader.gid ? (st.mode >> 3) & 7 : st.mode & 7;
  return (bits & need) === need;
}

/**
 * Why the submission in `dir` cannot be graded, or undefined when it can. `reader`: the sandbox
 * user (absent without the sandbox: readability is not checked). Reads only metadata.
 */
export async function screenSubmission(dir: string, reader?: Reader): Promise<string | undefined> {
  if (/[\n\r]/.test(dir)) return 'its folder name holds a line break; rename the folder';
  let top: Stats;
  try {
    top = await lstat(dir);
  } catch (e) {
    return `its folder cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  }
  if (top.isSymbolicLink()) {
    const target = await readlink(dir).catch(() => '?');
    return `the submission folder is a symbolic link (-> ${target}); put the files themselves in the submissions folder`;
  }
  if (!top.isDirectory()) return 'it is not a folder';
  const root = await realpath(dir);
  const show = (p: string) => relative(dir, p) || '.';
  const todo = [dir];
  let seen = 0;
  while (todo.length) {
    const d = todo.pop()!;
    let names: string[];
    try {
      names = await readdir(d);
    } catch (e) {
      return `${show(d)} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
    }
    const dst = await lstat(d);
    if (reader && !readable(dst, reader))
      return `${show(d)}/ cannot be read by the sandbox user ${reader.name} (mode ${(dst.mode & 0o777).toString(8).padStart(4, '0')}); fix: chmod o+rx it`;
    for (const name of names) {
      if (++seen > MAX_ENTRIES) return `it holds more than ${MAX_ENTRIES} files and folders`;
      const p = join(d, name);
      const st = await lstat(p);
      const odd = kindOf(st);
      if (odd) return `${show(p)} is ${odd}, not a regular file`;
      if (st.isSymbolicLink()) {
        const target = await readlink(p);
        const lexical = resolve(dirname(p), target);
        // where it really leads (through other links); a dangling link leads nowhere outside
        const real = await realpath(p).catch(() => undefined);
        if (!inside(resolve(dir), lexical) && !inside(root, lexical)) return `${show(p)} is a link out of the submission (-> ${target})`;
        if (real !== undefined && !inside(root, real))
          return `${show(p)} is a link out of the submission (-> ${target}, which leads to ${real})`;
        continue;
      }
      if (st.isDirectory()) todo.push(p);
      else if (reader && !readable(st, reader))
        return `${show(p)} cannot be read by the sandbox user ${reader.name} (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}); fix: chmod o+r it`;
    }
  }
  return undefined;
}
