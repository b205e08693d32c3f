/** A step ran out of time: the step is `errored` with code `timeout`. */
export class StepTimeout extends Error {
  readonly code = 'timeout';
}
