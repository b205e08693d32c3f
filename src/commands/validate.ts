import type { Command } from 'commander';
import { withExit } from '../cli/exit.js';
import { printDiagnostics } from '../cli/diagnostics-out.js';
import { readScenario } from '../scenario/read.js';

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
          if (!r.ok) all.push(...r.diagnostics);
          else process.stdout.write(`${f}: ok\n`);
        }
        if (all.length) printDiagnostics(all);
        return all.length ? 2 : 0;
      }),
    );
}
