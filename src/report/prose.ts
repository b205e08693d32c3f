/**
 * The scenario's `description` is documented as Markdown: this renders the part of Markdown a
 * description uses (paragraphs, `-`/`*`/`1.` lists, `**strong**`, `*emphasis*`/`_emphasis_`,
 * `` `code` ``, `[text](url)`, backslash escapes) into each report format. Text is parsed into a
 * few node kinds and every piece of text goes out through the format's own escaper, so a
 * description can neither break LaTeX nor inject raw HTML into the Markdown report; anything
 * else (headings, HTML, tables) is kept as escaped text.
 */
import { mdCode, mdEscape } from './escape-md.js';
import { texEscape } from './escape-tex.js';
import { htmlEscape } from './escape-html.js';
import { toText } from '../util/text.js';

type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'strong' | 'em'; children: Inline[] }
  | { kind: 'link'; children: Inline[]; url: string };

type Block = { kind: 'para'; inline: Inline[] } | { kind: 'list'; ordered: boolean; items: Inline[][] };

const ITEM = /^\s*(?:([-*+])|(\d+)[.)])\s+(.*)$/;

/** Inline Markdown: the longest well-formed constructs, the rest as text. */
export function parseInline(s: string): Inline[] {
  const out: Inline[] = [];
  let text = '';
  const flush = () => {
    if (text) out.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 0; i < s.length;) {
    const ch = s[i];
    if (ch === '\\' && i + 1 < s.length && /[!-/:-@[-`{-~]/.test(s[i + 1])) {
      text += s[i + 1];
      i += 2;
      continue;
    }
    if (ch === '`') {
      const run = /^`+/.exec(s.slice(i))![0];
      const end = s.indexOf(run, i + run.length);
      if (end > 0) {
        flush();
        out.push({ kind: 'code', text: s.slice(i + run.length, end).trim() });
        i = end + run.length;
        continue;
      }
    }
    if (s.startsWith('**', i) || s.startsWith('__', i)) {
      const mark = s.slice(i, i + 2);
      const end = s.indexOf(mark, i + 2);
      if (end > i + 2 && !/\s/.test(s[i + 2]) && !/\s/.test(s[end - 1])) {
        flush();
        out.push({ kind: 'strong', children: parseInline(s.slice(i + 2, end)) });
        i = end + 2;
        continue;
      }
    }
    if ((ch === '*' || ch === '_') && i + 1 < s.length && !/\s/.test(s[i + 1]) && (ch === '*' || i === 0 || !/\w/.test(s[i - 1]))) {
      let end = i + 1;
      while ((end = s.indexOf(ch, end)) > 0 && (/\s/.test(s[end - 1]) || (ch === '_' && /\w/.test(s[end + 1] ?? '')))) end++;
      if (end > i + 1) {
        flush();
        out.push({ kind: 'em', children: parseInline(s.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    if (ch === '[') {
      const m = /^\[([^\]]+)\]\(([^()\s]+)\)/.exec(s.slice(i));
      if (m) {
        flush();
        out.push({ kind: 'link', children: parseInline(m[1]), url: m[2] });
        i += m[0].length;
        continue;
      }
    }
    text += ch;
    i++;
  }
  flush();
  return out;
}

/** Blocks: paragraphs split at blank lines, runs of list items; a paragraph's lines are joined by spaces. */
export function parseBlocks(value: unknown): Block[] {
  const blocks: Block[] = [];
  let para: string[] = [];
  const endPara = () => {
    if (para.length) blocks.push({ kind: 'para', inline: parseInline(para.join(' ')) });
    para = [];
  };
  for (const raw of toText(value).replace(/\r\n/g, '\n').split('\n')) {
    const line = raw.trim();
    const item = ITEM.exec(raw);
    const last = blocks[blocks.length - 1];
    if (!line) endPara();
    else if (item) {
      endPara();
      const ordered = item[2] !== undefined;
      if (last?.kind === 'list' && last.ordered === ordered && !para.length) last.items.push(parseInline(item[3]));
      else blocks.push({ kind: 'list', ordered, items: [parseInline(item[3])] });
    } else if (last?.kind === 'list' && !para.length && /^\s+/.test(raw)) {
      // a continuation line of the last item
      const items = last.items;
      items[items.length - 1] = [...items[items.length - 1], { kind: 'text', text: ' ' }, ...parseInline(line)];
    } else para.push(line);
  }
  endPara();
  return blocks;
}

/** A link target worth printing: web and mail addresses only. */
const safeUrl = (url: string) => /^(https?:\/\/|mailto:)[^\s<>]+$/i.test(url);

/** Escapes a piece of text between other inline nodes, keeping one blank where it had blanks at either end. */
function spaced(text: string, escape: (t: string) => string): string {
  const core = text.trim();
  if (!core) return text ? ' ' : '';
  return `${/^\s/.test(text) ? ' ' : ''}${escape(core)}${/\s$/.test(text) ? ' ' : ''}`;
}

function inlineMd(nodes: Inline[]): string {
  return nodes
    .map((n) => {
      switch (n.kind) {
        case 'text':
          // mdEscape escapes what could start markup at a line start too; here it is mid-line
          return spaced(n.text, (t) => mdEscape(t).replace(/^\\([-+=>#])/, '$1'));
        case 'code':
          return mdCode(n.text);
        case 'strong':
          return `**${inlineMd(n.children)}**`;
        case 'em':
          return `*${inlineMd(n.children)}*`;
        case 'link':
          return safeUrl(n.url) ? `[${inlineMd(n.children)}](<${n.url}>)` : `${inlineMd(n.children)} (${mdEscape(n.url)})`;
      }
    })
    .join('');
}

function inlineTex(nodes: Inline[]): string {
  return nodes
    .map((n) => {
      switch (n.kind) {
        case 'text':
          return spaced(n.text, texEscape);
        case 'code':
          return `\\texttt{${texEscape(n.text)}}`;
        case 'strong':
          return `\\textbf{${inlineTex(n.children)}}`;
        case 'em':
          return `\\emph{${inlineTex(n.children)}}`;
        case 'link':
          return `${inlineTex(n.children)} (\\texttt{${texEscape(n.url)}})`;
      }
    })
    .join('');
}

/** `{{mdprose x}}`: Markdown text rendered as (re-escaped) Markdown blocks. */
export function mdProse(value: unknown): string {
  if (value === null || value === undefined) return '';
  return parseBlocks(value)
    .map((b) =>
      b.kind === 'para'
        ? inlineMd(b.inline).replace(/^(\s*)([-+=>#]|\d+[.)])/, (m, sp: string, mark: string) => `${sp}\\${mark}`)
        : b.items.map((it, i) => `${b.ordered ? `${i + 1}.` : '-'} ${inlineMd(it)}`).join('\n'),
    )
    .join('\n\n');
}

/** `{{texprose x}}`: Markdown text rendered as LaTeX paragraphs and lists, every text escaped. */
export function texProse(value: unknown): string {
  if (value === null || value === undefined) return '';
  return parseBlocks(value)
    .map((b) => {
      if (b.kind === 'para') return inlineTex(b.inline);
      const env = b.ordered ? 'enumerate' : 'itemize';
      return `\\begin{${env}}\n${b.items.map((it) => `\\item ${inlineTex(it)}`).join('\n')}\n\\end{${env}}`;
    })
    .join('\n\n');
}

function inlineHtml(nodes: Inline[]): string {
  return nodes
    .map((n) => {
      switch (n.kind) {
        case 'text':
          return htmlEscape(n.text);
        case 'code':
          return `<code>${htmlEscape(n.text)}</code>`;
        case 'strong':
          return `<strong>${inlineHtml(n.children)}</strong>`;
        case 'em':
          return `<em>${inlineHtml(n.children)}</em>`;
        case 'link':
          // only web and mail links become links (never javascript: or data:)
          return safeUrl(n.url)
            ? `<a href="${htmlEscape(n.url)}" rel="noopener noreferrer">${inlineHtml(n.children)}</a>`
            : `${inlineHtml(n.children)} (${htmlEscape(n.url)})`;
      }
    })
    .join('');
}

/** `{{htmlprose x}}`: Markdown text rendered as HTML paragraphs and lists, every text escaped. */
export function htmlProse(value: unknown): string {
  if (value === null || value === undefined) return '';
  return parseBlocks(value)
    .map((b) => {
      if (b.kind === 'para') return `<p>${inlineHtml(b.inline)}</p>`;
      const tag = b.ordered ? 'ol' : 'ul';
      return `<${tag}>\n${b.items.map((it) => `<li>${inlineHtml(it)}</li>`).join('\n')}\n</${tag}>`;
    })
    .join('\n');
}
