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

/** How the messages name a place and quote a value as written. */
export interface CondenseOptions {
  /** How many leading path elements a name leaves out: a step's kind key, a host's `topology.hosts.NAME`. */
  base?: (path: Path) => number;
  /** The text of the scalar at `path` as the file spells it (`-4`, `yes`), to show it quoted. */
  text?: (path: Path) => string | undefined;
}

/** `"run[1]"`, `"firewall.reject[0]"`: the path below the step or host, or its last key when that is all there is. */
function label(path: Path, where: string, opts: CondenseOptions): string {
  if (!path.length) return where;
  let rel = path.slice(opts.base?.(path) ?? 0);
  if (!rel.length) rel = path.slice(-1);
  let s = '';
  for (const el of rel) s += typeof el === 'number' ? `[${el}]` : s ? `.${el}` : el;
  return `"${s}"`;
}

/** The first sentence of a description, not cut at an abbreviation such as "e.g.". */
export function firstSentence(text: string): string {
  const end = /(?<!\b(?:e\.g|i\.e|etc|vs|cf))\.(?=\s|$)/.exec(text);
  return (end ? text.slice(0, end.index) : text).trim();
}

function examplesOf(schema: Schema | undefined): unknown[] {
  return Array.isArray(schema?.examples) ? schema.examples : [];
}

/** A value as a scenario would write it: strings bare when YAML allows, mappings in flow style. */
function yamlish(v: unknown): string {
  if (typeof v === 'string') return /^[A-Za-z0-9_./-][A-Za-z0-9_.,/: -]*$/.test(v) && !/: |:$/.test(v) ? v : JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(yamlish).join(', ')}]`;
  if (isRecord(v))
    return `{ ${Object.entries(v)
      .map(([k, x]) => `${k}: ${yamlish(x)}`)
      .join(', ')} }`;
  return JSON.stringify(v);
}

/**
 * What a value at this schema node should look like, in words: the first sentence of its
 * description (or title), then its `examples`. Empty when the schema says neither.
 */
export function expectation(schema: Schema | undefined): string {
  if (!schema) return '';
  const d = schema.description ?? schema.title;
  const words = typeof d === 'string' && d ? firstSentence(d) : '';
  // examples the description already gives are not repeated
  const ex = examplesOf(schema)
    .map(yamlish)
    .filter((x) => !words.includes(x))
    .map((x) => `\`${x}\``);
  if (!ex.length) return words;
  return words ? `${words}, e.g. ${ex.join(' or ')}` : `e.g. ${ex.join(' or ')}`;
}

function expectedFrom(schema: Schema | undefined): string {
  const e = expectation(schema);
  return e ? `: ${e}` : '';
}

/**
 * A likely intended value for one that fails `pattern`: common slips (a wrong separator,
 * `..` for a range, a spelt-out unit, spaces, case) and a missing tail some example has
 * (`/24`). The first candidate that matches the pattern, if any.
 */
export function repair(value: string, pattern: string, examples: unknown[] = []): string | undefined {
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
  const units: [RegExp, string][] = [
    [/\s*(?:milliseconds?|msecs?|millis)$/i, 'ms'],
    [/\s*(?:seconds?|secs?|sec)$/i, 's'],
    [/\s*(?:minutes?|mins?)$/i, 'm'],
    [/\s+(ms|s|m)$/, '$1'],
  ];
  const candidates = [
    value.replace(/:/g, '/'),
    value.replace(/\//g, ':'),
    value.replace(/\s*\.\.+\s*/g, '-'),
    value.replace(/\s*(?:to|–|—)\s*/g, '-'),
    ...units.map(([from, to]) => value.replace(from, to)),
    value.replace(/\s+/g, ''),
    value.toLowerCase(),
    value.toUpperCase(),
    ...examplesOf({ examples }).flatMap((x) => {
      const ex = String(x);
      const cut = ex.search(/[^A-Za-z0-9][A-Za-z0-9]*$/);
      return cut > 0 ? [value + ex.slice(cut)] : [];
    }),
  ];
  return candidates.find((c) => c !== value && re.test(c));
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

function describe(e: ErrorObject, where: string, opts: CondenseOptions): SchemaProblem {
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
      opts,
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
  const name = label(path, where, opts);
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
      return {
        path,
        onKey: false,
        code: 'bad-type',
        message: `${name} must be ${want}${shape(parent, want)}, found ${found(e, path, opts)}`,
      };
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
        message: `${name} is not valid: ${JSON.stringify(e.data)}${suggestion(e)}${expectedFrom(parent) || ` (expected to match ${String(p.pattern)})`}`,
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
export function condense(errors: ErrorObject[], where: string, opts: CondenseOptions = {}): SchemaProblem[] {
  const alternatives = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  const dropped = new Set<ErrorObject>();
  const extra: SchemaProblem[] = [];
  // `if`/`then` only says that the `then` failed: its own errors say how.
  for (const e of errors) if (e.keyword === 'if') dropped.add(e);
  for (const alt of alternatives) {
    const base = alt.schemaPath.replace(/^#/, '');
    const at = errors.indexOf(alt);
    // A branch that is a `$ref` reports schema paths of the schema it names: those errors are
    // the ones right before the alternative's, on the same value or inside it.
    const before = new Set<ErrorObject>();
    for (let j = at - 1; alt.instancePath && j >= 0 && within(errors[j].instancePath, alt.instancePath); j--) before.add(errors[j]);
    const inside = errors.filter(
      (e) =>
        e !== alt &&
        (before.has(e) || (e.schemaPath.replace(/^#/, '').startsWith(`${base}/`) && e.instancePath.startsWith(alt.instancePath))),
    );
    const choice = keyChoice(alt.schema);
    const path = pointerToPath(alt.instancePath);
    const name = label(path, where, opts);
    if (choice) {
      inside.forEach((e) => dropped.add(e));
      dropped.add(alt);
      const present = choice.filter((k) => e_has(alt.data, k));
      extra.push({
        path,
        onKey: path.length > 0,
        code: present.length ? 'conflicting-keys' : 'missing-key',
        message: present.length
          ? `${name} takes only one of ${quoteList(choice)}, found ${quoteList(present)}`
          : `${name} needs one of the keys ${quoteList(choice)}`,
      });
      continue;
    }
    // Every branch but one wants another type: the errors left are that branch's.
    const typeMisses = inside.filter((e) => e.keyword === 'type' && e.instancePath === alt.instancePath);
    const branches = Array.isArray(alt.schema) ? alt.schema.length : 0;
    if (branches > 1 && typeMisses.length === branches - 1 && inside.length > typeMisses.length) {
      typeMisses.forEach((e) => dropped.add(e));
      dropped.add(alt);
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
      extra.push({ path, onKey: false, code: 'bad-value', message: `${name} is not valid${expectedFrom(alt.parentSchema) || ''}` });
    }
  }
  // `propertyNames` only repeats, without the key's name, what the error for the key itself says.
  const kept = errors.filter((e) => !dropped.has(e) && e.keyword !== 'propertyNames').map((e) => describe(e, where, opts));
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

/** What a mapping should hold, when a mapping is wanted: its description and an example, or its keys. */
function shape(schema: Schema | undefined, want: string): string {
  if (!schema || !want.startsWith('a mapping')) return '';
  const e = expectation(schema);
  if (examplesOf(schema).length) return ` (${e})`;
  const keys = Object.keys(schema.properties ?? {});
  return keys.length ? ` (${e ? `${e}: ` : ''}{ ${keys.map((k) => `${k}: …`).join(', ')} })` : e ? ` (${e})` : '';
}

/** The value found, and when a string was wanted and YAML read a number, true/false or null, how to quote it. */
function found(e: ErrorObject, path: Path, opts: CondenseOptions): string {
  const kind = typeOf(e.data);
  const wanted = String((e.params as Record<string, unknown>).type).split(',');
  if (!isRecord(e.data) && !Array.isArray(e.data) && wanted.includes('string')) {
    const written = opts.text?.(path) ?? String(e.data);
    return `${kind} ${written}; write it in quotes to make it a string: "${written}"`;
  }
  if (typeof e.data === 'string') return `string ${JSON.stringify(e.data)}`;
  return kind;
}

/** ` (did you mean "tcp/8081"?)` for a value that fails a pattern by a common slip. */
function suggestion(e: ErrorObject): string {
  if (typeof e.data !== 'string') return '';
  const fix = repair(e.data, String((e.params as Record<string, unknown>).pattern), examplesOf(e.parentSchema));
  return fix ? ` (did you mean "${fix}"?)` : '';
}

/** Is the value at pointer `inner` the one at `outer` or inside it? */
function within(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(`${outer}/`);
}

function e_has(data: unknown, key: string): boolean {
  return isRecord(data) && key in data;
}
