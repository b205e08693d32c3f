#!/usr/bin/env node
// The second half of `npm run build` (after tsc): copies the generated validators (plain JS,
// which tsc does not emit) into dist/, then bundles with esbuild into dist/bundle/:
// - cli.cjs, enter.cjs (only `shell` and `exec`) and host-thread.cjs: one CommonJS file each (no top-level await, so no ESM needed),
//   loaded through V8's code cache by src/util/code-cache.ts (bin/wirelab.js, the host threads);
// - validate.cjs: `wirelab validate` alone (src/cli/validate-main.ts), about half of cli.cjs: none
//   of the interpreter, hosts, grading, reports, nor the run record's validators;
// - agent.js: the host agent process (ESM, with splitting), for WIRELAB_HOSTS=process.
// Then it trains the code caches (dist/bundle/cache/*.v8): each is written at the exit of a
// warm run of the commands it serves, so it holds the bytecode those commands compiled. Every
// consumer falls back to the unbundled dist/ tree when a bundle is not there, and to compiling
// from source when a cache is missing, stale or broken.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(join(root, 'dist', 'generated'), { recursive: true });
for (const f of ['validators.js', 'lab-state-validator.js'])
  copyFileSync(join(root, 'src', 'generated', f), join(root, 'dist', 'generated', f));

const outdir = join(root, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true });
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  // Native addons load at run time from node_modules.
  external: ['cap', 'raw-socket'],
  legalComments: 'none',
  logLevel: 'warning',
};

// dist/bundle/ sits as deep as dist/cli/, so paths the code builds from import.meta.url
// (native/build/..., the package root) resolve the same from either tree.
await build({
  ...common,
  entryPoints: { agent: 'dist/ops/agent-main.js' },
  outdir,
  splitting: true,
  format: 'esm',
  // Some bundled CommonJS dependencies call require() for Node's built-ins.
  banner: { js: "import { createRequire as __wirelabRequire } from 'node:module'; const require = __wirelabRequire(import.meta.url);" },
});

/**
 * Node built-ins a bundle loads only when the code first uses one of their exports. esbuild puts
 * a module's `import { spawn } from 'node:child_process'` (and commander's `require`) at the top
 * of the code that initializes it, so `wirelab validate` loaded child_process, net, dgram,
 * streams and crypto that only run, capture or grade use (some 10 ms of start-up). Each of
 * these is replaced by a module of getters (and setters, so a dependency may still patch one)
 * over the real one, loaded at the first access; the names are the built-in's own (this Node's).
 * Only built-ins whose export is a plain object: `stream`'s is the Stream class (called, extended).
 */
const LAZY_BUILTINS = [
  'child_process',
  'crypto',
  'dgram',
  'dns',
  'dns/promises',
  'http',
  'https',
  'inspector',
  'net',
  'perf_hooks',
  'readline',
  'stream/promises',
  'string_decoder',
  'tls',
  'tty',
  'v8',
  'worker_threads',
  'zlib',
];
const builtinRequire = createRequire(import.meta.url);
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: /^(node:)?[a-z_/]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (!LAZY_BUILTINS.includes(name)) return undefined;
      // the getters' module itself requires the real built-in
      if (args.namespace === 'lazy-builtin') return { path: `node:${name}`, external: true };
      return { path: name, namespace: 'lazy-builtin' };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, ({ path: name }) => {
      const real = builtinRequire(`node:${name}`);
      if (typeof real !== 'object') throw new Error(`bundle: node:${name} exports a ${typeof real}, not an object: it cannot be lazy`);
      const names = Object.getOwnPropertyNames(real);
      return {
        loader: 'js',
        contents:
          `let real;\nconst load = () => (real ??= require(${JSON.stringify(`node:${name}`)}));\n` +
          `for (const k of ${JSON.stringify(names)})\n` +
          `  Object.defineProperty(exports, k, { get: () => load()[k], set: (v) => { load()[k] = v; }, enumerable: true, configurable: true });\n`,
      };
    });
  },
};

const cjs = await build({
  ...common,
  plugins: [lazyBuiltins],
  entryPoints: {
    cli: 'dist/cli/main.js',
    validate: 'dist/cli/validate-main.js',
    enter: 'dist/cli/enter.js',
    'host-thread': 'dist/ops/thread-main.js',
  },
  outdir,
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  define: { 'import.meta.url': '__wirelab_import_meta_url' },
  banner: { js: "const __wirelab_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  write: false,
});
for (const f of cjs.outputFiles) {
  const text = asciiOnly(f.text, f.path);
  // The build id ties a code cache to this very text (src/util/code-cache.ts).
  const id = createHash('sha256').update(text).digest('hex').slice(0, 32);
  writeFileSync(f.path, `// wirelab-build ${id}\n${text}`);
}

/**
 * The bundle with its last non-ASCII characters written as \u escapes. esbuild escapes those of
 * strings, templates and names, but leaves them in comments and regular expressions (\u escapes
 * mean the same there, with or without the u flag); one such character makes V8 hold the whole
 * file as a two-byte string (twice the memory, a slower read, for a text of a few MB).
 */
function asciiOnly(text, file) {
  // A tagged template's raw text would change: there is none; fail rather than guess if one comes.
  for (const line of text.split('\n'))
    if (/[^\0-\x7f]/.test(line) && /\bString\.raw\s*`/.test(line)) throw new Error(`bundle: non-ASCII raw template in ${file}: ${line}`);
  return text.replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// Train the CLI's caches: validate.cjs's for validate, and cli.cjs's for run and for every other
// command. A training run that fails leaves that cache out (the CLI then
// compiles from source) and says so; it never fails the build.
const bin = join(root, 'bin', 'wirelab.js');
const out = mkdtempSync(join(tmpdir(), 'wirelab-train-'));
const training = [
  // validate.cjs's cache (validate.v8): bin/wirelab.js loads that bundle for validate
  ['validate', ['validate', 'scenarios/lab1.yaml', 'scenarios/echo.yaml', 'scenarios/echo-capture.yaml', 'scenarios/lab1-grading.yaml']],
  ['run', ['run', 'scenarios/echo.yaml', '--out', join(out, 'echo')]],
  ['cli', ['--help']],
  // shell/exec's own entry (src/cli/enter.ts): its help compiles the commands' set-up
  ['enter', ['shell', '--help']],
];
try {
  for (const [name, argv] of training) {
    const r = spawnSync(process.execPath, [bin, ...argv], {
      cwd: root,
      env: { ...process.env, WIRELAB_CODE_CACHE: 'train' },
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 60_000,
    });
    if (r.status !== 0)
      console.warn(`bundle: no code cache for ${name} (training run exited ${r.status ?? r.signal}): ${String(r.stderr).slice(0, 500)}`);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
