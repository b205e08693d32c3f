/**
 * Entry of a host thread when `npm run build` wrote the bundle: runs dist/bundle/host-thread.cjs
 * (src/ops/thread-main.ts and all it imports, in one file) through V8's code cache, which the
 * first thread without a usable cache writes at its exit (src/util/code-cache.ts).
 */
import { join } from 'node:path';
import { loadBundle } from '../util/code-cache.js';
import { PKG_ROOT } from '../util/paths.js';

const dir = join(PKG_ROOT, 'dist', 'bundle');
loadBundle(join(dir, 'host-thread.cjs'), join(dir, 'cache', 'host-thread.v8'), {
  write: process.env.WIRELAB_CODE_CACHE === 'off' ? 'never' : 'unless-hit',
});
