// Runs `wirelab grade …` from dist/ without the main CLI (used by tests and the bench):
//   node test/grade/cli.mjs grade SCENARIO --submissions DIR --out DIR
import { Command } from 'commander';
const { register } = await import('../../dist/commands/grade.js');
const program = new Command('wirelab').exitOverride((e) => {
  process.exitCode = 2;
  throw e;
});
register(program);
await program.parseAsync(process.argv.slice(2), { from: 'user' });
