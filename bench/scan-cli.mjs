// Stand-alone `wirelab scan|trace` for benchmarks and namespace tests, independent of the
// CLI wiring in src/cli/main.ts: registers only the probe commands from dist/.
// Usage: node bench/scan-cli.mjs scan 127.0.0.1 -p - --syn
import { Command } from 'commander';

const program = new Command('wirelab').exitOverride();
for (const m of ['scan', 'trace']) (await import(new URL(`../dist/commands/${m}.js`, import.meta.url).href)).register(program);
await program.parseAsync(process.argv);
