import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvironmentError, exitClassOf, UsageError } from '../../src/errors.js';
import { formatDiagnostic } from '../../src/scenario/diagnostics.js';
import { loadScenario, loadScenarioText, type LoadResult } from '../../src/scenario/load.js';
import type { VariantOptions } from '../../src/scenario/variables.js';
import { deriveVariant } from '../../src/grade/variant.js';

const SECRET = 'course-secret-for-tests-0123456789';
const FIXTURE = join(process.cwd(), 'test', 'fixtures', 'vars', 'variants.yaml');
const TEXT = readFileSync(FIXTURE, 'utf8');
const STUDENTS = Array.from({ length: 20 }, (_, i) => `s${i + 1}`);

function load(text: string, opts: VariantOptions = {}): LoadResult {
  return loadScenarioText('lab.yaml', text, opts);
}
function ok(text: string, opts: VariantOptions = {}) {
  const r = load(text, opts);
  if (!r.ok) throw new Error(r.diagnostics.map(formatDiagnostic).join('\n'));
  return r.loaded;
}
const values = (text: string, opts: VariantOptions) =>
  Object.fromEntries(Object.entries(ok(text, opts).variant.vars).map(([k, v]) => [k, v.value]));
const lines = (text: string, opts: VariantOptions = { strict: true }) => {
  const r = load(text, opts);
  return r.ok ? [] : r.diagnostics.map(formatDiagnostic);
};

const ports = (n: number, from: number, to: number) =>
  `name: p\nvars:\n${Array.from({ length: n }, (_, i) => `  p${i}: { port: { from: ${from}, to: ${to} } }`).join('\n')}\nsteps: []\n`;

describe('variables: defaults and substitution everywhere', () => {
  it('without a student the defaults apply; a whole reference keeps its type', () => {
    const l = ok(TEXT, { strict: true });
    expect(l.variant.student).toBeUndefined();
    expect(l.variant.vars.echo_port).toEqual({ value: 50007, from: 'default' });
    expect(l.variant.vars.greeting).toEqual({ value: 'hello', from: 'fixed' });
    const s = l.scenario;
    // topology: an address and a firewall rule
    expect(s.topology?.hosts.server?.ip).toBe('203.0.113.4/29');
    expect(s.topology?.hosts.server?.firewall?.allow).toEqual(['tcp/50007']);
    // an integer field given "{{echo_port}}" is the number; a string field (argv) its text
    const [serve, cmd, capture, exec, scan, inspect] = s.steps as unknown as Record<string, Record<string, unknown>>[];
    expect(serve.serve.port).toBe(50007);
    expect(serve.serve.echo).toEqual({ banner: 'hello alpha abcdefghij\n' });
    // a command server's {{address}} and {{port}} are its own, filled when it starts
    expect(cmd.serve.command).toEqual({ run: ['ncat', '-l', '{{address}}', '{{port}}'], env: { WORD: 'alpha' } });
    expect(capture.capture.filter).toBe('tcp port 50007');
    expect(capture.capture.expect).toEqual({ packets: ['client > server:50007 [SYN]'] });
    expect((capture.capture.during as Record<string, Record<string, unknown>>[])[1].expect.line).toBe('hello alpha abcdefghij');
    expect(exec.exec.run).toEqual(['echo', '50007', '203.0.113.4']);
    expect(exec.exec.expect).toEqual({ stdout: '50007 203.0.113.4\n' });
    expect(scan.scan.target).toBe('203.0.113.4');
    expect(scan.scan.expect).toEqual({ open: [50007] });
    expect(inspect.inspect.file).toBe(join(process.cwd(), 'alpha.pcap'));
    expect(inspect.inspect.expect).toEqual({ packets: ['* > 203.0.113.4:50007 [SYN]'] });
    // the compiled steps see the same values (their titles are made from the bodies)
    expect(l.plan.steps[4].title).toContain('50007');
  });

  it('an unset variable is an error at its own line and column, with a did-you-mean', () => {
    const text = TEXT.replace('filter: tcp port {{echo_port}}', 'filter: tcp port {{echo_prot}}').replace(
      'run: [echo, "{{echo_port}}"',
      'run: [echo, "{{submision}}"',
    );
    expect(lines(text)).toEqual([
      'lab.yaml:24:24: unset-var {{echo_prot}} is not set (did you mean "echo_port"?); declare it under `vars:` or give --var echo_prot=VALUE (variables: echo_port, other_port, server_ip, word, token, greeting)',
      'lab.yaml:31:38: unset-var {{submision}} is not set (did you mean "submission"?); declare it under `vars:` or give --var submision=VALUE (variables: echo_port, other_port, server_ip, word, token, greeting)',
    ]);
  });

  it('the second of two references on a line, and one in a block scalar, are found where they are', () => {
    const text = 'name: x\ndescription: |\n  first line\n  port {{a}} and {{b}}\nsteps:\n  - exec: { run: "echo {{a}} {{b}}" }\n';
    expect(lines(text)).toEqual([
      expect.stringMatching(/^lab\.yaml:4:8: unset-var \{\{a\}\}/),
      expect.stringMatching(/^lab\.yaml:4:18: unset-var \{\{b\}\}/),
      expect.stringMatching(/^lab\.yaml:6:24: unset-var \{\{a\}\}/),
      expect.stringMatching(/^lab\.yaml:6:30: unset-var \{\{b\}\}/),
    ]);
  });

  it('{{submission}} unset is an error in a run, left for the run to fill in validate', () => {
    const text = 'name: x\nsteps:\n  - inspect: { file: "{{submission}}/a.pcap", expect: { packets: ["*"] } }\n';
    expect(lines(text)).toEqual([
      expect.stringContaining(
        'lab.yaml:3:23: unset-var {{submission}} is not set: it is the submission folder, which `wirelab grade` sets',
      ),
    ]);
    expect(lines(text, {})).toEqual([]);
    const l = ok(text, { strict: true, vars: { submission: '/tmp/sub' } });
    expect((l.scenario.steps[0] as { inspect: { file: string } }).inspect.file).toBe('/tmp/sub/a.pcap');
    expect(l.variant.vars.submission).toEqual({ value: '/tmp/sub', from: 'given' });
  });

  it('{{port}} outside a command server is unset, with where it exists', () => {
    expect(lines('name: x\nsteps:\n  - exec: { run: "echo {{port}}" }\n')).toEqual([
      expect.stringContaining("lab.yaml:3:24: unset-var {{port}} is not set: {{port}} is set only in a command server's run and env"),
    ]);
  });

  it('a value of the wrong type where a whole reference went is a schema error at the reference', () => {
    const text = 'name: x\nvars:\n  w: { word: [a, b], default: a }\nsteps:\n  - serve: { as: e, port: "{{w}}", echo: {} }\n';
    expect(lines(text)).toEqual([expect.stringMatching(/^lab\.yaml:5:27: .*port/)]);
  });

  it('a default outside its generator, or a generator without default and without student, is an error', () => {
    const bad = 'name: x\nvars:\n  p: { port: { from: 1000, to: 1009 }, default: 2000 }\nsteps: []\n';
    expect(lines(bad)).toEqual(['lab.yaml:3:49: bad-default the default of p must be a port from 1000 to 1009']);
    expect(lines(ports(1, 1000, 1009))).toEqual([
      'lab.yaml:3:3: no-default p0 is derived per student and has no default: give --student ID (with the course secret), --var p0=VALUE, or a default',
    ]);
    // validate takes a sample value
    expect(lines(ports(1, 1000, 1009), {})).toEqual([]);
  });

  it('a variable named like one wirelab sets is refused at its name', () => {
    expect(lines('name: x\nvars:\n  port: 5\nsteps: []\n', {})).toEqual([
      'lab.yaml:3:3: reserved-var "port" is set by wirelab (a command server\'s port); give the variable another name, such as "echo_port"',
    ]);
  });

  it('--var overrides a variable, typed and checked against its generator', () => {
    expect(values(TEXT, { strict: true, vars: { echo_port: '50001' } }).echo_port).toBe(50001);
    expect(() => load(TEXT, { vars: { echo_port: '60000' } })).toThrow(UsageError);
    expect(() => load(TEXT, { vars: { server_ip: '203.0.113.7' } })).toThrow(/host address in 203\.0\.113\.0\/29/);
  });
});

describe('variables: per-student variants', () => {
  it('are deterministic: the same student and secret give the same values', () => {
    const a = values(TEXT, { student: 's1', secret: SECRET, strict: true });
    const b = values(TEXT, { student: 's1', secret: SECRET, strict: true });
    expect(a).toEqual(b);
    expect(a.student).toBe('s1');
    expect(ok(TEXT, { student: 's1', secret: SECRET }).variant.vars.echo_port.from).toBe('student');
  });

  it('differ between students, and with another secret', () => {
    const all = STUDENTS.map((s) => JSON.stringify({ ...values(TEXT, { student: s, secret: SECRET }), student: '' }));
    expect(new Set(all).size).toBe(STUDENTS.length);
    const other = STUDENTS.map((s) => JSON.stringify({ ...values(TEXT, { student: s, secret: `${SECRET}-other` }), student: '' }));
    expect(other.filter((v, i) => v === all[i])).toEqual([]);
  });

  it('stay inside their ranges, never on the network, broadcast or a topology address', () => {
    for (const s of STUDENTS) {
      const v = values(TEXT, { student: s, secret: SECRET });
      expect(v.echo_port).toBeGreaterThanOrEqual(50000);
      expect(v.echo_port).toBeLessThanOrEqual(50009);
      // 203.0.113.0/29: .0 network, .7 broadcast, .2 the client's
      expect(['203.0.113.1', '203.0.113.3', '203.0.113.4', '203.0.113.5', '203.0.113.6']).toContain(v.server_ip);
      expect(['alpha', 'bravo', 'charlie']).toContain(v.word);
      expect(v.token).toMatch(/^[a-z0-9]{10}$/);
    }
  });

  it('never collide: three port generators over three ports give each lab all three', () => {
    for (const s of STUDENTS) {
      const v = values(ports(3, 7000, 7002), { student: s, secret: SECRET });
      expect([v.p0, v.p1, v.p2].sort()).toEqual([7000, 7001, 7002]);
    }
    // a given value is taken before the rest are drawn
    const v = values(ports(3, 7000, 7002), { student: 's1', secret: SECRET, vars: { p2: '7001' } });
    expect([v.p0, v.p1].sort()).toEqual([7000, 7002]);
  });

  it('a range too small for its generators is an error, not a collision', () => {
    expect(lines(ports(4, 7000, 7002), { student: 's1', secret: SECRET })).toEqual([
      "lab.yaml:6:3: vars-exhausted no value left for p3: its range is used up by the lab's other values; widen it",
    ]);
  });

  it('need the course secret (exit 3, with the fix), unless every generated variable is given', () => {
    let err: unknown;
    try {
      load(TEXT, { student: 's1', strict: true });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EnvironmentError);
    expect(exitClassOf(err)).toBe('environment');
    expect((err as Error).message).toMatch(
      /echo_port, other_port, server_ip, word, token are derived per student.*\n {2}fix: export WIRELAB_COURSE_SECRET=/,
    );
    const given = { echo_port: '50001', other_port: '50002', server_ip: '203.0.113.1', word: 'bravo', token: 'zzzz' };
    expect(values(TEXT, { student: 's1', strict: true, vars: given }).word).toBe('bravo');
    expect(() => load(TEXT, { student: '../s1', secret: SECRET })).toThrow(/--student takes an id/);
  });

  it('grade derives what up derives, and the supervisor and runner compile the same plan from it without the secret', async () => {
    for (const student of ['s1', 's7']) {
      const up = await loadScenario(FIXTURE, { student, secret: SECRET, strict: true });
      const graded = await deriveVariant(FIXTURE, student, SECRET);
      if (!up.ok || 'error' in graded) throw new Error('does not load');
      const derived = Object.fromEntries(
        Object.entries(up.loaded.variant.vars).flatMap(([k, v]) => (v.from === 'student' ? [[k, String(v.value)]] : [])),
      );
      expect(graded).toEqual({ student, derived });
      const again = await loadScenario(FIXTURE, { student, derived: graded.derived, strict: true });
      if (!again.ok) throw new Error('does not load');
      expect(again.loaded.scenario).toEqual(up.loaded.scenario);
      expect(again.loaded.variant).toEqual(up.loaded.variant);
      expect(JSON.stringify(again.loaded.variant)).not.toContain(SECRET);
    }
  });

  it("lab 1: without a student the seed's ports; ten students get ten distinct variants of three distinct ports", async () => {
    const lab1 = join(process.cwd(), 'scenarios', 'lab1.yaml');
    const d = await loadScenario(lab1, { strict: true });
    if (!d.ok) throw new Error(d.diagnostics.map(formatDiagnostic).join('\n'));
    expect(Object.values(d.loaded.variant.vars).map((v) => v.value)).toEqual([50007, 50008, 50009]);
    expect(d.loaded.scenario.topology?.hosts.server?.firewall?.allow).toEqual(['tcp/50007', 'tcp/50008']);
    const seen = new Set<string>();
    for (const s of STUDENTS.slice(0, 10)) {
      const r = await loadScenario(lab1, { student: s, secret: SECRET, strict: true });
      if (!r.ok) throw new Error(r.diagnostics.map(formatDiagnostic).join('\n'));
      const v = [r.loaded.variant.vars.echo_port.value, r.loaded.variant.vars.echo2_port.value, r.loaded.variant.vars.filtered_port.value];
      expect(new Set(v).size).toBe(3);
      seen.add(v.join(','));
    }
    expect(seen.size).toBe(10);
  });
});
