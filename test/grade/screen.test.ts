// The screen a submission folder passes before anything of it runs (src/grade/screen.ts).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { itRoot } from '../helpers/root.js';
import { screenSubmission } from '../../src/grade/screen.js';

const base = mkdtempSync(join(tmpdir(), 'wlt12-screen-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
/** A fresh submission folder with a regular file, changed by `setup`. */
function sub(setup: (d: string) => void): string {
  const d = join(base, `s${n++}`);
  mkdirSync(join(d, 'src'), { recursive: true });
  writeFileSync(join(d, 'src', 'server.py'), 'print(1)\n');
  setup(d);
  return d;
}
const reader = { uid: 65534, gid: 65534, name: 'nobody' };

describe('screening a submission', () => {
  it('passes plain files and links that stay inside, also by an absolute path or a dangling one', async () => {
    const d = sub((d) => {
      symlinkSync('src/server.py', join(d, 'a'));
      symlinkSync(join(d, 'src'), join(d, 'b'));
      symlinkSync('a', join(d, 'c')); // a chain inside
      symlinkSync('missing.txt', join(d, 'dangling'));
    });
    expect(await screenSubmission(d)).toBeUndefined();
  });

  it('refuses a link out, directly or through a chain, and names the first one found', async () => {
    expect(await screenSubmission(sub((d) => symlinkSync('/etc/hostname', join(d, 'src', 'x'))))).toBe(
      'src/x is a link out of the submission (-> /etc/hostname)',
    );
    const chain = sub((d) => {
      symlinkSync('..', join(d, 'up'));
      symlinkSync('up/../etc', join(d, 'through'));
    });
    expect(await screenSubmission(chain)).toMatch(/^up is a link out of the submission \(-> \.\.\)$/);
    const hop = sub((d) => {
      symlinkSync('/tmp', join(d, 'src', 'out'));
      symlinkSync('src/out', join(d, 'inner')); // lexically inside, really outside
    });
    expect(await screenSubmission(hop)).toMatch(/is a link out of the submission/);
  });

  it('refuses FIFOs and sockets', async () => {
    expect(await screenSubmission(sub((d) => execFileSync('mkfifo', [join(d, 'src', 'p')])))).toBe(
      'src/p is a FIFO (named pipe), not a regular file',
    );
  });

  itRoot('with a sandbox user: refuses what it cannot read or enter', async () => {
    const file = sub((d) => chmodSync(join(d, 'src', 'server.py'), 0o600));
    execFileSync('chmod', ['-R', 'o+rX', base]);
    chmodSync(join(file, 'src', 'server.py'), 0o600);
    expect(await screenSubmission(file)).toBeUndefined(); // without the sandbox: root reads it
    expect(await screenSubmission(file, reader)).toBe(
      'src/server.py cannot be read by the sandbox user nobody (mode 0600); fix: chmod o+r it',
    );
    const dir = sub((d) => chmodSync(join(d, 'src'), 0o700));
    chmodSync(join(dir, 'src'), 0o700);
    expect(await screenSubmission(dir, reader)).toBe('src/ cannot be read by the sandbox user nobody (mode 0700); fix: chmod o+rx it');
  });

  it('refuses a folder that is a link, and a missing one', async () => {
    const d = sub(() => {});
    symlinkSync(d, join(base, 'alias'));
    expect(await screenSubmission(join(base, 'alias'))).toMatch(/^the submission folder is a symbolic link \(-> .*s\d+\)/);
    expect(await screenSubmission(join(base, 'nope'))).toBe('its folder cannot be read: ENOENT');
  });
});
