/**
 * Seeded mutators for the fuzz tests: every case is a pure function of (base, seed), so a failure
 * names its seed and `mutateScenario(base, seed)` / `mutateCapture(base, seed)` gives the input back.
 */
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { prng } from '../packets/synth.js';

export type Rnd = () => number;
const pick = <T>(rnd: Rnd, list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
const int = (rnd: Rnd, n: number) => Math.floor(rnd() * n);

const HUGE = [
  '1e308',
  '-1e308',
  '9'.repeat(400),
  '1.7976931348623157e309',
  '-0',
  '.nan',
  '.inf',
  '-.inf',
  '0x7fffffffffffffff',
  '4294967296',
  '2147484',
  '-1',
  '0.0000001',
];
const VALUES = [
  'null',
  '~',
  'true',
  'false',
  '""',
  "''",
  '[]',
  '{}',
  '[1, 2]',
  '{ a: 1 }',
  '"text"',
  '0',
  '3.5',
  '!!binary aGk=',
  '2001-01-01',
  '"{{submission}}"',
  '"{{nope}}"',
  '"::/0"',
  '"999.1.1.1/8"',
  '"\\u0000"',
  '*undefinedAlias',
];

/** One mutation of a scenario text; `kind` says which. */
export function mutateScenario(base: string, seed: number): { text: string; kind: string } {
  const rnd = prng(seed);
  const kinds = ['flip', 'delete', 'duplicate', 'type-swap', 'nest', 'huge-number', 'splice-lines', 'alias'] as const;
  const kind = pick(rnd, kinds);
  const b = Buffer.from(base, 'utf8');
  switch (kind) {
    case 'flip': {
      for (let i = 0, n = 1 + int(rnd, 6); i < n; i++) b[int(rnd, b.length)] ^= 1 << int(rnd, 8);
      return { text: b.toString('utf8'), kind };
    }
    case 'delete': {
      const at = int(rnd, base.length);
      return { text: base.slice(0, at) + base.slice(at + 1 + int(rnd, 200)), kind };
    }
    case 'duplicate': {
      const lines = base.split('\n');
      const at = int(rnd, lines.length);
      const n = 1 + int(rnd, 12);
      const times = 1 + int(rnd, rnd() < 0.1 ? 200 : 3);
      const chunk = lines.slice(at, at + n);
      return {
        text: [...lines.slice(0, at + n), ...Array.from({ length: times }, () => chunk).flat(), ...lines.slice(at + n)].join('\n'),
        kind,
      };
    }
    case 'splice-lines': {
      const lines = base.split('\n');
      const a = int(rnd, lines.length);
      const c = int(rnd, lines.length);
      [lines[a], lines[c]] = [lines[c], lines[a]];
      return { text: lines.join('\n'), kind };
    }
    case 'type-swap':
    case 'nest':
    case 'huge-number':
    case 'alias': {
      const doc = parseDocument(base);
      const nodes: Node[] = [];
      const walk = (n: unknown) => {
        if (isMap(n) || isSeq(n)) {
          nodes.push(n);
          for (const it of n.items) walk(isMap(n) ? (it as { value: unknown }).value : it);
        } else if (isScalar(n)) nodes.push(n);
      };
      walk(doc.contents);
      const target = pick(rnd, nodes);
      const range = target.range;
      if (!range) return { text: base, kind };
      let repl: string;
      if (kind === 'type-swap') repl = pick(rnd, VALUES);
      else if (kind === 'huge-number') repl = pick(rnd, HUGE);
      else if (kind === 'nest') {
        const depth = pick(rnd, [64, 500, 2000, 10000]);
        repl = rnd() < 0.5 ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`;
      } else {
        // an anchor on this node and many references to it elsewhere (an alias "bomb" in small)
        const refs = Array.from({ length: 1 + int(rnd, 64) }, () => '*x').join(', ');
        return { text: `${base.slice(0, range[0])}&x ${base.slice(range[0])}\nextra: [${refs}]\n`, kind };
      }
      // flow values inside block context: keep them on the same line
      return { text: base.slice(0, range[0]) + repl + base.slice(range[1]), kind };
    }
  }
}

/** One mutation of capture bytes (bit flips, truncation, inserted/deleted/duplicated ranges, huge length fields). */
export function mutateCapture(base: Uint8Array, seed: number): { bytes: Uint8Array; kind: string } {
  const rnd = prng(seed);
  const kinds = ['truncate', 'flip', 'insert', 'delete', 'duplicate', 'huge', 'zero'] as const;
  const b = base.slice();
  const rounds = 1 + int(rnd, 3);
  let bytes: Uint8Array = b;
  const used: string[] = [];
  for (let r = 0; r < rounds; r++) {
    const kind = pick(rnd, kinds);
    used.push(kind);
    const pos = int(rnd, Math.max(1, bytes.length));
    switch (kind) {
      case 'truncate':
        bytes = bytes.subarray(0, pos);
        break;
      case 'flip':
        for (let i = 0, n = 1 + int(rnd, 8); i < n && bytes.length; i++) bytes[int(rnd, bytes.length)] ^= 1 << int(rnd, 8);
        break;
      case 'insert': {
        const ins = Uint8Array.from({ length: 1 + int(rnd, 32) }, () => int(rnd, 256));
        bytes = concat(bytes.subarray(0, pos), ins, bytes.subarray(pos));
        break;
      }
      case 'delete':
        bytes = concat(bytes.subarray(0, pos), bytes.subarray(Math.min(bytes.length, pos + 1 + int(rnd, 32))));
        break;
      case 'duplicate': {
        const end = Math.min(bytes.length, pos + 1 + int(rnd, 256));
        const chunk = bytes.subarray(pos, end);
        const times = 1 + int(rnd, 16);
        bytes = concat(bytes.subarray(0, end), ...Array.from({ length: times }, () => chunk), bytes.subarray(end));
        break;
      }
      case 'huge': {
        const p = Math.min(pos, bytes.length - 4);
        if (p >= 0)
          new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(
            p,
            pick(rnd, [0xffffffff, 0xfffffff0, 0x80000000, 0x7fffffff, 0x00040001, 0x10000]),
            rnd() < 0.5,
          );
        break;
      }
      case 'zero': {
        const end = Math.min(bytes.length, pos + 1 + int(rnd, 16));
        bytes = bytes.slice();
        bytes.fill(0, pos, end);
        break;
      }
    }
  }
  return { bytes, kind: used.join('+') };
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
