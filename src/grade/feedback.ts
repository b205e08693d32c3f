import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Grade } from './grades.js';

/** Plain Markdown feedback from a grade (used when there is no run record to render). */
export function plainFeedback(submission: string, scenario: string, grade: Grade): string {
  const out = [`# Feedback: ${submission}`, '', `Scenario **${scenario}**: **${grade.score} / ${grade.maxScore}** points.`, ''];
  if (grade.error) out.push(`The submission could not be graded completely: ${grade.error}`, '');
  if (grade.setupErrors?.length) out.push(errorSection(grade), '');
  for (const c of grade.checks) {
    if (c.visibility !== 'visible') continue;
    out.push(`## ${c.name} — ${c.status} (${c.score}/${c.maxScore})`, '', '```', c.output.replace(/```/g, "'''"), '```', '');
  }
  const hidden = grade.checks.filter((c) => c.visibility !== 'visible');
  if (hidden.length)
    out.push(
      `## Hidden checks`,
      '',
      `${hidden.length} hidden check(s): ${hidden.reduce((a, c) => a + c.score, 0)} / ${hidden.reduce((a, c) => a + c.maxScore, 0)} points.`,
      '',
    );
  return out.join('\n');
}

/** A Markdown section with the errors of steps worth no points (e.g. the server did not start), for the plain feedback. */
export function errorSection(grade: Pick<Grade, 'setupErrors'>): string {
  const items = grade.setupErrors ?? [];
  if (!items.length) return '';
  return [
    '',
    '## Errors',
    '',
    ...items.map(
      (e) =>
        `- ${e.split('\n')[0]}${e.includes('\n') ? `\n\n  \`\`\`\n${e.split('\n').slice(1).join('\n').replace(/```/g, "'''").replace(/^/gm, '  ')}\n  \`\`\`` : ''}`,
    ),
    '',
  ].join('\n');
}

/**
 * The feedback text: the shipped Handlebars template `feedback` (src/report/render.ts) over the
 * run record when there is one (each errored step with its reason and bounded output), the plain
 * renderer otherwise; a run that was cut short gets the reason prepended.
 */
export async function feedbackText(runDir: string, submission: string, scenario: string, grade: Grade): Promise<string> {
  if (existsSync(join(runDir, 'run.json'))) {
    try {
      const { renderReport } = await import('../report/render.js');
      const text = await renderReport({ runDir, template: 'feedback', format: 'md' });
      // every step that errored is shown with its reason by the template itself
      const body = `${text.trimEnd()}\n`;
      return grade.error ? `> **Note:** ${grade.error}\n\n${body}` : body;
    } catch {
      /* a record the renderer refuses: fall back to the plain text */
    }
  }
  return plainFeedback(submission, scenario, grade);
}
