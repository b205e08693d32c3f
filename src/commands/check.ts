/**
 * `wirelab check [LAB] [--scenario FILE] [--dir FOLDER]`: a student checks their own work in a
 * live lab: the scenario the lab names in `live.check` (or `--scenario`) runs its visible steps
 * on the lab's work folder (its recorded sessions and captures) and prints what passes and
 * why, graded as `wirelab grade` would. Exit 0 when every check passes, 1 when one does not,
 * 2 for bad input.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { printDiagnostics, printWarnings } from './diagnostics-out.js';
import { withExit } from './exit.js';
import { UsageError } from '../errors.js';
import { selfCheck, selfCheckText } from '../grade/self-check.js';
import { pickLab, type LabState } from '../live/state.js';
import { readScenario } from '../scenario/read.js';

async function checkFileOf(lab: LabState): Promise<string> {
  const r = await readScenario(lab.scenario);
  const check = r.ok ? r.loaded.scenario.live?.check : undefined;
  if (!check)
    throw new UsageError(
      `${lab.scenario} names no check scenario; add live: { check: FILE } to it, or run wirelab check --scenario FILE`,
      'no-check-scenario',
    );
  return resolve(r.ok ? r.loaded.dir : '.', check);
}

export function register(program: Command): void {
  program
    .command('check')
    .description("check your work in a live lab: the lab's visible checks on its work folder (recorded sessions, captures)")
    .argument('[lab]', 'the lab (default: the only one up)')
    .option('--scenario <file>', "the check scenario (default: the lab scenario's live.check)")
    .option('--dir <folder>', "the folder to check (default: the lab's work folder; with --scenario, no lab needs to be up)")
    .action(
      withExit(async (labName: string | undefined, o: { scenario?: string; dir?: string }) => {
        const lab = o.scenario && o.dir && labName === undefined ? undefined : pickLab(labName);
        const file = o.scenario ?? (await checkFileOf(lab!));
        // the lab's own variant (its student's derived values, its --var values), as grading derives it
        const r = await readScenario(
          file,
          lab
            ? {
                vars: definedVars(lab.vars),
                derived: definedVars(lab.derived),
                ...(lab.student !== undefined ? { student: lab.student } : {}),
              }
            : {},
        );
        if (!r.ok) {
          printDiagnostics(r.diagnostics);
          return 2;
        }
        printWarnings(r.loaded.warnings);
        if (r.loaded.plan.topology)
          throw new UsageError(
            `${file} has a topology: a check scenario reads the lab's work folder (session and inspect steps) and builds no network of its own`,
            'check-has-topology',
          );
        const folder = resolve(o.dir ?? lab!.workdir);
        const vars = definedVars(lab?.vars);
        const result = await selfCheck(r.loaded, folder, vars);
        process.stdout.write(selfCheckText(r.loaded.plan.title ?? r.loaded.plan.name, folder, result));
        return result.passed ? 0 : 1;
      }),
    );
}

/** A lab state's map without its unset entries. */
function definedVars(m: Record<string, string | undefined> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(m ?? {}).filter((e): e is [string, string] => e[1] !== undefined));
}
