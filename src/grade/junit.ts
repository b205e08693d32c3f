import type { GradeRow } from './csv.js';

/** Text safe for XML attributes and content: XML-illegal control characters removed, & < > " ' escaped. */
export function xmlEscape(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const attrs = (o: Record<string, string | number>) =>
  Object.entries(o)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');

/**
 * JUnit XML: one <testsuite> per submission (name = submission), one <testcase> per graded
 * check (classname = scenario.submission). failed → <failure>, errored → <error>, skipped →
 * <skipped>; points are in <properties> and in the failure message.
 */
export function junitXml(rows: GradeRow[], scenario: string): string {
  const sorted = [...rows].sort((a, b) => (a.submission < b.submission ? -1 : a.submission > b.submission ? 1 : 0));
  const total = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const suites: string[] = [];
  for (const { submission, grade } of sorted) {
    const n = {
      tests: grade.checks.length,
      failures: grade.checks.filter((c) => c.status === 'failed').length,
      errors: grade.checks.filter((c) => c.status === 'errored').length,
      skipped: grade.checks.filter((c) => c.status === 'skipped').length,
    };
    for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += n[k];
    const cases = grade.checks.map((c) => {
      const pts = `${c.score}/${c.maxScore} points`;
      const props = `      <properties>${`<property${attrs({ name: 'score', value: c.score })}/>`}${`<property${attrs({ name: 'max_score', value: c.maxScore })}/>`}${`<property${attrs({ name: 'visibility', value: c.visibility })}/>`}</properties>\n`;
      const body =
        c.status === 'failed'
          ? `      <failure${attrs({ message: `${pts}: ${c.output.split('\n').find((l) => l.startsWith('FAIL')) ?? 'failed'}`, type: 'failed' })}>${xmlEscape(c.output)}</failure>\n`
          : c.status === 'errored'
            ? `      <error${attrs({ message: `${pts}: ${c.output.split('\n')[0]}`, type: 'errored' })}>${xmlEscape(c.output)}</error>\n`
            : c.status === 'skipped'
              ? `      <skipped${attrs({ message: `${pts}: not run` })}/>\n`
              : '';
      return `    <testcase${attrs({ name: c.name, classname: `${scenario}.${submission}` })}>\n${props}${body}    </testcase>\n`;
    });
    const sprops = `    <properties><property${attrs({ name: 'score', value: grade.score })}/><property${attrs({ name: 'max_score', value: grade.maxScore })}/>${grade.error ? `<property${attrs({ name: 'error', value: grade.error })}/>` : ''}</properties>\n`;
    suites.push(`  <testsuite${attrs({ name: submission, ...n })}>\n${sprops}${cases.join('')}  </testsuite>\n`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attrs({ name: scenario, ...total })}>\n${suites.join('')}</testsuites>\n`;
}
