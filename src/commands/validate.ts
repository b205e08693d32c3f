import type { Command } from 'commander';
import { withExit } from './exit.js';
import { printDiagnostics, printWarnings } from './diagnostics-out.js';
import { UsageError } from '../errors.js';
import { isError, type Diagnostic } from '../scenario/diagnostics.js';
import { readScenario } from '../scenario/read.js';
import { checkExamples } from '../grade/examples.js';

export function register(program: Command): void {
  program
    .command('validate')
    .description('check scenario files (YAML, schema, names and references) without running them')
    .argument('<file...>', 'scenario files')
    .action(
      withExit(async (files: string[]) => {
        // Every file is checked, also after one that cannot be read: its problem is one line.
        const all: Diagnostic[] = [];
        for (const f of files) {
          try {
            const r = await readScenario(f);
            // a grading scenario's examples: their folders exist, their step names are graded steps
            const bad = r.ok ? checkExamples(r.loaded) : r.diagnostics;
            if (bad.length) for (const d of bad) all.push(d);
            else {
              const warnings = r.ok ? r.loaded.warnings : [];
              printWarnings(warnings);
              process.stdout.write(
                `${f}: ok${warnings.length ? ` (${warnings.length} warning${warnings.length === 1 ? '' : 's'})` : ''}\n`,
              );
            }
          } catch (e) {
            if (!(e instanceof UsageError)) throw e;
            all.push({
              file: f,
              line: 1,
              col: 1,
              code: 'unreadable',
              message: e.message.replace(/^cannot read \S+: /, 'cannot read the file: '),
            });
          }
        }
        if (all.length) printDiagnostics(all);
        return all.some(isError) ? 2 : 0;
      }),
    );
}
