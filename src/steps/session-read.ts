/**
 * The commands of a student's sessions: asciicast v2 recordings (`wirelab shell` and `exec`
 * write them in the lab's work folder, sessions/*.cast) or a plain-text transcript they hand
 * in. Each command is its line as the terminal showed it after the prompt, the host it ran
 * on (the recording's title, or the prompt: `[lab host] ~# `, `user@host:~$ `), and its output
 * up to the next prompt, as plain lines (escape sequences and line edits applied).
 */
import { lstat, readdir } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { parseCast } from '../util/asciicast.js';
import { openConfined } from '../util/safe-open.js';
import { terminalLines } from '../util/terminal-text.js';

export interface SessionCommand {
  /** The file and the line of the transcript (for a recording, of its screen text) where it starts. */
  where: string;
  /** The host it ran on, when the recording or the prompt says. */
  host?: string;
  /** The command line as typed. */
  line: string;
  /** Its words (quotes removed), `sudo`, `timeout N` and `VAR=value` prefixes dropped. */
  argv: string[];
  /** The program's name (the basename of the first word). */
  program: string;
  output: string[];
}

const PROMPTS: { re: RegExp; host?: number; cmd: number }[] = [
  { re: /^\[\S+ ([a-z][a-z0-9-]*)\] [^$#\n]*[$#] ?(.*)$/, host: 1, cmd: 2 }, // wirelab shell: [lab host] ~#
  { re: /^[\w.-]+@([\w.-]+):[^$#\n]*[$#] ?(.*)$/, host: 1, cmd: 2 }, // bash: user@host:~$
  { re: /^(?:PS )?[A-Za-z]:\\[^>\n]*> ?(.*)$/, cmd: 1 }, // Windows: C:\Users\ada> (PowerShell: PS C:\…>)
  { re: /^[$#] (.*)$/, cmd: 1 }, // a bare prompt
];

/** Shell words of a command line: quotes and backslashes as sh reads them (no expansion). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      cur = (cur ?? '') + line.slice(i + 1, end < 0 ? undefined : end);
      i = end < 0 ? line.length : end;
    } else if (c === '"') {
      let j = i + 1;
      let s = '';
      for (; j < line.length && line[j] !== '"'; j++) s += line[j] === '\\' && j + 1 < line.length ? line[++j] : line[j];
      cur = (cur ?? '') + s;
      i = j;
    } else if (c === '\\' && i + 1 < line.length) cur = (cur ?? '') + line[++i];
    else if (/\s/.test(c)) {
      if (cur !== null) words.push(cur);
      cur = null;
    } else if (c === '|' || c === ';' || c === '&')
      break; // the first command of a pipeline or a list
    else cur = (cur ?? '') + c;
  }
  if (cur !== null) words.push(cur);
  return words;
}

function commandOf(where: string, line: string, host: string | undefined, output: string[]): SessionCommand {
  const words = shellWords(line);
  let i = 0;
  for (;;) {
    if (words[i] === 'sudo') i++;
    else if (/^[A-Za-z_]\w*=/.test(words[i] ?? '')) i++;
    else if (words[i] === 'timeout' && /^[0-9.]+[smh]?$/.test(words[i + 1] ?? '')) i += 2;
    else break;
  }
  const argv = words.slice(i);
  return { where, ...(host ? { host } : {}), line, argv, program: basename(argv[0] ?? ''), output };
}

/** Splits screen lines into commands at each prompt; lines before the first prompt are dropped. */
export function commandsOfLines(file: string, lines: readonly string[], host?: string): SessionCommand[] {
  const out: SessionCommand[] = [];
  let cur: SessionCommand | undefined;
  lines.forEach((l, n) => {
    for (const p of PROMPTS) {
      const m = p.re.exec(l);
      if (!m) continue;
      const cmd = m[p.cmd].trim();
      cur = cmd ? commandOf(`${file}:${n + 1}`, cmd, (p.host ? m[p.host] : undefined) ?? host, []) : undefined;
      if (cur) out.push(cur);
      return;
    }
    cur?.output.push(l);
  });
  return out;
}

/** The commands of one file: an asciicast v2 recording, or else a plain-text transcript. */
export function commandsOfText(file: string, text: string): SessionCommand[] {
  if (text.startsWith('{')) {
    const { header, events } = parseCast(text);
    const screen = terminalLines(
      events
        .filter((e) => e[1] === 'o')
        .map((e) => e[2])
        .join(''),
    );
    // `wirelab shell`/`exec` title their recordings "LAB HOST"
    const host = header.title?.split(' ').pop();
    if (header.command && header.command !== 'bash -i') return [commandOf(`${file} (exec)`, header.command, host, screen)];
    return commandsOfLines(file, screen, host);
  }
  return commandsOfLines(file, terminalLines(text));
}

/** At most this many files and bytes per file are read (a student's folder is not trusted). */
export const MAX_FILES = 1000;
export const MAX_BYTES = 16 * 2 ** 20;

/**
 * Every command in a file or a folder (its *.cast, *.txt and *.log files and those of its
 * sessions/ folder, by name: recordings are named by time). Files are opened as `inspect` opens
 * a student's capture: regular files only, no link out of `root`.
 */
export async function readCommands(
  path: string,
  root?: string,
): Promise<{ commands: SessionCommand[]; files: string[]; problems: string[] }> {
  const files: string[] = [];
  const problems: string[] = [];
  const isDir = (await lstat(path)).isDirectory();
  if (isDir) {
    for (const dir of [path, join(path, 'sessions')]) {
      let names: string[] = [];
      try {
        names = (await readdir(dir)).sort();
      } catch {
        continue;
      }
      for (const n of names) if (/\.(cast|txt|log)$/.test(n)) files.push(join(dir, n));
    }
  } else files.push(path);
  if (files.length > MAX_FILES) {
    problems.push(`${files.length} files; only the first ${MAX_FILES} are read`);
    files.length = MAX_FILES;
  }
  const commands: SessionCommand[] = [];
  for (const f of files) {
    const name = isDir ? relative(path, f) : basename(f);
    try {
      const { handle } = await openConfined(f, root);
      let text: string;
      try {
        const { size } = await handle.stat();
        if (size > MAX_BYTES) throw new Error(`${size} bytes, more than the ${MAX_BYTES} read`);
        text = await handle.readFile('utf8');
      } finally {
        await handle.close();
      }
      commands.push(...commandsOfText(name, text));
    } catch (e) {
      problems.push(`${name}: ${(e as Error).message}`);
    }
  }
  return { commands, files, problems };
}
