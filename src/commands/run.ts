import { Option, type Command } from 'commander';
import { reportError, withExit } from './exit.js';
import { printDiagnostics, printWarnings } from './diagnostics-out.js';
import { LiveReporter } from '../reporters/live.js';
import { UsageError } from '../errors.js';
import { silentReporter } from '../interpreter/reporter.js';
import { runScenario } from '../interpreter/run-scenario.js';
import { sandboxFromEnv, type SandboxSpec } from '../sandbox/limits.js';
import type { LoadedScenario } from '../scenario/load.js';
import { readScenario } from '../scenario/read.js';
import { parseAllowTargets } from '../probes/target.js';
import { addVariantOptions, courseSecret, type VariantFlags } from './variant-options.js';

export function parseVars(list: string[]): Record<string, string> {
  return Object.fromEntries(
    list.map((kv) => {
      const i = kv.indexOf('=');
      if (i <= 0) throw new UsageError(`--var takes NAME=VALUE, got "${kv}"`);
      return [kv.slice(0, i), kv.slice(i + 1)];
    }),
  );
}

/**
 * Runs a loaded scenario as `wirelab run` does (signals handled, the run record written, the
 * scenario's reports rendered unless `report` is false) and returns the exit code, and whether a
 * signal or an exception interrupted it. Shared by
 * the command and the grading runner (grade-runner.ts), which runs one submission after another.
 */
export async function runLoaded(
  loaded: LoadedScenario,
  opts: {
    out?: string;
    /** live: the terminal display; json: the record on stdout; none: nothing printed. */
    output: 'live' | 'json' | 'none';
    vars: Record<string, string>;
    allowTargets: string[];
    report: boolean;
    sandbox?: SandboxSpec;
  },
): Promise<{ exitCode: number; interrupted: boolean }> {
  const { record, runDir } = await runScenario(loaded, {
    out: opts.out,
    reporter: opts.output === 'live' ? new LiveReporter() : silentReporter,
    vars: opts.vars,
    allowTargets: opts.allowTargets,
    handleSignals: true,
    sandbox: opts.sandbox,
  });
  if (opts.output === 'json') process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
  else if (opts.output === 'live') process.stderr.write(`run record: ${runDir}/run.json\n`);
  const spec = loaded.scenario.report;
  const interrupted = record.run.interrupted !== undefined;
  if (!spec || !opts.report || interrupted) return { exitCode: record.run.exitCode, interrupted };
  try {
    // Handlebars and the PDF path load only when there is a report to render.
    const { writeScenarioReports } = await import('./report.js');
    for (const f of await writeScenarioReports(runDir, spec, loaded.dir)) process.stderr.write(`report: ${f}\n`);
  } catch (e) {
    // The checks' verdict stands; a report that could not be written is said and, on an
    // otherwise passing run, decides the exit code (e.g. 3 when LaTeX is missing).
    const code = reportError(e);
    return { exitCode: record.run.exitCode === 0 ? code : record.run.exitCode, interrupted };
  }
  return { exitCode: record.run.exitCode, interrupted };
}

export function register(program: Command): void {
  const run = program
    .command('run')
    .description('run a scenario and write its run record (run.json) to reports/<name>/')
    .argument('<file>', 'scenario file')
    .option('-o, --out <dir>', 'folder for run.json and captures (default: reports/<scenario name>)')
    .option('--json', 'print the run record as JSON on stdout instead of the live display')
    .option('--var <name=value...>', 'values for {{name}} in the scenario (e.g. submission=DIR, or one of its vars)', [])
    .option('--allow-target <cidr...>', 'let probes and connections reach these subnets besides loopback and the topology', [])
    .option('--no-report', "write only the run record, not the scenario's reports (render them later with `wirelab report RUN_DIR`)")
    // `wirelab grade` hands a submission's derived values down (its runs need no secret)
    .addOption(new Option('--derived-var <name=value...>').hideHelp().default([]));
  addVariantOptions(run).action(
    withExit(
      async (
        file: string,
        opts: { out?: string; json?: boolean; var: string[]; derivedVar: string[]; allowTarget: string[]; report: boolean } & VariantFlags,
      ) => {
        const allowTargets = parseAllowTargets(opts.allowTarget);
        const vars = parseVars(opts.var);
        const r = await readScenario(file, {
          vars,
          derived: parseVars(opts.derivedVar),
          student: opts.student,
          secret: courseSecret(opts.secretFile),
          strict: true,
        });
        if (!r.ok) {
          printDiagnostics(r.diagnostics);
          return 2;
        }
        printWarnings(r.loaded.warnings);
        const { exitCode } = await runLoaded(r.loaded, {
          out: opts.out,
          output: opts.json ? 'json' : 'live',
          vars,
          allowTargets,
          report: opts.report,
          // a grading run's child: `wirelab grade` hands the sandbox down in WIRELAB_SANDBOX
          sandbox: sandboxFromEnv(),
        });
        return exitCode;
      },
    ),
  );
}
