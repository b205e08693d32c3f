/**
 * A small GFM table reader for tests: finds tables (header row + delimiter row + body rows) and
 * splits rows into cells the way cmark-gfm does (a backslash escapes the next character, so `\|`
 * is not a separator; pipes inside code spans DO separate cells). Fenced code blocks are skipped.
 */
export interface MdTable {
  line: number; // 1-based line of the header row
  header: string[];
  rows: string[][];
  rowLines: number[];
}

/** Splits a table row into cell texts (outer pipes optional). */
export function splitRow(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '\\' && i + 1 < line.length) {
      cur += ch + line[i + 1];
      i++;
    } else if (ch === '|') {
      cells.push(cur);
      cur = '';
    } else cur += ch;
  }
  cells.push(cur);
  const t = line.trim();
  if (t.startsWith('|')) cells.shift();
  if (t.endsWith('|') && !t.endsWith('\\|')) cells.pop();
  return cells.map((c) => c.trim());
}

const DELIM = /^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

/** The fence that opens a code block on this line, if any. */
function fenceOf(line: string): string | null {
  const m = /^ {0,3}(`{3,})/.exec(line);
  return m ? m[1] : null;
}

/** All tables in a Markdown document, outside fenced code blocks. */
export function readTables(md: string): MdTable[] {
  const lines = md.split('\n');
  const tables: MdTable[] = [];
  let fence: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (fence) {
      if (new RegExp(`^ {0,3}${fence}\`*\\s*$`).test(line)) fence = null;
      continue;
    }
    const f = fenceOf(line);
    if (f) {
      fence = f;
      continue;
    }
    if (line.includes('|') && i + 1 < lines.length && DELIM.test(lines[i + 1])) {
      const t: MdTable = { line: i + 1, header: splitRow(line), rows: [], rowLines: [] };
      let j = i + 2;
      while (j < lines.length && lines[j].trim() !== '' && lines[j].includes('|') && !fenceOf(lines[j])) {
        t.rows.push(splitRow(lines[j]));
        t.rowLines.push(j + 1);
        j++;
      }
      tables.push(t);
      i = j - 1;
    }
  }
  return tables;
}

/** Code blocks: [fence, body] for every fenced block; throws if a fence is never closed. */
export function readFences(md: string): { fence: string; body: string }[] {
  const out: { fence: string; body: string }[] = [];
  const lines = md.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const f = fenceOf(lines[i]);
    if (!f) continue;
    const close = new RegExp(`^ {0,3}${f}\`*\\s*$`);
    let j = i + 1;
    while (j < lines.length && !close.test(lines[j])) j++;
    if (j === lines.length) throw new Error(`fence ${f} opened on line ${i + 1} is never closed`);
    out.push({ fence: f, body: lines.slice(i + 1, j).join('\n') });
    i = j;
  }
  return out;
}
