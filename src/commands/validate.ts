import type { Command } from 'commander';
import { withExit } from './exit.js';
import { printDiagnostics } from './diagnostics-out.js';
import { UsageError } from '../errors.js';
import type { Diagnostic } from '../scenario/diagnostics.js';
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
            else process.stdout.write(`${f}: ok\n`);
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
        return all.length ? 2 : 0;
      }),
    );
}
