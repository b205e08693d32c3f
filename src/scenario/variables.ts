/**
 * The scenario's variables (`vars:`) and their `{{name}}` references anywhere in the scenario.
 * Values come from `--var`, a student's variant (derived from the student id and the course
 * secret), a generator's default or a fixed value; they replace the references in the plain
 * value of the document before it is validated, so every later stage (schema, compile, checks,
 * topology) sees the variant, and paths still lead back to the `{{name}}` in the file.
 */
import { createHmac } from 'node:crypto';
import type { RecordedVar } from '../generated/run-record.js';
import type { AddressVar, PortVar, TokenVar, VarSpec, WordVar } from '../generated/scenario.js';
import { EnvironmentError, UsageError } from '../errors.js';
import { canonical, fromBigInt, parseCidr, toBigInt } from '../topology/addr.js';
import { ipFamily } from '../util/ip.js';
import { asWarning, didYouMean, type Diagnostic } from './diagnostics.js';
import type { Path, Source } from './source.js';

/** The environment variable that holds the course secret (or give `--secret-file FILE`). */
export const SECRET_ENV = 'WIRELAB_COURSE_SECRET';
/** The shortest course secret taken: a short one could be guessed from a student's values. */
export const MIN_SECRET_BYTES = 16;
/** What a student id may look like (a folder name, an email address, a student number). */
export const STUDENT_ID = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;

/** Names wirelab sets itself: the scenario's folder, the student id, the submission folder. */
const BUILTIN = ['dir', 'student', 'submission'];
/** Set by a command server when it starts (its port and address): only in its `run` and `env`. */
const SERVER_VARS = ['port', 'address'];
const RESERVED: Record<string, string> = {
  dir: "the scenario's folder",
  student: 'the student id',
  submission: 'the submission folder',
  port: "a command server's port",
  address: "a command server's address",
};
const REF = /\{\{\s*([A-Za-z_]\w*)\s*\}\}/g;
const WHOLE = /^\{\{\s*([A-Za-z_]\w*)\s*\}\}$/;
const TOKEN_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';

export interface VariantOptions {
  /** `--var NAME=VALUE`: overrides a declared variable, or sets another name (`submission`). */
  vars?: Record<string, string>;
  /** The student whose variant to derive (`--student`); generators need `secret` then. */
  student?: string;
  /** The course secret (never recorded). */
  secret?: string;
  /** Values `wirelab grade` derived for the student (recorded as derived, not as given). */
  derived?: Record<string, string>;
  /**
   * A run, a live lab or a grade: every reference must have a value. Otherwise (`validate`)
   * `{{submission}}` and `{{student}}` may stay for the run to fill, and a generator without a
   * default takes a sample value.
   */
  strict?: boolean;
}

export type VarValues = Map<string, RecordedVar>;

/** The variant of a compiled scenario: who it is for and every variable's value. */
export interface Variant {
  student?: string;
  vars: Record<string, RecordedVar>;
}

type Generator = PortVar | AddressVar | WordVar | TokenVar;

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function generatorOf(spec: unknown): Generator | undefined {
  if (!isMapping(spec)) return undefined;
  if (isMapping(spec.port) && Number.isInteger(spec.port.from) && Number.isInteger(spec.port.to)) return spec as unknown as PortVar;
  if (isMapping(spec.address) && typeof spec.address.in === 'string') return spec as unknown as AddressVar;
  if (Array.isArray(spec.word) && spec.word.length && spec.word.every((w) => typeof w === 'string')) return spec as unknown as WordVar;
  if ('token' in spec && (spec.token === null || isMapping(spec.token))) return spec as unknown as TokenVar;
  return undefined;
}

/** Whether a `vars:` section has a generator (a variable derived per student). */
export function hasGenerators(vars: unknown): boolean {
  return isMapping(vars) && Object.values(vars).some((s) => generatorOf(s) !== undefined);
}

/** The kind of value a variable holds: generated values of one kind never collide. */
type Kind = 'port' | 'address' | 'word' | 'token';
function kindOf(g: Generator): Kind {
  return 'port' in g ? 'port' : 'address' in g ? 'address' : 'word' in g ? 'word' : 'token';
}

/** HMAC-SHA256(secret, variable name + student id + attempt): the variant's only source of chance. */
export function deriveBytes(secret: string, name: string, student: string, attempt: number): Buffer {
  return createHmac('sha256', secret).update(`wirelab-var\0${name}\0${student}\0${attempt}`).digest();
}

function pick(bytes: Buffer, n: bigint): bigint {
  return BigInt(`0x${bytes.subarray(0, 16).toString('hex')}`) % n;
}

/** The host addresses of a subnet: never its network address, nor its broadcast address (IPv4). */
function hostRange(subnet: string): { family: 4 | 6; lo: bigint; count: bigint } | undefined {
  const c = parseCidr(subnet);
  if (!c) return undefined;
  const bits = BigInt((c.family === 4 ? 32 : 128) - c.prefix);
  const net = toBigInt(c.network.split('/')[0], c.family);
  const size = 1n << bits;
  if (c.family === 4 && c.prefix >= 31) return { family: 4, lo: net, count: size };
  return { family: c.family, lo: net + 1n, count: c.family === 4 ? size - 2n : size - 1n };
}

/** Every address the topology writes (`203.0.113.10/24`, a gateway, a nameserver), canonical. */
function topologyAddresses(v: unknown, out = new Set<string>()): Set<string> {
  if (typeof v === 'string') {
    const ip = v.split('/')[0];
    const f = ipFamily(ip);
    if (f) out.add(canonical(ip, f));
  } else if (Array.isArray(v)) for (const x of v) topologyAddresses(x, out);
  else if (isMapping(v)) for (const x of Object.values(v)) topologyAddresses(x, out);
  return out;
}

/** The value of one generator for a student: the first derived candidate that is not taken. */
function generate(g: Generator, name: string, student: string, secret: string, taken: Set<string>): string | number | undefined {
  const MAX_ATTEMPTS = 64;
  let candidate: (attempt: number) => string | number;
  let count: bigint;
  let nth: (i: bigint) => string | number;
  if ('port' in g) {
    const lo = Math.min(g.port.from, g.port.to);
    count = BigInt(Math.abs(g.port.to - g.port.from) + 1);
    nth = (i) => lo + Number(i);
    candidate = (a) => nth(pick(deriveBytes(secret, name, student, a), count));
  } else if ('address' in g) {
    const r = hostRange(g.address.in);
    if (!r || r.count <= 0n) return undefined;
    count = r.count;
    nth = (i) => fromBigInt(r.lo + i, r.family);
    candidate = (a) => nth(pick(deriveBytes(secret, name, student, a), count));
  } else if ('word' in g) {
    const words = g.word;
    count = BigInt(words.length);
    nth = (i) => words[Number(i)];
    candidate = (a) => nth(pick(deriveBytes(secret, name, student, a), count));
  } else {
    const length = g.token?.length ?? 12;
    count = 0n; // a token of 4 or more of 36 characters: collisions are settled by another attempt
    nth = () => '';
    candidate = (a) => {
      let s = '';
      for (let block = 0; s.length < length; block++) {
        for (const b of deriveBytes(secret, `${name}\0${block}`, student, a)) {
          if (b < 252 && s.length < length) s += TOKEN_CHARS[b % 36];
        }
      }
      return s;
    };
  }
  for (let a = 0; a < MAX_ATTEMPTS; a++) {
    const v = candidate(a);
    if (!taken.has(String(v))) return v;
  }
  // a crowded range: the first free value in order
  for (let i = 0n; i < count; i++) {
    const v = nth(i);
    if (!taken.has(String(v))) return v;
  }
  return undefined;
}

/** A sample value for `validate` of a generator without a default: the first of its range. */
function sample(g: Generator): string | number | undefined {
  if ('port' in g) return Math.min(g.port.from, g.port.to);
  if ('address' in g) {
    const r = hostRange(g.address.in);
    return r && r.count > 0n ? fromBigInt(r.lo, r.family) : undefined;
  }
  if ('word' in g) return g.word[0];
  return 'x'.repeat(g.token?.length ?? 12);
}

/** Whether `value` is one the generator can give (a default, a `--var`). */
function fits(g: Generator, value: string | number): string | undefined {
  if ('port' in g) {
    const lo = Math.min(g.port.from, g.port.to);
    const hi = Math.max(g.port.from, g.port.to);
    return Number.isInteger(value) && (value as number) >= lo && (value as number) <= hi ? undefined : `a port from ${lo} to ${hi}`;
  }
  if ('address' in g) {
    const r = hostRange(g.address.in);
    const f = typeof value === 'string' ? ipFamily(value) : 0;
    if (!r || f !== r.family) return `an address in ${g.address.in}`;
    const n = toBigInt(value as string, f);
    return n >= r.lo && n < r.lo + r.count ? undefined : `a host address in ${g.address.in} (not its network or broadcast address)`;
  }
  if ('word' in g) return typeof value === 'string' && g.word.includes(value) ? undefined : `one of ${g.word.join(', ')}`;
  return typeof value === 'string' && value.length > 0 ? undefined : 'a non-empty text';
}

/** A `--var` text as the declared variable's type: a port or number is a number. */
function typed(spec: VarSpec | undefined, text: string): string | number {
  const numeric = typeof spec === 'number' || (isMapping(spec) && 'port' in spec);
  if (numeric && /^-?\d+(\.\d+)?$/.test(text.trim())) return Number(text);
  return text;
}

/**
 * The value of every variable for this run: `--var`, then the student's variant, then defaults
 * and fixed values; then the builtins. Problems of the `vars:` section are diagnostics at it;
 * a variant without a course secret is an environment error (exit 3) that says how to give one.
 */
export function resolveVars(source: Source, raw: Record<string, unknown>, dir: string, opts: VariantOptions, out: Diagnostic[]): VarValues {
  const decls = isMapping(raw.vars) ? raw.vars : {};
  const given = opts.vars ?? {};
  const derived = opts.derived ?? {};
  const values: VarValues = new Map();
  if (opts.student !== undefined && !STUDENT_ID.test(opts.student))
    throw new UsageError(
      `--student takes an id of letters, digits and . _ @ + - (at most 128), starting with a letter or digit; got "${opts.student}"`,
    );
  const taken: Record<Kind, Set<string>> = {
    port: new Set(),
    address: topologyAddresses(raw.topology),
    word: new Set(),
    token: new Set(),
  };
  for (const name of Object.keys(decls))
    if (BUILTIN.includes(name) || SERVER_VARS.includes(name))
      out.push(
        source.diag(
          ['vars', name],
          'reserved-var',
          `"${name}" is set by wirelab (${RESERVED[name]}); give the variable another name, such as "${name === 'port' ? 'echo_port' : name === 'address' ? 'server_ip' : `my_${name}`}"`,
          true,
        ),
      );
  // fixed and given values are taken before anything is generated
  for (const [name, spec] of Object.entries(decls)) {
    if (BUILTIN.includes(name) || SERVER_VARS.includes(name)) continue;
    const g = generatorOf(spec);
    const v = name in given ? typed(spec as VarSpec, given[name]) : name in derived ? typed(spec as VarSpec, derived[name]) : undefined;
    if (v !== undefined) {
      const why = g ? fits(g, v) : undefined;
      if (why) throw new UsageError(`--var ${name}=${String(v)}: the scenario's variable ${name} takes ${why}`);
      values.set(name, { value: v, from: name in given ? 'given' : 'student' });
      if (g) taken[kindOf(g)].add(String(v));
    } else if (!g && (typeof spec === 'string' || typeof spec === 'number')) {
      values.set(name, { value: spec, from: 'fixed' });
      if (typeof spec === 'number') taken.port.add(String(spec));
    }
  }
  const generators = Object.entries(decls).flatMap(([name, spec]) => {
    const g = generatorOf(spec);
    return g && !values.has(name) ? [[name, g] as const] : [];
  });
  for (const [name, g] of generators) {
    if (g.default !== undefined) {
      const why = fits(g, g.default);
      if (why) out.push(source.diag(['vars', name, 'default'], 'bad-default', `the default of ${name} must be ${why}`));
    }
  }
  if (opts.student !== undefined && generators.length) {
    const secret = opts.secret;
    if (secret === undefined)
      throw new EnvironmentError(
        `the scenario's variable${generators.length > 1 ? 's' : ''} ${generators.map(([n]) => n).join(', ')} ${generators.length > 1 ? 'are' : 'is'} derived per student, which needs the course secret`,
        `export ${SECRET_ENV}=<the course's secret, ${MIN_SECRET_BYTES} or more characters, the same for up, run and grade>, or give --secret-file FILE`,
        'no-course-secret',
      );
    for (const [name, g] of generators) {
      const v = generate(g, name, opts.student, secret, taken[kindOf(g)]);
      if (v === undefined) {
        out.push(
          source.diag(
            ['vars', name],
            'vars-exhausted',
            `no value left for ${name}: its range is used up by the lab's other values; widen it`,
            true,
          ),
        );
        continue;
      }
      taken[kindOf(g)].add(String(v));
      values.set(name, { value: v, from: 'student' });
    }
  } else {
    for (const [name, g] of generators) {
      if (g.default !== undefined) values.set(name, { value: g.default, from: 'default' });
      else if (opts.strict)
        out.push(
          source.diag(
            ['vars', name],
            'no-default',
            `${name} is derived per student and has no default: give --student ID (with the course secret), --var ${name}=VALUE, or a default`,
            true,
          ),
        );
      else {
        const v = sample(g);
        if (v !== undefined) values.set(name, { value: v, from: 'default' });
      }
    }
    {
      // the same defaults for two generators of one kind: a lab where they collide
      const seen = new Map<string, string>();
      for (const [name, g] of generators) {
        const v = values.get(name);
        if (!v || g.default === undefined) continue;
        const key = `${kindOf(g)}\0${String(v.value)}`;
        const other = seen.get(key);
        if (other) out.push(asWarning(source.diag(['vars', name, 'default'], 'same-default', `${name} has the same default as ${other}`)));
        seen.set(key, name);
      }
    }
  }
  // in the order the scenario declares them
  const ordered: VarValues = new Map();
  for (const name of Object.keys(decls)) {
    const v = values.get(name);
    if (v) ordered.set(name, v);
  }
  for (const [name, v] of values) ordered.set(name, v);
  values.clear();
  for (const [name, v] of ordered) values.set(name, v);
  for (const [name, value] of Object.entries(given)) if (!values.has(name)) values.set(name, { value, from: 'given' });
  if (!values.has('dir')) values.set('dir', { value: dir, from: 'builtin' });
  if (opts.student !== undefined && !values.has('student')) values.set('student', { value: opts.student, from: 'builtin' });
  return values;
}

/** Inside a command server's `run` or `env`, where the server sets `{{port}}` and `{{address}}`. */
function inServerCommand(path: Path): boolean {
  const i = path.findIndex((k, j) => k === 'serve' && path[j + 1] === 'command');
  return i >= 0 && (path[i + 2] === 'run' || path[i + 2] === 'env');
}

function pointer(path: Path): string {
  return path.map((k) => `/${String(k).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function hint(name: string, path: Path, values: VarValues): string {
  if (name === 'submission') return ': it is the submission folder, which `wirelab grade` sets; to run by hand give --var submission=DIR';
  if (name === 'student') return ': give --student ID';
  if (SERVER_VARS.includes(name)) return `: {{${name}}} is set only in a command server's run and env (this is ${path.join('.')})`;
  const names = [...values.keys()].filter((n) => n !== 'dir');
  return `${didYouMean(name, [...names, ...BUILTIN])}; declare it under \`vars:\` or give --var ${name}=VALUE${names.length ? ` (variables: ${names.join(', ')})` : ''}`;
}

/**
 * `value` with every `{{name}}` replaced (the `vars:` section itself is left as written). A
 * string that is one whole reference takes the value's type (`port: "{{echo_port}}"` is a
 * number): `wholeRefs` keeps its text, so a field that wants a string gets it back (coerce).
 * An unset name is an error at its own line and column, with a did-you-mean.
 */
export function substituteVars(
  source: Source,
  value: unknown,
  values: VarValues,
  strict: boolean,
  out: Diagnostic[],
): { value: unknown; wholeRefs: Map<string, string>; used: Set<string> } {
  const wholeRefs = new Map<string, string>();
  const used = new Set<string>();
  const walk = (v: unknown, path: Path): unknown => {
    if (typeof v === 'string') {
      if (!v.includes('{{')) return v;
      const whole = WHOLE.exec(v);
      const known = whole ? values.get(whole[1]) : undefined;
      if (known) {
        used.add(whole![1]);
        if (typeof known.value === 'number') wholeRefs.set(pointer(path), String(known.value));
        return known.value;
      }
      const seen = new Map<string, number>();
      return v.replace(REF, (m, name: string) => {
        const nth = seen.get(m) ?? 0;
        seen.set(m, nth + 1);
        const found = values.get(name);
        if (found) {
          used.add(name);
          return String(found.value);
        }
        if (SERVER_VARS.includes(name) && inServerCommand(path)) return m;
        if (!strict && (name === 'submission' || name === 'student')) return m;
        out.push(source.diagInScalar(path, m, nth, 'unset-var', `{{${name}}} is not set${hint(name, path, values)}`));
        return m;
      });
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, i]));
    if (isMapping(v)) {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) o[k] = path.length === 0 && k === 'vars' ? x : walk(x, [...path, k]);
      return o;
    }
    return v;
  };
  return { value: walk(value, []), wholeRefs, used };
}

interface TypeError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
}

/**
 * Gives a whole reference the type its field wants: `validate` (an Ajv validator of the value at
 * `base`) says `must be string` where a port went, and the port's text goes there instead. True
 * when the value validates.
 */
export function coerceRefs(
  validate: { (v: unknown): boolean; errors?: TypeError[] | null },
  value: unknown,
  base: string,
  wholeRefs: Map<string, string>,
): boolean {
  if (!wholeRefs.size) return validate(value);
  for (let round = 0; round < 4; round++) {
    if (validate(value)) return true;
    let changed = false;
    for (const e of validate.errors ?? []) {
      if (e.keyword !== 'type') continue;
      const at = base + e.instancePath;
      const text = wholeRefs.get(at);
      const want = e.params.type;
      if (text === undefined || !(want === 'string' || (Array.isArray(want) && want.includes('string')))) continue;
      if (setAt(value, e.instancePath, text)) {
        wholeRefs.delete(at);
        changed = true;
      }
    }
    if (!changed) return false;
  }
  return validate(value);
}

function setAt(root: unknown, ptr: string, v: unknown): boolean {
  const keys = ptr
    .split('/')
    .slice(1)
    .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  let at = root;
  for (const k of keys.slice(0, -1)) {
    if (Array.isArray(at)) at = at[Number(k)] as unknown;
    else if (isMapping(at)) at = at[k];
    else return false;
  }
  const last = keys[keys.length - 1];
  if (last === undefined) return false;
  if (Array.isArray(at)) at[Number(last)] = v;
  else if (isMapping(at)) at[last] = v;
  else return false;
  return true;
}

export { pointer as pathPointer };
