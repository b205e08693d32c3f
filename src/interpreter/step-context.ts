// The contract between the interpreter and the step kinds lives with the steps (steps/ must not
// import the interpreter); re-exported here for the interpreter's own readers.
export type { ConnectionRef, FixtureRef, RunState, StepRunContext } from '../steps/context.js';
