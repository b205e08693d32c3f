import type { ErrorObject, ValidateFunction } from 'ajv';
import * as compiled from '../generated/validators.js';

/**
 * The validators of schemas/, compiled at build time (`npm run gen:types` writes
 * src/generated/validators.js with Ajv's standalone code), so no schema is compiled at
 * start-up. Scenario validation runs in two phases so that one mistake gives one error:
 * first the document with every step taken as "some mapping" (`scenario`), then each step
 * against its own kind's schema (again with nested steps as plain mappings).
 */
export class SchemaSet {
  readonly scenario: ValidateFunction = compiled.scenario;
  readonly run: ValidateFunction = compiled.run;

  /** The step kinds the schemas define (from schemas/steps/*.schema.json). */
  get stepKinds(): string[] {
    return Object.keys(compiled)
      .filter((k) => k.startsWith('steps_'))
      .map((k) => k.slice('steps_'.length));
  }

  step(kind: string): ValidateFunction {
    const v = (compiled as Record<string, ValidateFunction | undefined>)[`steps_${kind}`];
    if (!v) throw new Error(`no schema for step kind ${kind}`);
    return v;
  }
}

let shared: SchemaSet | undefined;
export function schemas(): SchemaSet {
  return (shared ??= new SchemaSet());
}

export type { ErrorObject };
