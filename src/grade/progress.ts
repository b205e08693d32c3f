/** Progress of a grading run on stderr: one updating line on a TTY, one line per submission otherwise. */
export class GradeProgress {
  private done = 0;
  private failed = 0;
  private running = 0;
  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly tty = Boolean(stream.isTTY),
  ) {}

  started(): void {
    this.running++;
    this.draw();
  }

  /** A submission finished; `failed` when it did not get full marks or could not be graded. */
  finished(name: string, line: string, failed: boolean): void {
    this.running--;
    this.done++;
    if (failed) this.failed++;
    if (this.tty) this.draw();
    else this.stream.write(`[${this.done}/${this.total}] ${name}: ${line}\n`);
  }

  /** The bar: `[####----] 12/40 done · 2 failed · 2 running`. */
  bar(width = 20): string {
    const filled = this.total ? Math.round((this.done / this.total) * width) : width;
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${this.done}/${this.total} done · ${this.failed} failed · ${this.running} running`;
  }

  private draw(): void {
    if (this.tty) this.stream.write(`\r\x1b[2K${this.bar()}`);
  }

  end(): void {
    if (this.tty) this.stream.write('\n');
  }
}
