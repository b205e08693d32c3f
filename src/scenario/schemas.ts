import type { ErrorObject, ValidateFunction } from 'ajv';
import { scenario, steps } from '../generated/validators.js';

/**
 * The validators of schemas/, compiled at build time (`npm run gen:types` writes
 * src/generated/validators.js with Ajv's standalone code), so no schema is compiled at
 * start-up. Scenario validation runs in two phases so that one mistake gives one error:
 * first the document with every step taken as "some mapping" (`scenario`), then each step
 * against its own kind's schema (again with nested steps as plain mappings).
 *
 * Only the scenario's validators: the run record's (`run`) is imported by name where a record
 * is read, so the bundle of `wirelab validate` leaves it out (named imports are tree-shaken).
 */
export class SchemaSet {
  readonly scenario: ValidateFunction = scenario;

  /** The step kinds the schemas define (from schemas/steps/*.schema.json). */
  get stepKinds(): string[] {
    return Object.keys(steps);
  }

  step(kind: string): ValidateFunction {
    const v = Object.hasOwn(steps, kind) ? (steps as Record<string, ValidateFunction>)[kind] : undefined;
    if (!v) throw new Error(`no schema for step kind ${kind}`);
    return v;
  }
}

let shared: SchemaSet | undefined;
export function schemas(): SchemaSet {
  return (shared ??= new SchemaSet());
}

export type { ErrorObject };
