import { spawn } from 'node:child_process';

/** Runs a command with optional stdin; resolves with stdout, rejects with its stderr in the message. */
export function runCmd(cmd: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve(out);
      else
        reject(
          Object.assign(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`}): ${err.trim()}`), {
            stderr: err,
            exitCode: code,
          }),
        );
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}
