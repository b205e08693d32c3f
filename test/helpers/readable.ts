import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/**
 * `dir` when every user can read it, else a copy that every user can read (the checkout may be
 * private, e.g. a clone in a 0700 temp dir). Graded student code runs as an unprivileged user,
 * and `wirelab grade` refuses submissions that user cannot read. The copy lives in a new temp
 * folder whose path is returned as `cleanup` (undefined when no copy was made).
 */
export function readableByAll(dir: string): { path: string; cleanup?: string } {
  const probe = spawnSync('runuser', ['-u', 'nobody', '--', 'find', dir, '!', '-readable', '-print', '-quit'], {
    encoding: 'utf8',
    cwd: '/',
  });
  if (probe.status === 0 && probe.stdout === '') return { path: dir };
  const base = mkdtempSync(join(tmpdir(), 'wirelab-fixtures-'));
  const path = join(base, basename(dir));
  cpSync(dir, path, { recursive: true });
  spawnSync('chmod', ['-R', 'a+rX', base]);
  return { path, cleanup: base };
}
