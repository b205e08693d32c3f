#!/usr/bin/env node
// What the private world of a sandboxed command costs at start: N runs of /bin/true under the
// sandbox's limits and user (prlimit + setpriv), with and without the world (PID + mount
// namespace, fresh tmpfs, covers), and the bare `unshare --mount --pid --fork --mount-proc
// true` it is built on, in the same run. Needs root.
//   npx tsc -p tsconfig.build.json && node bench/world.mjs [N=50]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const { commandLine, spawnDetached } = await import(join(ROOT, 'dist/exec/process.js'));
const { DEFAULT_LIMITS } = await import(join(ROOT, 'dist/sandbox/limits.js'));
const { claimSlots } = await import(join(ROOT, 'dist/sandbox/slots.js'));
const { ensureSlotUsers, slotUser } = await import(join(ROOT, 'dist/sandbox/users.js'));

const N = Math.min(Number(process.argv[2] ?? 50), 1000);
const claim = claimSlots(1);
const base = mkdtempSync('/var/lib/wlt12-bench-world-');
try {
  ensureSlotUsers(claim.slots[0] + 1);
  mkdirSync(join(base, 'subs', 'a'), { recursive: true });
  const user = slotUser(claim.slots[0]);
  const plain = { ...DEFAULT_LIMITS, user };
  const world = { ...plain, world: { submission: join(base, 'subs', 'a'), hide: [join(base, 'subs'), join(base, 'out')] } };
  const sandboxed = async (spec) => {
    const t = performance.now();
    for (let i = 0; i < N; i++) await spawnDetached(commandLine(['/bin/true']), { sandbox: spec });
    return (performance.now() - t) / N;
  };
  const bare = () => {
    const t = performance.now();
    for (let i = 0; i < N; i++) spawnSync('unshare', ['--mount', '--pid', '--fork', '--mount-proc', '/bin/true']);
    return (performance.now() - t) / N;
  };
  await sandboxed(plain);
  await sandboxed(world); // warm up
  const a = await sandboxed(plain);
  const b = await sandboxed(world);
  const c = bare();
  console.log(`limits + user:         ${a.toFixed(1)} ms per command`);
  console.log(`limits + user + world: ${b.toFixed(1)} ms per command (${(b / a).toFixed(2)}x)`);
  console.log(`bare unshare:          ${c.toFixed(1)} ms per command; the world's own setup: ${(b - a - c).toFixed(1)} ms`);
} finally {
  claim.release();
  rmSync(base, { recursive: true, force: true });
}
