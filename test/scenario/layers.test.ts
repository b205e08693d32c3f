import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve('src');

/** The src/ folders that the files of `folder` import (relative imports, type-only ones too). */
function importsOf(folder: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of readdirSync(join(SRC, folder), { recursive: true, encoding: 'utf8' })) {
    if (!f.endsWith('.ts')) continue;
    const file = join(SRC, folder, f);
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/g)) {
      const target = relative(SRC, resolve(dirname(file), m[1])).split('/')[0];
      if (target !== folder) out.set(target, [...(out.get(target) ?? []), `${folder}/${f}`]);
    }
  }
  return out;
}

// scenario → steps → (domains); interpreter → scenario, steps; topology → hosts. None back up.
const FORBIDDEN: Record<string, string[]> = {
  steps: ['scenario', 'interpreter', 'topology', 'grade', 'report', 'commands', 'cli'],
  scenario: ['interpreter', 'grade', 'report', 'commands', 'cli'],
  topology: ['interpreter', 'scenario', 'steps', 'grade', 'commands', 'cli'],
};

describe('layers of the compile → run path', () => {
  for (const [folder, banned] of Object.entries(FORBIDDEN)) {
    it(`src/${folder}/ imports none of ${banned.join(', ')}`, () => {
      const found = importsOf(folder);
      expect(found.size, `src/${folder}/ imports nothing at all: the scan is broken`).toBeGreaterThan(0);
      expect(Object.fromEntries(banned.filter((b) => found.has(b)).map((b) => [b, found.get(b)]))).toEqual({});
    });
  }
});
