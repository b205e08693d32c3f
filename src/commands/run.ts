import type { Command } from 'commander';
import { reportError, withExit } from './exit.js';
import { printDiagnostics, printWarnings } from './diagnostics-out.js';
import { LiveReporter } from '../reporters/live.js';
import { UsageError } from '../errors.js';
import { silentReporter } from '../interpreter/reporter.js';
import { runScenario } from '../interpreter/run-scenario.js';
import { sandboxFromEnv } from '../sandbox/limits.js';
import { readScenario } from '../scenario/read.js';
import { parseAllowTargets } from '../probes/target.js';

function parseVars(list: string[]): Record<string, string> {
  return Object.fromEntries(
    list.map((kv) => {
      const i = kv.indexOf('=');
      if (i <= 0) throw new UsageError(`--var takes NAME=VALUE, got "${kv}"`);
      return [kv.slice(0, i), kv.slice(i + 1)];
    }),
  );
}

export function register(program: Command): void {
  program
    .command('run')
    .description('run a scenario and write its run record (run.json) to reports/<name>/')
    .argument('<file>', 'scenario file')
    .option('-o, --out <dir>', 'folder for run.json and captures (default: reports/<scenario name>)')
    .option('--json', 'print the run record as JSON on stdout instead of the live display')
    .option('--var <name=value...>', 'values for {{name}} in commands (e.g. submission=DIR)', [])
    .option('--allow-target <cidr...>', 'let probes and connections reach these subnets besides loopback and the topology', [])
    .option('--no-report', "write only the run record, not the scenario's reports (render them later with `wirelab report RUN_DIR`)")
    .action(
      withExit(async (file: string, opts: { out?: string; json?: boolean; var: string[]; allowTarget: string[]; report: boolean }) => {
        const allowTargets = parseAllowTargets(opts.allowTarget);
        const r = await readScenario(file);
        if (!r.ok) {
          printDiagnostics(r.diagnostics);
          return 2;
        }
        printWarnings(r.loaded.warnings);
        const { record, runDir } = await runScenario(r.loaded, {
          out: opts.out,
          reporter: opts.json ? silentReporter : new LiveReporter(),
          vars: parseVars(opts.var),
          allowTargets,
          handleSignals: true,
          // a grading run's child: `wirelab grade` hands the sandbox down in WIRELAB_SANDBOX
          sandbox: sandboxFromEnv(),
        });
        if (opts.json) process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
        else process.stderr.write(`run record: ${runDir}/run.json\n`);
        const spec = r.loaded.scenario.report;
        if (!spec || !opts.report || record.run.interrupted) return record.run.exitCode;
        try {
          // Handlebars and the PDF path load only when there is a report to render.
          const { writeScenarioReports } = await import('./report.js');
          for (const f of await writeScenarioReports(runDir, spec, r.loaded.dir)) process.stderr.write(`report: ${f}\n`);
        } catch (e) {
          // The checks' verdict stands; a report that could not be written is said and, on an
          // otherwise passing run, decides the exit code (e.g. 3 when LaTeX is missing).
          const code = reportError(e);
          return record.run.exitCode === 0 ? code : record.run.exitCode;
        }
        return record.run.exitCode;
      }),
    );
}
