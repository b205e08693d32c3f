import type { StepRecord } from '../generated/run-record.js';
import type { Reporter } from './reporter.js';

/** The step hooks of a reporter: where the interpreter tells of steps starting and ending. */
export type StepEvents = Pick<Required<Reporter>, 'stepStarted' | 'stepFinished'>;

/**
 * Puts the reporter events of branches that run at the same time back into branch order, so
 * the terminal reads as the scenario does: the first branch's events pass at once; a later
 * branch's are held until every branch before it has finished and been shown, then flushed,
 * and pass at once from then on. Nested groups compose (a branch's events are a StepEvents).
 */
export class OrderedBranches {
  private current = 0;
  private readonly held: (() => void)[][];
  private readonly ended: boolean[];

  constructor(
    private readonly out: StepEvents,
    private readonly count: number,
  ) {
    this.held = Array.from({ length: count }, () => []);
    this.ended = Array.from({ length: count }, () => false);
  }

  /** The events of branch `i`. */
  branch(i: number): StepEvents {
    return {
      stepStarted: (step) => this.emit(i, () => this.out.stepStarted(step)),
      stepFinished: (record: StepRecord, depth: number) => this.emit(i, () => this.out.stepFinished(record, depth)),
    };
  }

  /** Branch `i` has ended (also when it threw): the branches after it may be shown. */
  finished(i: number): void {
    this.ended[i] = true;
    while (this.current < this.count && this.ended[this.current]) {
      this.current++;
      if (this.current < this.count) this.flush(this.current);
    }
  }

  private emit(i: number, event: () => void): void {
    if (i === this.current) event();
    else this.held[i].push(event);
  }

  private flush(i: number): void {
    const events = this.held[i];
    this.held[i] = [];
    for (const e of events) e();
  }
}
