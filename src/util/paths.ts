import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schemas'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`wirelab: cannot find the package root above ${start}`);
    dir = up;
  }
}

/** The wirelab package root (holds schemas/, templates/, dist/), from src/ or dist/ alike. */
export const PKG_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
export const TEMPLATE_DIR = join(PKG_ROOT, 'templates');
