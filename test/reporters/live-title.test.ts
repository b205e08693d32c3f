import { describe, expect, it } from 'vitest';
import { LiveReporter } from '../../src/reporters/live.js';

const title = (steps: number) => {
  const out: string[] = [];
  new LiveReporter({ write: (s: string) => out.push(s), isTTY: false } as unknown as NodeJS.WriteStream).runStarted({ name: 'x', steps });
  return out.join('');
};

describe('the live display’s first line', () => {
  it('counts steps in the singular and the plural (issue 16: "(1 steps)")', () => {
    expect(title(1)).toBe('wirelab: x (1 step)\n');
    expect(title(3)).toBe('wirelab: x (3 steps)\n');
  });
});
