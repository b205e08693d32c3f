import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PKG_ROOT } from './util/paths.js';

export const VERSION: string = (JSON.parse(readFileSync(join(PKG_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
