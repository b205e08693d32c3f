#!/usr/bin/env node
// The second half of `npm run build` (after tsc): copies the generated validators (plain JS,
// which tsc does not emit) into dist/, then bundles with esbuild into dist/bundle/:
// - cli.cjs, enter.cjs (only `shell` and `exec`) and host-thread.cjs: one CommonJS file each (no top-level await, so no ESM needed),
//   loaded through V8's code cache by src/util/code-cache.ts (bin/wirelab.js, the host threads);
// - agent.js: the host agent process (ESM, with splitting), for WIRELAB_HOSTS=process.
// Then it trains the code caches (dist/bundle/cache/*.v8): each is written at the exit of a
// warm run of the commands it serves, so it holds the bytecode those commands compiled. Every
// consumer falls back to the unbundled dist/ tree when a bundle is not there, and to compiling
// from source when a cache is missing, stale or broken.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

const cjs = await build({
  ...common,
  entryPoints: { cli: 'dist/cli/main.js', enter: 'dist/cli/enter.js', 'host-thread': 'dist/ops/thread-main.js' },
  outdir,
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  define: { 'import.meta.url': '__wirelab_import_meta_url' },
  banner: { js: "const __wirelab_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  write: false,
});
for (const f of cjs.outputFiles) {
  // The build id ties a code cache to this very text (src/util/code-cache.ts).
  const id = createHash('sha256').update(f.contents).digest('hex').slice(0, 32);
  writeFileSync(f.path, Buffer.concat([Buffer.from(`// wirelab-build ${id}\n`), f.contents]));
}

// Train the CLI's caches: one per command that bin/wirelab.js gives its own (validate, run),
// one for every other command. A training run that fails leaves that cache out (the CLI then
// compiles from source) and says so; it never fails the build.
const bin = join(root, 'bin', 'wirelab.js');
const out = mkdtempSync(join(tmpdir(), 'wirelab-train-'));
const training = [
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
