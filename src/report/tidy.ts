/**
 * Collapses runs of blank lines that template control blocks leave behind, outside verbatim
 * regions (Markdown code fences, LaTeX lstlisting, HTML <pre>), where blank lines are content. In both
 * formats several blank lines mean the same as one, so this never changes the rendering.
 */
import type { TextFormat } from './engine.js';

export function tidyBlankLines(text: string, format: TextFormat): string {
  const out: string[] = [];
  let fence: RegExp | null = null;
  let blank = 0;
  for (const line of text.split('\n')) {
    if (fence) {
      out.push(line);
      if (fence.test(line)) fence = null;
      continue;
    }
    if (format === 'md') {
      const m = /^ {0,3}(`{3,})/.exec(line);
      if (m) fence = new RegExp(`^ {0,3}${m[1]}\`*\\s*$`);
    } else if (format === 'html') {
      if (/<pre[\s>]/.test(line) && !/<\/pre>/.test(line.slice(line.lastIndexOf('<pre')))) fence = /<\/pre>/;
    } else if (line.startsWith('\\begin{lstlisting}')) {
      fence = /^\\end\{lstlisting\}/;
    }
    blank = line.trim() === '' ? blank + 1 : 0;
    if (blank <= 1) out.push(line);
  }
  return `${out.join('\n').replace(/^\n+/, '').replace(/\n+$/, '')}\n`;
}
