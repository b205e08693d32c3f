/**
 * A submission's variant: which student it is and the values the scenario's generators give
 * that student. The student id is the submission's folder name (a class export names folders
 * by student), or what `--students FILE` maps the folder name to; never a file inside the
 * submission, which the student writes and could point at a classmate's variant. The values
 * are derived here, in the grader, and handed to the run: the run, its host threads and the
 * student's programs never see the course secret.
 */
import { formatDiagnostic } from '../scenario/diagnostics.js';
import { loadScenario } from '../scenario/load.js';
import { hasGenerators } from '../scenario/variables.js';
import type { LoadedScenario } from '../scenario/load.js';
import { UsageError } from '../errors.js';
import { STUDENT_ID } from '../scenario/variables.js';

export interface SubmissionVariant {
  student: string;
  /** Generated variable → its value for the student, as `--derived-var` text. */
  derived: Record<string, string>;
}

/** Whether the scenario has variables derived per student (then every submission needs its id). */
export function usesVariants(loaded: LoadedScenario): boolean {
  return hasGenerators(loaded.scenario.vars);
}

/** The student id of a submission folder, or why it has none. */
export function studentOf(folder: string, students?: Record<string, string>): { student: string } | { error: string } {
  const id = students?.[folder] ?? folder;
  if (!STUDENT_ID.test(id))
    return {
      error: `"${id}" is not a student id (letters, digits and . _ @ + -, starting with a letter or digit): name the folder by the student's id, or map it with --students FILE`,
    };
  return { student: id };
}

/** Derives a student's values of the scenario's generated variables, or says why it cannot. */
export async function deriveVariant(
  scenarioFile: string,
  student: string,
  secret: string | undefined,
): Promise<SubmissionVariant | { error: string }> {
  let r;
  try {
    r = await loadScenario(scenarioFile, { student, ...(secret !== undefined ? { secret } : {}) });
  } catch (e) {
    if (e instanceof UsageError) return { error: e.message };
    throw e; // no course secret: the whole grade stops (exit 3), before anything ran
  }
  if (!r.ok) return { error: `the variant for ${student} does not compile: ${r.diagnostics.map(formatDiagnostic).join('; ')}` };
  const derived = Object.entries(r.loaded.variant.vars).flatMap(([k, v]) => (v.from === 'student' ? [[k, String(v.value)] as const] : []));
  return { student, derived: Object.fromEntries(derived) };
}
