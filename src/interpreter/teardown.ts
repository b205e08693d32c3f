/**
 * Everything a run starts registers how to stop it here, before it can be used; teardown
 * runs newest first, once, on success, failure, timeout and interruption alike, and keeps
 * going past errors (they are collected and reported).
 */
export class TeardownStack {
  private readonly items: { label: string; fn: () => Promise<unknown> }[] = [];
  private ran = false;

  push(label: string, fn: () => Promise<unknown>): void {
    if (this.ran) throw new Error(`teardown already ran; cannot register ${label}`);
    this.items.push({ label, fn });
  }

  get size(): number {
    return this.items.length;
  }

  async run(timeoutMs = 10_000): Promise<{ label: string; error: string }[]> {
    this.ran = true;
    const errors: { label: string; error: string }[] = [];
    while (this.items.length) {
      const { label, fn } = this.items.pop()!;
      try {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          fn(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`did not finish within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]).finally(() => clearTimeout(timer));
      } catch (e) {
        errors.push({ label, error: e instanceof Error ? e.message : String(e) });
      }
    }
    return errors;
  }
}
