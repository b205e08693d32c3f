import type { Command } from 'commander';
import { withExit } from '../cli/exit.js';
import { printDiagnostics } from '../cli/diagnostics-out.js';
import { readScenario } from '../scenario/read.js';
import { checkExamples } from '../grade/verify.js';

export function register(program: Command): void {
  program
    .command('validate')
    .description('check scenario files (YAML, schema, names and references) without running them')
    .argument('<file...>', 'scenario files')
    .action(
      withExit(async (files: string[]) => {
        const all = [];
        for (const f of files) {
          const r = await readScenario(f);
          // a grading scenario's examples: their folders exist, their step names are graded steps
          const bad = r.ok ? checkExamples(r.loaded) : r.diagnostics;
          if (bad.length) all.push(...bad);
          else process.stdout.write(`${f}: ok\n`);
        }
        if (all.length) printDiagnostics(all);
        return all.length ? 2 : 0;
      }),
    );
}
