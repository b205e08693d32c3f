import type { ErrorObject } from 'ajv';
import { didYouMean, quoteList } from './diagnostics.js';
import type { Path } from './source.js';

/** One schema problem, ready to be located: a path in the document and a message. */
export interface SchemaProblem {
  path: Path;
  onKey: boolean;
  code: string;
  message: string;
}

/** The parts of a JSON Schema node the messages read. */
interface Schema {
  description?: unknown;
  title?: unknown;
  properties?: Record<string, Schema | undefined>;
  [key: string]: unknown;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

function pointerToPath(pointer: string): Path {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'mapping';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

const typeWords: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  null: 'null',
};

function expectedFrom(schema: Schema | undefined): string {
  if (!schema) return '';
  const d = schema.description ?? schema.title;
  return typeof d === 'string' && d ? `: ${d.split('. ')[0].replace(/\.$/, '')}` : '';
}

/** Is this a pure "exactly one of these keys" rule: `oneOf: [{required:[a]}, {required:[b]}]`? */
function keyChoice(branches: unknown): string[] | undefined {
  if (!Array.isArray(branches)) return undefined;
  const required = branches.map((b: unknown) =>
    isRecord(b) && Object.keys(b).length === 1 && Array.isArray(b.required) ? strings(b.required) : undefined,
  );
  if (!required.every((r): r is string[] => r !== undefined)) return undefined;
  return required.map((r) => r[0]);
}

function describe(e: ErrorObject, where: string): SchemaProblem {
  // A key rejected by `propertyNames`: ajv gives the mapping's path and the key apart; the problem is the key.
  if (e.propertyName !== undefined) {
    const parentPath = pointerToPath(e.instancePath);
    const inner = describe(
      {
        ...e,
        propertyName: undefined,
        instancePath: `${e.instancePath}/${e.propertyName.replace(/~/g, '~0').replace(/\//g, '~1')}`,
        data: e.propertyName,
      },
      where,
    );
    const key = `the key "${e.propertyName}" in ${parentPath.length ? `"${parentPath[parentPath.length - 1]}"` : where}`;
    const message =
      e.keyword === 'pattern'
        ? `${key} is not valid${expectedFrom(e.parentSchema) || ` (expected to match ${(e.params as Record<string, string>).pattern})`}`
        : inner.message.replace(/^"[^"]*"/, key);
    return { ...inner, path: [...parentPath, e.propertyName], onKey: true, message };
  }
  const path = pointerToPath(e.instancePath);
  const p: Record<string, unknown> = e.params;
  const parent: Schema | undefined = e.parentSchema;
  const key = String(p.additionalProperty ?? p.missingProperty);
  const name = path.length ? `"${path[path.length - 1]}"` : where;
  switch (e.keyword) {
    case 'additionalProperties': {
      const allowed = Object.keys(parent?.properties ?? {});
      return {
        path: [...path, key],
        onKey: true,
        code: 'unknown-key',
        message: `unknown key "${key}" in ${path.length ? name : where}${didYouMean(key, allowed)}; expected one of: ${allowed.join(', ')}`,
      };
    }
    case 'required':
      return {
        path,
        onKey: true,
        code: 'missing-key',
        message: `${path.length ? name : where} needs the key "${key}"${expectedFrom(parent?.properties?.[key])}`,
      };
    case 'type': {
      const want = String(p.type)
        .split(',')
        .map((t) => typeWords[t] ?? t)
        .join(' or ');
      return { path, onKey: false, code: 'bad-type', message: `${name} must be ${want}, found ${typeOf(e.data)}` };
    }
    case 'enum':
      return {
        path,
        onKey: false,
        code: 'bad-value',
        message: `${name} must be one of: ${quoteList(strings(p.allowedValues))}, found ${JSON.stringify(e.data)}${didYouMean(String(e.data), strings(p.allowedValues))}`,
      };
    case 'const':
      return {
        path,
        onKey: false,
        code: 'bad-value',
        message: `${name} must be ${JSON.stringify(p.allowedValue)}, found ${JSON.stringify(e.data)}`,
      };
    case 'pattern':
      return {
        path,
        onKey: false,
        code: 'bad-value',
        message: `${name} is not valid: ${JSON.stringify(e.data)}${expectedFrom(parent) || ` (expected to match ${String(p.pattern)})`}`,
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return {
        path,
        onKey: false,
        code: 'bad-value',
        message: `${name} must be ${String(p.comparison)} ${String(p.limit)}, found ${JSON.stringify(e.data)}`,
      };
    case 'minItems':
      return { path, onKey: false, code: 'bad-value', message: `${name} needs at least ${String(p.limit)} item(s)` };
    case 'minProperties':
      return { path, onKey: false, code: 'bad-value', message: `${name} needs at least ${String(p.limit)} key(s)` };
    default:
      return { path, onKey: false, code: 'bad-value', message: `${name} ${e.message ?? 'is not valid'}` };
  }
}

/**
 * Turns ajv's errors into the few a person needs. For a failed `oneOf`/`anyOf`, keeps only
 * the errors of the branch whose type fits the value (a mapping given where a string or a
 * mapping is allowed is judged as a mapping), or else says in one line what was expected.
 */
export function condense(errors: ErrorObject[], where: string): SchemaProblem[] {
  const alternatives = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  const dropped = new Set<ErrorObject>();
  const extra: SchemaProblem[] = [];
  for (const alt of alternatives) {
    const base = alt.schemaPath.replace(/^#/, '');
    const inside = errors.filter(
      (e) => e !== alt && e.schemaPath.replace(/^#/, '').startsWith(`${base}/`) && e.instancePath.startsWith(alt.instancePath),
    );
    const choice = keyChoice(alt.schema);
    if (choice) {
      inside.forEach((e) => dropped.add(e));
      dropped.add(alt);
      const present = choice.filter((k) => e_has(alt.data, k));
      const path = pointerToPath(alt.instancePath);
      extra.push({
        path,
        onKey: path.length > 0,
        code: present.length ? 'conflicting-keys' : 'missing-key',
        message: present.length
          ? `${path.length ? `"${path[path.length - 1]}"` : where} takes only one of ${quoteList(choice)}, found ${quoteList(present)}`
          : `${path.length ? `"${path[path.length - 1]}"` : where} needs one of the keys ${quoteList(choice)}`,
      });
      continue;
    }
    const byBranch = new Map<number, ErrorObject[]>();
    for (const e of inside) {
      const i = Number(
        e.schemaPath
          .replace(/^#/, '')
          .slice(base.length + 1)
          .split('/')[0],
      );
      byBranch.set(i, [...(byBranch.get(i) ?? []), e]);
    }
    const fitting = [...byBranch.entries()].filter(
      ([, es]) => !es.some((e) => e.keyword === 'type' && e.instancePath === alt.instancePath),
    );
    if (fitting.length === 1) {
      inside.filter((e) => !fitting[0][1].includes(e)).forEach((e) => dropped.add(e));
      dropped.add(alt);
    } else {
      inside.forEach((e) => dropped.add(e));
      dropped.add(alt);
      const path = pointerToPath(alt.instancePath);
      const name = path.length ? `"${path[path.length - 1]}"` : where;
      extra.push({ path, onKey: false, code: 'bad-value', message: `${name} is not valid${expectedFrom(alt.parentSchema) || ''}` });
    }
  }
  // `propertyNames` only repeats, without the key's name, what the error for the key itself says.
  const kept = errors.filter((e) => !dropped.has(e) && e.keyword !== 'propertyNames').map((e) => describe(e, where));
  const all = [...kept, ...extra];
  // A misspelt key shows up twice: as an unknown key and as a missing one. Keep the first.
  const misspelt = new Set(all.filter((p) => p.code === 'unknown-key').map((p) => p.path.slice(0, -1).join('/')));
  const seen = new Set<string>();
  return all.filter((p) => {
    if (p.code === 'missing-key' && misspelt.has(p.path.join('/'))) return false;
    const k = `${p.path.join('/')}|${p.code}|${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function e_has(data: unknown, key: string): boolean {
  return isRecord(data) && key in data;
}
