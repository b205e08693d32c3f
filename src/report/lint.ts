/**
 * Template lint for .tex/.md report templates: every `{{value}}` must go through one of the
 * format's escaping helpers (`{{tex x}}`, `{{md x}}`…). A bare `{{x}}` would insert raw text,
 * which in LaTeX or Markdown is an injection (and a compile error waiting to happen).
 */
import Handlebars from 'handlebars';
import { UsageError } from '../errors.js';

type Node = { type?: string; loc?: { start: { line: number; column: number } } } & Record<string, unknown>;

/** Problems in a template: one `name:line:col: message` per bare or unknown mustache. */
export function lintTemplate(source: string, name: string, helpers: readonly string[]): string[] {
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parse(source);
  } catch (err) {
    return [`${name}: ${(err as Error).message.replace(/\n/g, ' ')}`];
  }
  const problems: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const n = node as Node;
    if (n.type === 'MustacheStatement') {
      const path = n.path as { type: string; original?: string };
      const params = n.params as unknown[];
      const at = `${name}:${n.loc?.start.line ?? '?'}:${(n.loc?.start.column ?? 0) + 1}`;
      const what = path.type === 'PathExpression' ? (path.original ?? '?') : path.type;
      if (n.escaped === false) {
        // `\textbf{{{tex x}}}` parses as a triple-stash and eats the LaTeX braces.
        problems.push(`${at}: {{{${what} …}}} (triple-stash) swallows braces: write \\cmd{ {{~${what} …~}} } instead`);
      } else if (path.type !== 'PathExpression' || !helpers.includes(what)) {
        problems.push(`${at}: {{${what}}} is not escaped: write {{${helpers[0]} ${what}}} (allowed helpers: ${helpers.join(', ')})`);
      } else if (params.length === 0) {
        problems.push(`${at}: {{${what}}} needs a value to escape`);
      }
    }
    for (const [k, v] of Object.entries(n)) if (k !== 'loc' && v && typeof v === 'object') visit(v);
  };
  visit(ast);
  return problems;
}

/** Throws a UsageError listing every lint problem of a template. */
export function assertLintClean(source: string, name: string, helpers: readonly string[]): void {
  const problems = lintTemplate(source, name, helpers);
  if (problems.length) throw new UsageError(`template lint failed:\n  ${problems.join('\n  ')}`, 'template-lint');
}
