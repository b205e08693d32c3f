// Builds native/wirelab_probe.node, the C hot path of port scans (native/probe.c), with the
// node-gyp that npm runs scripts with. Runs on `npm install` / `npm ci`. When it cannot be built
// (no C compiler), scans still work through the portable path (raw-socket and Node's TCP
// handles); a scan's JSON result says which one ran (`engine`), and the test suite checks that
// the module is there.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../native/', import.meta.url));
const args = ['rebuild', '--directory', dir, '--loglevel', 'warn'];
// Build against the headers of the running Node when they are installed beside it (Debian's and
// NodeSource's packages put them in /usr/include/node), so node-gyp never needs to download them.
const nodeDir = dirname(dirname(process.execPath));
if (!process.env.npm_config_nodedir && existsSync(join(nodeDir, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${nodeDir}`);
const r = spawnSync('node-gyp', args, { stdio: 'inherit' });
if (r.status !== 0) {
  console.warn(`wirelab: the native scan module was not built (node-gyp ${r.error ? r.error.message : `exit ${r.status}`}); scans fall back to the portable path. Install a C toolchain (apt-get install -y build-essential python3) and run: npm run install`);
}
