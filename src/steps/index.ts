import type { StepKind } from './kind.js';
import { serve } from './serve.js';
import { connect } from './connect.js';
import { send } from './send.js';
import { expect } from './expect.js';
import { close } from './close.js';
import { exec } from './exec.js';
import { scan } from './scan.js';
import { traceroute } from './traceroute.js';
import { capture } from './capture.js';
import { inspect } from './inspect.js';
import { resolve } from './resolve.js';

export type AnyStepKind = StepKind<any>;

/**
 * Every step kind, in the order the documentation lists them. Adding one: a schema in
 * schemas/steps/, a module here, this line, a test in test/steps/ (a test checks they agree).
 */
export const stepKinds: ReadonlyMap<string, AnyStepKind> = new Map(
  [serve, connect, send, expect, close, exec, capture, inspect, scan, resolve, traceroute].map((k) => [k.kind, k as AnyStepKind]),
);
