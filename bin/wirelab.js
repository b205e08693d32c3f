#!/usr/bin/env node
// The bundled CLI (dist/bundle/cli.cjs, built by `npm run build`) starts fastest: one file,
// loaded through V8's code cache (src/util/code-cache.ts). The unbundled tree in dist/ is the
// same code, used when the bundle is not there. WIRELAB_CODE_CACHE=off compiles from source;
// `train` (the build) writes the cache at exit.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);
// `shell` and `exec` (a student's every way into a lab host) have an entry of their own, a
// fraction of the whole CLI's size (src/cli/enter.ts)
const enter = argv[0] === 'shell' || argv[0] === 'exec';
const bundle = fileURLToPath(new URL(`../dist/bundle/${enter ? 'enter' : 'cli'}.cjs`, import.meta.url));

/** The CLI's module: the bundle with the cache trained for this command, else dist/cli/main.js. */
async function load() {
  if (!existsSync(bundle)) return enter ? import('../dist/cli/enter.js') : import('../dist/cli/main.js');
  const { loadBundle } = await import('../dist/util/code-cache.js');
  const mode = process.env.WIRELAB_CODE_CACHE;
  const cache = enter ? 'enter' : ['validate', 'run'].includes(argv[0]) ? argv[0] : 'cli';
  const cacheFile = fileURLToPath(new URL(`../dist/bundle/cache/cli-${mode === 'off' ? 'off' : cache}.v8`, import.meta.url));
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
