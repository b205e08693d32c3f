import { checksText } from '../interpreter/record.js';
import type { Grade } from './grades.js';

/** Gradescope's results.json (autograder specification; schemas/gradescope-results.schema.json). */
export interface GradescopeResults {
  score: number;
  max_score?: number;
  execution_time?: number;
  output?: string;
  output_format?: 'text' | 'md' | 'html' | 'simple_format' | 'ansi';
  stdout_visibility?: string;
  tests: {
    name: string;
    score: number;
    max_score: number;
    status: 'passed' | 'failed';
    visibility: string;
    output: string;
    output_format: 'text';
  }[];
}

/** A grade as Gradescope results: one test per graded step; errored/skipped steps are failed tests. */
export function toGradescope(grade: Grade, opts: { scenario: string; executionTime?: number }): GradescopeResults {
  const head = `Scenario ${opts.scenario}: ${grade.recordChecks ? `${checksText(grade.recordChecks)}, ` : ''}${grade.score}/${grade.maxScore} points.`;
  return {
    score: grade.score,
    max_score: grade.maxScore,
    ...(opts.executionTime !== undefined ? { execution_time: Math.round(opts.executionTime * 1000) / 1000 } : {}),
    output: [
      head,
      ...(grade.error ? [`The submission could not be graded completely: ${grade.error}`] : []),
      ...(grade.setupErrors ?? []).map((e) => `Error in ${e}`),
    ].join('\n'),
    output_format: 'text',
    stdout_visibility: 'hidden',
    tests: grade.checks.map((c) => ({
      name: c.name,
      score: c.score,
      max_score: c.maxScore,
      status: c.status === 'passed' ? 'passed' : 'failed',
      visibility: c.visibility,
      output:
        c.status === 'errored' && !c.output.startsWith('Error') && !c.output.startsWith('Not graded')
          ? `Error: the step could not be carried out.\n${c.output}`
          : c.output,
      output_format: 'text',
    })),
  };
}
