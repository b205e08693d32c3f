/**
 * `--student ID` and `--secret-file FILE` for the commands that compile a student's variant
 * (`run`, `up`, `grade`), and the course secret, taken out of the environment as soon as it is
 * read so that no host thread, server or student program started later inherits it.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { EnvironmentError, UsageError } from '../errors.js';
import { MIN_SECRET_BYTES, SECRET_ENV } from '../scenario/variables.js';

export interface VariantFlags {
  student?: string;
  secretFile?: string;
}

export function addVariantOptions(cmd: Command, student = true): Command {
  if (student)
    cmd.option(
      '--student <id>',
      "derive the scenario's generated variables for this student (needs the course secret: $WIRELAB_COURSE_SECRET or --secret-file)",
    );
  return cmd.option('--secret-file <file>', `the course secret (default: $${SECRET_ENV}); never stored in a run record or a lab's state`);
}

/**
 * The course secret from `--secret-file` (its first line) or $WIRELAB_COURSE_SECRET, if any;
 * the variable is removed from this process's environment either way.
 */
export function courseSecret(secretFile?: string): string | undefined {
  const fromEnv = process.env[SECRET_ENV];
  delete process.env[SECRET_ENV];
  let secret = fromEnv;
  let where = `$${SECRET_ENV}`;
  if (secretFile !== undefined) {
    try {
      secret = readFileSync(secretFile, 'utf8').split('\n')[0].replace(/\r$/, '');
    } catch (e) {
      throw new UsageError(
        `cannot read the course secret from --secret-file ${secretFile}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      );
    }
    where = secretFile;
  }
  if (secret === undefined || secret === '') return undefined;
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES)
    throw new EnvironmentError(
      `the course secret in ${where} has ${Buffer.byteLength(secret)} bytes; a secret that short can be guessed from one student's values`,
      `use ${MIN_SECRET_BYTES} or more random characters, e.g. \`openssl rand -hex 16\`, the same for up, run and grade`,
      'weak-course-secret',
    );
  return secret;
}
