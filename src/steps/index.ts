import type { StepKind, StepKindName } from './kind.js';
import { serve } from './serve.js';
import { connect } from './connect.js';
import { send } from './send.js';
import { expect } from './expect.js';
import { close } from './close.js';
import { exec } from './exec.js';
import { scan } from './scan.js';
import { traceroute } from './traceroute.js';
import { capture } from './capture.js';
import { parallel } from './parallel.js';
import { inspect } from './inspect.js';
import { session } from './session.js';
import { resolve } from './resolve.js';
import { udp } from './udp.js';

/** One implementation per step kind of the schema, its body typed by the generated body type. */
export type StepKinds = { readonly [K in StepKindName]: StepKind<K> };

/**
 * Every step kind, in the order the documentation lists them. Adding one: a schema in
 * schemas/steps/ (then `npm run gen:types`), a module here, this line, a test in test/steps/.
 * A kind the schema has and this map lacks, or a module typed for another body, does not
 * compile; test/scenario/schemas.test.ts checks the names against the schema files.
 */
export const stepKinds: StepKinds = {
  serve,
  connect,
  send,
  expect,
  close,
  udp,
  exec,
  capture,
  parallel,
  inspect,
  session,
  scan,
  resolve,
  traceroute,
};

/** Narrows a key of a step mapping to a kind name. */
export function isStepKindName(key: string): key is StepKindName {
  return Object.hasOwn(stepKinds, key);
}

/** The kind names in documentation order (the map's order). */
export const stepKindNames: readonly StepKindName[] = Object.keys(stepKinds).filter(isStepKindName);
