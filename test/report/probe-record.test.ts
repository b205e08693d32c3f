/**
 * The run record types each probe result by kind (schemas/run.schema.json `ProbeRecord`): the
 * schema refuses an unknown kind or an unknown field, and the generated types have exactly the
 * fields of what the probes return, so a field added on one side only does not compile.
 */
import { describe, expect, it } from 'vitest';
import type { ResolveResult } from '../../src/dns/client.js';
import type { ProbeRecord, ResolveProbe, ScanProbe, TracerouteProbe } from '../../src/generated/run-record.js';
import type { ScanResult } from '../../src/probes/scan-types.js';
import type { TraceResult } from '../../src/probes/trace.js';
import { run as validateRunRecord } from '../../src/generated/validators.js';
import { schemaErrors, syntheticRecord } from './records.js';

/** `true` only when A and B have the same keys. */
type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never] ? true : false;
const sameKeys: [
  SameKeys<Omit<ScanProbe, 'kind'>, ScanResult>,
  SameKeys<Omit<TracerouteProbe, 'kind'>, TraceResult>,
  // `defaultTypes` is what the step adds: whether it named the types (nslookup's A+AAAA default)
  SameKeys<Omit<ResolveProbe, 'kind' | 'defaultTypes'>, ResolveResult>,
] = [true, true, true];
// What a probe returns is a record without conversion (the steps spread it under its kind).
const asRecord: [(r: ScanResult) => ProbeRecord, (r: TraceResult) => ProbeRecord, (r: ResolveResult) => ProbeRecord] = [
  (r) => ({ kind: 'scan', ...r }),
  (r) => ({ kind: 'traceroute', ...r }),
  (r) => ({ kind: 'resolve', ...r }),
];

function withProbe(i: number, change: (p: Record<string, unknown>) => void) {
  const r = syntheticRecord();
  const probe = JSON.parse(JSON.stringify(r.steps[i].probe)) as Record<string, unknown>;
  change(probe);
  return { ...r, steps: r.steps.map((s, j) => (j === i ? { ...s, probe } : s)) };
}

describe('typed probe results in run.schema.json', () => {
  it('the types match the probes’ results field for field', () => {
    expect(sameKeys).toEqual([true, true, true]);
    expect(asRecord).toHaveLength(3);
  });
  it('a scan, a traceroute and a resolve result validate, with ajv and with the generated validator', () => {
    expect(schemaErrors(syntheticRecord())).toBe('');
    expect(validateRunRecord(syntheticRecord())).toBe(true);
  });
  it('refuses an unknown kind, a field no probe has, a missing field and a wrong state', () => {
    expect(schemaErrors(withProbe(2, (p) => (p.kind = 'ping')))).not.toBe('');
    expect(schemaErrors(withProbe(2, (p) => (p.note = 'free-form')))).not.toBe('');
    expect(schemaErrors(withProbe(3, (p) => delete p.hops))).not.toBe('');
    expect(schemaErrors(withProbe(4, (p) => ((p.transactions as Record<string, unknown>[])[0].extra = 1)))).not.toBe('');
    expect(schemaErrors(withProbe(2, (p) => ((p.ports as Record<string, unknown>[])[0].state = 'half-open')))).not.toBe('');
    // a traceroute's fields under the scan kind
    expect(schemaErrors(withProbe(3, (p) => (p.kind = 'scan')))).not.toBe('');
    expect(validateRunRecord(withProbe(2, (p) => (p.note = 'free-form')))).toBe(false);
  });
});
