/**
 * A closed output pipe (`wirelab run lab.yaml | head -2`) must not end the process before
 * teardown: Node reports EPIPE as an 'error' event on process.stdout/stderr, and an
 * unhandled one kills the process on the spot. Once installed, these errors are swallowed
 * (later writes go nowhere) and whoever subscribed is told once, so a run can stop and tear
 * down like on a signal.
 */
const listeners = new Set<(stream: 'stdout' | 'stderr') => void>();
let installed = false;
let closed: 'stdout' | 'stderr' | undefined;

function isClosedPipe(e: NodeJS.ErrnoException): boolean {
  return e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED' || e.code === 'ECONNRESET';
}

export function installOutputGuard(): void {
  if (installed) return;
  installed = true;
  for (const name of ['stdout', 'stderr'] as const) {
    process[name].on('error', (e: NodeJS.ErrnoException) => {
      if (!isClosedPipe(e)) throw e;
      if (closed) return;
      closed = name;
      for (const fn of [...listeners]) fn(name);
    });
  }
}

/** Calls `fn` when stdout or stderr turns out to be a closed pipe (at once if it already is). Returns the unsubscribe. */
export function onOutputClosed(fn: (stream: 'stdout' | 'stderr') => void): () => void {
  installOutputGuard();
  if (closed) {
    const c = closed;
    queueMicrotask(() => fn(c));
    return () => {};
  }
  listeners.add(fn);
  return () => listeners.delete(fn);
}
