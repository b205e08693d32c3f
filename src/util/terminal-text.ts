/**
 * What a terminal shows of a byte stream, as plain lines: escape sequences (CSI, OSC, two-byte
 * ESC) are dropped, and each line is written through a cursor so that carriage returns,
 * backspaces and "erase to end of line" (readline's redraws, tab completion, a progress line
 * rewritten in place) leave what was on the screen, not every keystroke.
 */
export function terminalLines(text: string): string[] {
  const lines: string[] = [];
  let line: string[] = [];
  let cur = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text[i];
    if (c === '\x1b') {
      const next = text[i + 1];
      if (next === '[') {
        // CSI: parameters and intermediates, then one final byte 0x40-0x7e
        let j = i + 2;
        while (j < n && !/[@-~]/.test(text[j])) j++;
        const final = text[j];
        const params = text.slice(i + 2, j);
        if (final === 'K') {
          if (params === '' || params === '0') line.length = Math.min(line.length, cur);
          else if (params === '2') {
            line = [];
            cur = 0;
          }
        } else if (final === 'C') cur += Number(params || '1');
        else if (final === 'D') cur = Math.max(0, cur - Number(params || '1'));
        else if (final === 'G') cur = Math.max(0, Number(params || '1') - 1);
        else if (final === 'P') line.splice(cur, Number(params || '1'));
        i = j;
      } else if (next === ']') {
        // OSC: up to BEL or ST (ESC \)
        let j = i + 2;
        while (j < n && text[j] !== '\x07' && !(text[j] === '\x1b' && text[j + 1] === '\\')) j++;
        i = text[j] === '\x07' ? j : j + 1;
      } else i += 1;
      continue;
    }
    if (c === '\n') {
      lines.push(line.join('').trimEnd());
      line = [];
      cur = 0;
    } else if (c === '\r') cur = 0;
    else if (c === '\b') cur = Math.max(0, cur - 1);
    else if (c === '\t') {
      const to = Math.floor(cur / 8) * 8 + 8;
      while (line.length < to) line.push(' ');
      cur = to;
    } else if (c >= ' ' && c !== '\x7f') {
      while (line.length < cur) line.push(' ');
      line[cur++] = c;
    }
  }
  if (line.length) lines.push(line.join('').trimEnd());
  return lines;
}
