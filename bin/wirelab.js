#!/usr/bin/env node
// The bundled CLI (dist/bundle/, built by `npm run build`) starts fastest; the unbundled tree in
// dist/ is the same code, used when the bundle is not there.
import { existsSync } from 'node:fs';

const bundled = new URL('../dist/bundle/cli.js', import.meta.url);
import(existsSync(bundled) ? bundled.href : '../dist/cli/main.js')
  .then((m) => m.main(process.argv.slice(2)))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(err);
      process.exitCode = 4;
    },
  );
