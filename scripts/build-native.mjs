// Builds the C modules with the node-gyp that npm runs scripts with (`npm install` / `npm ci`):
// native/wirelab_probe.node, the hot path of port scans (native/probe.c), and
// native/wirelab_capture.node, the libpcap capture loop (native/capture.c, links -lpcap). When
// they cannot be built (no C compiler, no libpcap-dev), scans take the portable path
// (raw-socket and Node's TCP handles) and captures the `cap` binding; a scan's JSON result and
// a capture's record say which one ran (`engine`), and the test suite checks the modules are there.
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
  console.warn(
    `wirelab: the native scan and capture modules were not built (node-gyp ${r.error ? r.error.message : `exit ${r.status}`}); scans fall back to the portable path, captures to the cap binding (no drop counters). Install a C toolchain and libpcap (apt-get install -y build-essential python3 libpcap-dev) and run: npm run install`,
  );
}
