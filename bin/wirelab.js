#!/usr/bin/env node
// The bundled CLI (dist/bundle/cli.cjs, built by `npm run build`) starts fastest: one file,
// loaded through V8's code cache (src/util/code-cache.ts). `validate` has a bundle of its own
// (dist/bundle/validate.cjs: the same CLI with only that command, about half the code). The
// unbundled tree in dist/ is the same code, used when the bundles are not there.
// WIRELAB_CODE_CACHE=off compiles from source; `train` (the build) writes the cache at exit.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);
const dist = (path) => fileURLToPath(new URL(`../dist/${path}`, import.meta.url));

/**
 * The CLI's module: validate.cjs for `validate`, enter.cjs for `shell` and `exec`, else cli.cjs,
 * each with the cache trained for the command (validate.v8, cli-enter.v8; cli-run.v8 for run,
 * cli-cli.v8 for the others); else the unbundled dist/cli/main.js (or enter.js).
 */
async function load() {
  // `shell` and `exec` (a student's every way into a lab host) and `validate` have bundles of their
  // own, a fraction of the whole CLI (src/cli/enter.ts, src/cli/validate-main.ts)
  const own = argv[0] === 'validate' ? 'validate' : argv[0] === 'shell' || argv[0] === 'exec' ? 'enter' : undefined;
  const bundle = own && existsSync(dist(`bundle/${own}.cjs`)) ? dist(`bundle/${own}.cjs`) : dist('bundle/cli.cjs');
  if (!existsSync(bundle)) return own === 'enter' ? import('../dist/cli/enter.js') : import('../dist/cli/main.js');
  const { loadBundle } = await import('../dist/util/code-cache.js');
  const mode = process.env.WIRELAB_CODE_CACHE;
  const cache = bundle.endsWith('/validate.cjs')
    ? 'validate'
    : bundle.endsWith('/enter.cjs')
      ? 'cli-enter'
      : argv[0] === 'run'
        ? 'cli-run'
        : 'cli-cli';
  const cacheFile = dist(`bundle/cache/${mode === 'off' ? 'off' : cache}.v8`);
  return loadBundle(bundle, cacheFile, { write: mode === 'train' ? 'always' : mode === 'off' ? 'never' : 'unless-hit' }).exports;
}

// `--version` needs none of the CLI (what `main` would print).
(argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')
  ? import('../dist/version.js').then((v) => {
      process.stdout.write(`${v.VERSION}\n`);
      return 0;
    })
  : load().then((m) => m.main(argv))
).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err);
    process.exitCode = 4;
  },
);
