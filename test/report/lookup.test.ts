import { describe, expect, it } from 'vitest';
import type { StepRecord } from '../../src/generated/run-record.js';
import { findSection, ReportEnv } from '../../src/report/engine.js';
import { sessionsOf } from '../../src/report/model.js';

const sections = [
  { title: 'start', kind: 'serve', capture: null, children: [] },
  {
    title: 'echo, captured',
    kind: 'capture',
    capture: { name: 'echo-session' },
    children: [
      { title: 'connect', kind: 'connect', capture: null, children: [] },
      { title: 'nmap -sT', kind: 'scan', capture: null, children: [] },
    ],
  },
  { title: 'nmap -sT', kind: 'scan', capture: null, children: [] },
  { title: 'last', kind: 'scan', capture: null, children: [] },
];

describe('findSection', () => {
  it('finds by title or capture name, depth first, optionally by kind', () => {
    expect(findSection(sections, 'echo-session')?.title).toBe('echo, captured');
    expect(findSection(sections, 'echo, captured')?.kind).toBe('capture');
    expect(findSection(sections, 'connect')?.kind).toBe('connect');
    expect(findSection(sections, 'nmap -sT')).toBe(sections[1].children[1]);
    expect(findSection(sections, null, 'scan')).toBe(sections[1].children[1]);
    expect(findSection(sections, 'last', 'capture')).toBeNull();
    expect(findSection(sections, 'nope')).toBeNull();
  });
});

describe('lookup blocks', () => {
  const md = new ReportEnv('md');
  const root = { sections, sessions: [{ conn: 'browser', text: 'GET /' }] };
  it('{{#step}} renders with the section found, {{else}} when none is', () => {
    const t = md.compile(
      '{{#step "echo-session"}}[{{md kind}}]{{/step}}{{#step "nope"}}x{{else}}none{{/step}}{{#step "last" kind="scan"}}{{md title}}{{/step}}',
      'a.md.hbs',
    );
    expect(t(root)).toBe('[capture]nonelast');
  });
  it('inside a section, {{#step}} looks at its children first, then at the whole report', () => {
    const t = md.compile(
      '{{#step "echo-session"}}{{#step kind="scan"}}{{md title}}/{{/step}}{{#step "start"}}{{md kind}}{{/step}}{{/step}}',
      'b.md.hbs',
    );
    expect(t(root)).toBe('nmap -sT/serve');
    const inner = md.compile(
      '{{#step "echo-session"}}{{#step "nmap -sT"}}{{#step "last"}}{{md title}}{{/step}}{{/step}}{{/step}}',
      'c.md.hbs',
    );
    expect(inner(root)).toBe('last');
  });
  it('{{#session}} finds a connection by name', () => {
    const t = md.compile('{{#session "browser"}}{{md text}}{{/session}}{{#session "other"}}x{{else}}-{{/session}}', 'd.md.hbs');
    expect(t(root)).toBe('GET /-');
  });
  it('the tex environment has the lookup blocks too', () => {
    expect(new ReportEnv('tex').compile('{{#step "start"}}{{tex kind}}{{/step}}', 'e.tex.hbs')(root)).toBe('serve');
  });
});

describe('{{#mdlisting}} and {{mdverb}}', () => {
  const md = new ReportEnv('md');
  it('builds one fenced block from several values, with a fence longer than any backtick run', () => {
    const t = md.compile('{{#mdlisting lang="console"}}\n$ {{mdverb cmd}}\n{{mdverb out}}\n{{/mdlisting}}after', 'f.md.hbs');
    expect(t({ cmd: 'echo `x`', out: 'a ``` b\r\nc\td' })).toBe('````console\n$ echo `x`\na ``` b\nc    d\n````\nafter');
    expect(t({ cmd: 'ls', out: 'x' })).toBe('```console\n$ ls\nx\n```\nafter');
  });
  it('{{mdverb}} outside a listing is an error (it writes unescaped text)', () => {
    expect(() => md.compile('{{mdverb x}}', 'g.md.hbs')({ x: '*' })).toThrow(/only allowed inside a \{\{#mdlisting\}\}/);
  });
});

describe('sessionsOf', () => {
  const step = (over: Partial<StepRecord>): StepRecord => ({
    path: 'steps[0]',
    kind: 'send',
    title: 't',
    host: 'client',
    status: 'passed',
    startMs: 0,
    durationMs: 1,
    checks: [],
    ...over,
  });
  it('merges sent and received text per connection in time order, like a terminal', () => {
    const steps = [
      step({
        kind: 'connect',
        connection: { name: 's', outcome: 'open', local: '198.51.100.55:40000', remote: '203.0.113.10:50007' },
        transcript: [{ t: 1, dir: 'info', conn: 's', text: 'connected' }],
      }),
      step({ transcript: [{ t: 3, dir: 'sent', conn: 's', text: 'Ada\r\n' }] }),
      step({ transcript: [{ t: 2, dir: 'received', conn: 's', text: 'Welcome!\n' }] }),
      step({ transcript: [{ t: 4, dir: 'received', conn: 's', text: 'Ada\r\n' }] }),
      step({
        transcript: [
          { t: 5, dir: 'sent', conn: 'b', text: 'GET / HTTP/1.0\n\n' },
          { t: 6, dir: 'received', conn: 'b', text: 'no newline' },
        ],
      }),
      step({ transcript: [{ t: 7, dir: 'received', conn: 'b', text: 'more' }] }),
    ];
    const [s, b] = sessionsOf(steps);
    expect(s).toEqual({
      conn: 's',
      local: '198.51.100.55:40000',
      remote: '203.0.113.10:50007',
      address: '203.0.113.10',
      port: '50007',
      crlf: true,
      text: 'Welcome!\nAda\nAda',
      sent: ['Ada'],
    });
    expect(b).toMatchObject({
      conn: 'b',
      remote: null,
      address: null,
      crlf: false,
      text: 'GET / HTTP/1.0\n\nno newline\nmore',
      sent: ['GET / HTTP/1.0', ''],
    });
  });
  it('reads an IPv6 remote', () => {
    const [v] = sessionsOf([
      step({ connection: { name: 'v', outcome: 'open', remote: '[::1]:8000' }, transcript: [{ t: 1, dir: 'sent', conn: 'v', text: 'x' }] }),
    ]);
    expect([v.address, v.port]).toEqual(['::1', '8000']);
  });
});
