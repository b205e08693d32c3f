// How `inspect` opens a student's capture: a regular file, no link out of the submission's
// folder (src/util/safe-open.ts), checked before a byte is read.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openConfined, UnsafeFileError } from '../../src/util/safe-open.js';
import { wirelab } from '../helpers/cli.js';

const base = mkdtempSync(join(tmpdir(), 'wlt12-inspect-'));
const sub = join(base, 'alice');
const other = join(base, 'bob');
mkdirSync(join(sub, 'caps'), { recursive: true });
mkdirSync(other);
writeFileSync(join(sub, 'caps', 'real.pcap'), 'mine');
writeFileSync(join(other, 'echo.pcapng'), 'bobs');
symlinkSync('caps/real.pcap', join(sub, 'inside.pcap'));
symlinkSync('../bob/echo.pcapng', join(sub, 'classmate.pcap'));
symlinkSync('/etc/passwd', join(sub, 'passwd.pcap'));
symlinkSync(sub, join(base, 'via-link')); // a link to the folder itself is still the folder
execFileSync('mkfifo', [join(sub, 'fifo.pcap')]);
afterAll(() => rmSync(base, { recursive: true, force: true }));

const refused = (file: string, root?: string) =>
  openConfined(file, root).then(
    async (r) => (await r.handle.close(), 'opened'),
    (e: Error) => (e instanceof UnsafeFileError ? e.message : `other: ${e.message}`),
  );

describe('opening a file a student handed in', () => {
  it('opens a regular file and a link that stays inside the folder', async () => {
    for (const f of [join(sub, 'caps', 'real.pcap'), join(sub, 'inside.pcap'), join(base, 'via-link', 'inside.pcap')]) {
      const { handle } = await openConfined(f, sub);
      expect((await handle.readFile()).toString()).toBe('mine');
      await handle.close();
    }
  });

  it('refuses links out of the folder without reading them', async () => {
    expect(await refused(join(sub, 'classmate.pcap'), sub)).toMatch(
      /classmate\.pcap is a link out of the submission's folder \(it leads to .*bob\/echo\.pcapng\)/,
    );
    expect(await refused(join(sub, 'passwd.pcap'), sub)).toMatch(
      /passwd\.pcap is a link out of the submission's folder \(it leads to \/etc\/passwd\)/,
    );
    // outside any confining folder a link is followed (a scenario's own reference capture)
    expect(await refused(join(sub, 'classmate.pcap'))).toBe('opened');
  });

  it('refuses a FIFO (without blocking), a folder and a missing file', async () => {
    expect(await refused(join(sub, 'fifo.pcap'), sub)).toMatch(/fifo\.pcap is a FIFO \(named pipe\), not a regular file/);
    expect(await refused(join(sub, 'caps'), sub)).toMatch(/caps is a folder, not a regular file/);
    expect(await refused(join(sub, 'none.pcap'), sub)).toMatch(/none\.pcap cannot be opened: ENOENT/);
  });

  it('an inspect step reports the refusal as its check, and nothing of the file', async () => {
    const scen = join(base, 'inspect.yaml');
    const steps = ['passwd', 'fifo', 'inside'].map(
      (n) => `  - inspect: { file: "{{submission}}/${n}.pcap", expect: { packets: ["..."] } }\n    name: ${n}\n`,
    );
    writeFileSync(scen, `name: inspect-files\nsteps:\n${steps.join('')}`);
    const r = await wirelab(['run', scen, '--var', `submission=${sub}`, '--out', join(base, 'run'), '--json'], { timeout: 30_000 });
    expect(r.exitCode, r.stderr).toBe(1);
    const record = readFileSync(join(base, 'run', 'run.json'), 'utf8');
    expect(record).toMatch(/passwd\.pcap is a link out of the submission's folder/);
    expect(record).toMatch(/fifo\.pcap is a FIFO/);
    expect(record).not.toMatch(/root:|0x726f6f74/);
    // the file inside is opened and read (its 4 bytes are no capture: the reader says so)
    const ran = (JSON.parse(record) as { steps: { checks: { actual: string }[] }[] }).steps;
    expect(ran[2].checks[0].actual).toMatch(/file too short for a capture header \(4 bytes\)/);
  });
});
