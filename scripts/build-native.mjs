// Builds native/wirelab_probe.node, the C hot path of port scans (native/probe.c), with the
// node-gyp that npm runs scripts with. Runs on `npm install` / `npm ci`. When it cannot be built
// (no C compiler), scans still work through the portable path (raw-socket and Node's TCP
// handles); a scan's JSON result says which one ran (`engine`), and the test suite checks that
// the module is there.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../native/', import.meta.url));
const r = spawnSync('node-gyp', ['rebuild', '--directory', dir, '--loglevel', 'warn'], { stdio: 'inherit' });
if (r.status !== 0) {
  console.warn(`wirelab: the native scan module was not built (node-gyp ${r.error ? r.error.message : `exit ${r.status}`}); scans fall back to the portable path. Install a C toolchain (apt-get install -y build-essential python3) and run: npm run install`);
}
