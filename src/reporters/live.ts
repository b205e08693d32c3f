import type { RunRecord, StepRecord } from '../generated/run-record.js';
import type { Reporter } from '../interpreter/reporter.js';
import { checksText } from '../interpreter/record.js';
import { fmtMs } from '../util/format-ms.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

interface Style {
  ok: (s: string) => string;
  bad: (s: string) => string;
  dim: (s: string) => string;
}
const plain: Style = { ok: (s) => s, bad: (s) => s, dim: (s) => s };
const color: Style = {
  ok: (s) => `\x1b[32m${s}\x1b[0m`,
  bad: (s) => `\x1b[31m${s}\x1b[0m`,
  dim: (s) => `\x1b[2m${s}\x1b[0m`,
};

const MARK: Record<string, [string, string]> = {
  passed: ['✓', 'PASS'],
  failed: ['✗', 'FAIL'],
  errored: ['!', 'ERROR'],
  skipped: ['-', 'SKIP'],
};

/**
 * The terminal display: one line per step as it finishes, with a spinner on the running step
 * when stdout is a TTY; plain lines (no colour, no cursor movement) otherwise or with NO_COLOR.
 * Failures show expected vs received right under the step.
 */
export class LiveReporter implements Reporter {
  private readonly tty: boolean;
  private readonly style: Style;
  private timer: NodeJS.Timeout | undefined;
  private spinning = '';

  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {
    this.tty = !!out.isTTY && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
    this.style = this.tty ? color : plain;
  }

  private write(s: string): void {
    this.out.write(s);
  }

  private clearSpinner(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.tty && this.spinning) this.write('\r\x1b[2K');
    this.spinning = '';
  }

  runStarted(info: { name: string; title?: string; steps: number }): void {
    this.write(`wirelab: ${info.title ?? info.name} (${info.steps} step${info.steps === 1 ? '' : 's'})\n`);
  }

  stepStarted(step: { title: string; host: string; depth: number }): void {
    if (!this.tty) return;
    this.clearSpinner();
    const indent = '  '.repeat(step.depth + 1);
    const host = step.host === 'local' ? '' : ` @${step.host}`;
    this.spinning = `${indent}%s ${step.title}${this.style.dim(host)}`;
    let i = 0;
    const draw = () => this.write(`\r\x1b[2K${this.spinning.replace('%s', FRAMES[i++ % FRAMES.length])}`);
    draw();
    this.timer = setInterval(draw, 100);
    this.timer.unref();
  }

  stepFinished(r: StepRecord, depth: number): void {
    this.clearSpinner();
    const [sym, word] = MARK[r.status];
    const mark = this.tty ? sym : word;
    const paint = r.status === 'passed' ? this.style.ok : r.status === 'skipped' ? this.style.dim : this.style.bad;
    const indent = '  '.repeat(depth + 1);
    const host = r.host === 'local' ? '' : ` @${r.host}`;
    const pts = r.points !== undefined ? ` [${r.earned}/${r.points} pts]` : '';
    this.write(`${indent}${paint(mark)} ${r.title}${host}${pts} ${this.style.dim(`(${fmtMs(r.durationMs)})`)}\n`);
    const pad = `${indent}    `;
    if (r.error) this.write(`${pad}${this.style.bad(r.error.message.split('\n').join(`\n${pad}`))}\n`);
    for (const c of r.checks) {
      if (c.passed) continue;
      this.write(`${pad}${c.title}\n`);
      if (c.expected !== undefined) this.write(`${pad}  expected: ${c.expected}\n`);
      if (c.actual !== undefined) this.write(`${pad}  received: ${c.actual}\n`);
      if (c.detail) this.write(`${pad}  ${c.detail.split('\n').join(`\n${pad}  `)}\n`);
    }
  }

  runFinished(rec: RunRecord): void {
    this.clearSpinner();
    const s = rec.summary;
    const parts = [checksText(s.checks)];
    if (s.steps.failed) parts.push(`${s.steps.failed} step(s) failed`);
    if (s.steps.errored) parts.push(`${s.steps.errored} errored`);
    if (s.steps.skipped) parts.push(`${s.steps.skipped} skipped`);
    if (s.points.max) parts.push(`${s.points.earned}/${s.points.max} points`);
    if (rec.run.interrupted) parts.push(`interrupted (${rec.run.interrupted})`);
    const paint = rec.run.exitCode === 0 ? this.style.ok : this.style.bad;
    this.write(`${paint(rec.run.exitCode === 0 ? 'passed' : 'not passed')}: ${parts.join(', ')} in ${fmtMs(rec.run.durationMs)}\n`);
  }
}
