import { EnvironmentError, isErrorExitClass, TargetRefusedError, UsageError, WirelabError, type ErrorExitClass } from '../errors.js';

/** Controller → agent: one op call. `$shutdown` closes everything and ends the agent. */
export interface AgentRequest {
  id: number;
  op: string;
  args: unknown;
}

/** An error as it crosses the IPC channel. */
export interface WireError {
  name: string;
  message: string;
  code?: string;
  exitClass?: ErrorExitClass;
  fix?: string;
  stack?: string;
}

/** Agent → controller: `ready` once, then one response per request. */
export type AgentMessage =
  { type: 'ready'; pid: number; netns?: string } | { id: number; ok: true; result: unknown } | { id: number; ok: false; error: WireError };

/** Turns any thrown value into its wire form, keeping what rebuilds a WirelabError. */
export function toWire(e: unknown): WireError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const w: WireError = { name: e.name, message: e.message, stack: e.stack };
  if (e instanceof WirelabError) {
    w.code = e.code;
    w.exitClass = e.exitClass;
    if (e instanceof EnvironmentError) {
      w.fix = e.fix;
      w.message = e.message.slice(0, e.message.length - `\n  fix: ${e.fix}`.length);
    }
  }
  return w;
}

/** Rebuilds the error on the controller side: WirelabError subclasses keep their exit codes. */
export function fromWire(w: WireError, host: string): Error {
  let e: Error;
  switch (w.name) {
    case 'UsageError':
      e = new UsageError(w.message, w.code);
      break;
    case 'EnvironmentError':
      e = new EnvironmentError(w.message, w.fix ?? '', w.code);
      break;
    case 'TargetRefusedError':
      e = new TargetRefusedError(w.message);
      break;
    default:
      if (isErrorExitClass(w.exitClass) && w.code !== undefined) {
        e = new WirelabError(w.message, w.exitClass, w.code);
        e.name = w.name;
      } else {
        // the host goes on the first line: a message may go on with a program's output
        e = new Error(w.message.replace(/^[^\n]*/, (first) => `${first} (on host ${host})`));
        e.name = w.name;
      }
  }
  if (w.stack) e.stack = `${e.name}: ${e.message}\n    --- in the agent of host ${host} ---\n${w.stack.split('\n').slice(1).join('\n')}`;
  return e;
}
