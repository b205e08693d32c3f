import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport, writeReport } from '../../src/report/render.js';
import { readFences, readTables, splitRow } from './md-tables.js';
import { HOSTILE, hostileRecord, schemaErrors } from './records.js';

const ROWS = 5000;

describe('hostile content', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wirelab-report-hostile-'));
    const record = hostileRecord(ROWS);
    expect(schemaErrors(record)).toBe('');
    await writeFile(join(dir, 'run.json'), JSON.stringify(record));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('the row splitter respects \\| and counts pipes in code spans as separators (as GFM does)', () => {
    expect(splitRow('| a \\| b | `c` | d |')).toEqual(['a \\| b', '`c`', 'd']);
    expect(splitRow('| `a|b` |')).toHaveLength(2);
    expect(splitRow('| a\\\\| b |')).toHaveLength(2);
  });

  for (const template of ['lab-report', 'feedback']) {
    it(`${template}.md: every table row has as many cells as its header; fences stay closed`, async () => {
      const md = await renderReport({ runDir: dir, template, format: 'md', instructor: true });
      const tables = readTables(md);
      expect(tables.length).toBeGreaterThan(3);
      for (const t of tables) {
        t.rows.forEach((row, i) => expect(row.length, `table at line ${t.line}, row at line ${t.rowLines[i]}`).toBe(t.header.length));
      }
      for (const f of readFences(md))
        expect(f.body.split('\n').some((l) => /^ {0,3}`{3,}\s*$/.test(l) && l.trim().length >= f.fence.length)).toBe(false);
      if (template === 'lab-report') {
        const packets = tables.find((t) => t.header[0] === 'No.')!;
        expect(packets.rows).toHaveLength(ROWS);
        expect(packets.header).toEqual(['No.', 'Time', 'Source', 'Destination', 'Protocol', 'Length', 'Info']);
        expect(packets.rows[ROWS - 1][0]).toBe(String(ROWS));
        // The transcript's hostile text (with ``` and \end{lstlisting}) is inside one listing.
        expect(readFences(md).some((f) => f.body.includes('```` \\end{lstlisting}'))).toBe(true);
      }
    });
  }

  it('the LaTeX has no raw specials from the data and compiles with latexmk (5,000-row longtable)', async () => {
    const tex = await renderReport({ runDir: dir, format: 'tex', instructor: true });
    const body = tex.slice(tex.indexOf('\\begin{document}'));
    // Outside listings, the only \end{lstlisting} lines are the real closers.
    const closers = body.split('\n').filter((l) => l.includes('\\end{lstlisting}'));
    expect(closers.every((l) => l === '\\end{lstlisting}')).toBe(true);
    expect(body).not.toContain('→');
    expect(body).not.toContain('\u0007');
    const out = join(dir, 'hostile.pdf');
    await writeReport({ runDir: dir, format: 'pdf', out, instructor: true });
    expect(existsSync(out)).toBe(true);
    expect(statSync(out).size).toBeGreaterThan(50_000);
    expect((await readFile(out)).subarray(0, 5).toString()).toBe('%PDF-');
  }, 300_000);

  it('the feedback sheet with hostile text compiles too', async () => {
    const out = join(dir, 'feedback.pdf');
    await writeReport({ runDir: dir, template: 'feedback', format: 'pdf', out });
    expect(statSync(out).size).toBeGreaterThan(10_000);
    expect(HOSTILE).toContain('\\end{lstlisting}');
  }, 120_000);
});
