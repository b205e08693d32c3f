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
 * The CLI's module: validate.cjs for `validate`, else cli.cjs, each with the cache trained for
 * the command (validate.v8; cli-run.v8 for run, cli-cli.v8 for the others); else dist/cli/main.js.
 */
async function load() {
  const own = argv[0] === 'validate' && existsSync(dist('bundle/validate.cjs'));
  const bundle = dist(own ? 'bundle/validate.cjs' : 'bundle/cli.cjs');
  if (!own && !existsSync(bundle)) return import('../dist/cli/main.js');
  const { loadBundle } = await import('../dist/util/code-cache.js');
  const mode = process.env.WIRELAB_CODE_CACHE;
  const cache = own ? 'validate' : argv[0] === 'run' ? 'cli-run' : 'cli-cli';
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
