import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { SCHEMA_DIR } from '../util/paths.js';

type Json = Record<string, unknown>;

function readSchemas(): Json[] {
  const files = [
    ...readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.schema.json')),
    ...readdirSync(join(SCHEMA_DIR, 'steps')).filter((f) => f.endsWith('.schema.json')).map((f) => `steps/${f}`),
  ];
  return files.map((f) => JSON.parse(readFileSync(join(SCHEMA_DIR, f), 'utf8')) as Json);
}

/**
 * The validators compiled from schemas/. Scenario validation runs in two phases so that one
 * mistake gives one error: first the document with every step taken as "some mapping", then
 * each step against its own kind's schema (again with nested steps as plain mappings).
 */
export class SchemaSet {
  private readonly ajv: InstanceType<typeof Ajv2020>;
  private readonly stepValidators = new Map<string, ValidateFunction>();
  readonly scenario: ValidateFunction;
  readonly run: ValidateFunction;

  constructor() {
    this.ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, validateFormats: false, verbose: true });
    for (const schema of readSchemas()) {
      if (schema.$id === 'scenario.schema.json') {
        // The shallow copy: steps are "a mapping" here; each is validated on its own afterwards.
        const defs = { ...(schema.$defs as Json), step: { type: 'object' } };
        this.ajv.addSchema({ ...schema, $defs: defs });
      } else {
        this.ajv.addSchema(schema);
      }
    }
    this.scenario = this.ajv.getSchema('scenario.schema.json')!;
    this.run = this.ajv.getSchema('run.schema.json')!;
  }

  /** The step kinds the schemas define (from schemas/steps/*.schema.json). */
  get stepKinds(): string[] {
    return readdirSync(join(SCHEMA_DIR, 'steps')).filter((f) => f.endsWith('.schema.json')).map((f) => f.replace(/\.schema\.json$/, ''));
  }

  step(kind: string): ValidateFunction {
    let v = this.stepValidators.get(kind);
    if (!v) {
      v = this.ajv.getSchema(`steps/${kind}.schema.json`);
      if (!v) throw new Error(`no schema for step kind ${kind}`);
      this.stepValidators.set(kind, v);
    }
    return v;
  }
}

let shared: SchemaSet | undefined;
export function schemas(): SchemaSet {
  return (shared ??= new SchemaSet());
}

export type { ErrorObject };
