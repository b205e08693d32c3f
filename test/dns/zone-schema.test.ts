import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import * as compiled from '../../src/generated/validators.js';
import { LAB_ZONE, SEED_ZONES } from './lab-zone.js';

// the options src/scenario/schemas.ts compiles the project's schemas with
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, validateFormats: false, verbose: true });
// the one copy of the zone schema: schemas/dns-zone.schema.json (serve.schema.json refers to it)
const validate = ajv.compile(JSON.parse(readFileSync('schemas/dns-zone.schema.json', 'utf8')));
const errors = (zone: unknown) => (validate(zone) ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message}`));

describe('zone schema', () => {
  it('is what a serve: dns step refers to, and the compiled validator agrees with it', () => {
    const serve = JSON.parse(readFileSync('schemas/steps/serve.schema.json', 'utf8'));
    expect(JSON.stringify(serve)).toContain('"$ref":"../dns-zone.schema.json"');
    for (const z of [...SEED_ZONES, { origin: 'x.test', extra: 1 }, { records: [{ name: 'a.x.test', type: 'MX', value: 'mail.x.test' }] }])
      expect(compiled.dns_zone(z)).toBe(validate(z));
  });

  it('accepts the test zones and the brief example', () => {
    for (const z of [LAB_ZONE, ...SEED_ZONES]) expect(errors(z)).toEqual([]);
    expect(
      errors({
        origin: 'lab.example',
        ttl: 300,
        records: [{ name: '@', type: 'SOA', value: { mname: 'ns1', rname: 'hostmaster', serial: 2026 } }],
      }),
    ).toEqual([]);
  });

  it('rejects unknown keys and values of the wrong shape for their type', () => {
    expect(errors({ origin: 'x.test', extra: 1 })).toContain(' must NOT have additional properties');
    expect(errors({ records: [{ name: 'a.x.test', type: 'A', value: '2001:db8::1' }] })).toContain(
      '/records/0/value must match pattern "^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$"',
    );
    expect(errors({ records: [{ name: 'a.x.test', type: 'AAAA', value: '192.0.2.1' }] })).toContain(
      '/records/0/value must match pattern "^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$"',
    );
    expect(errors({ records: [{ name: 'a.x.test', type: 'MX', value: 'mail.x.test' }] })).toContain('/records/0/value must be object');
    expect(errors({ records: [{ name: 'a.x.test', type: 'MX', value: { priority: 10, exchange: 'm.x.test', weight: 1 } }] })).toContain(
      '/records/0/value must NOT have additional properties',
    );
    expect(errors({ records: [{ name: 'a.x.test', type: 'SRV', value: 'x' }] })).toContain(
      '/records/0/type must be equal to one of the allowed values',
    );
    expect(errors({ records: [{ name: 'bad name', type: 'A', value: '192.0.2.1' }] })).toEqual([
      expect.stringMatching(/^\/records\/0\/name must match pattern /),
    ]);
    expect(errors({ records: [{ name: 'a.x.test', type: 'TXT', value: 5 }] })).toEqual(
      expect.arrayContaining(['/records/0/value must be string', '/records/0/value must be array']),
    );
  });
});
