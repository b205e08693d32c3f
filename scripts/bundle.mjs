#!/usr/bin/env node
// The second half of `npm run build` (after tsc): copies the generated validators (plain JS,
// which tsc does not emit) into dist/, then bundles the CLI and the host agent with esbuild into
// dist/bundle/ (one file per entry plus shared chunks that load on demand), so start-up reads a
// few files instead of resolving some 180 modules one by one. bin/wirelab.js and the topology
// use the bundle when it is there and fall back to the unbundled dist/ tree.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(join(root, 'dist', 'generated'), { recursive: true });
copyFileSync(join(root, 'src', 'generated', 'validators.js'), join(root, 'dist', 'generated', 'validators.js'));

const outdir = join(root, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  // dist/bundle/ sits as deep as dist/cli/, so paths the code builds from import.meta.url
  // (native/build/..., the package root) resolve the same from either tree.
  entryPoints: { cli: 'dist/cli/main.js', agent: 'dist/ops/agent-main.js', 'host-thread': 'dist/ops/thread-main.js' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Native addons load at run time from node_modules.
  external: ['cap', 'raw-socket'],
  // Some bundled CommonJS dependencies call require() for Node's built-ins.
  banner: { js: "import { createRequire as __wirelabRequire } from 'node:module'; const require = __wirelabRequire(import.meta.url);" },
  legalComments: 'none',
  logLevel: 'warning',
});
