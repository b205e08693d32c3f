import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';

const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../../schemas/gradescope-results.schema.json'), 'utf8'));
/** schemas/gradescope-results.schema.json compiled under the project's strict Ajv options. */
export const validateResults = new Ajv2020({ allErrors: true, strict: true, strictRequired: false }).compile(schema);
