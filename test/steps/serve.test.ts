import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runText } from '../helpers/scenario.js';
import { freePort } from '../../src/servers/command.js';

let site: string;
beforeAll(async () => {
  site = await mkdtemp(join(tmpdir(), 'wirelab-site-'));
  await writeFile(join(site, 'hello.txt'), 'hello from the fixture\n');
  await mkdir(join(site, 'photos'));
});
afterAll(() => rm(site, { recursive: true, force: true }));

describe('serve', () => {
  it('echo in line mode echoes whole lines after the banner, and closes when the client does', async () => {
    const { record } = await runText(`
name: t
steps:
  - serve: { as: e, echo: { banner: "hi\\n" } }
  - connect: { to: e, as: s }
  - send: { conn: s, text: "par" }
  - send: { conn: s, text: "tial\\nrest" }
  - expect: { conn: s, text: "hi\\npartial\\n" }
  - close: s
`);
    expect(record.steps.map((s) => s.status)).toEqual(['passed', 'passed', 'passed', 'passed', 'passed', 'passed']);
    expect(record.steps[5].transcript?.at(-1)?.text).toContain('FIN both ways');
    expect(record.steps[0].fixture).toMatchObject({ name: 'e', kind: 'echo', address: '127.0.0.1' });
    expect(record.steps[0].fixture!.port).toBeGreaterThan(0);
  });

  it('echo in bytes mode echoes data as it arrives, binary included', async () => {
    const { record } = await runText(`
name: t
steps:
  - serve: { as: e, echo: { mode: bytes } }
  - connect: { to: e, as: s }
  - send: { conn: s, hex: "00 ff 0a 41" }
  - expect: { conn: s, bytes: "00ff0a41" }
`);
    expect(record.steps[3].status).toBe('passed');
    expect(record.steps[2].transcript?.[0]).toMatchObject({ dir: 'sent', hex: '00 ff 0a 41' });
  });

  it('http serves files and directory listings of a folder', async () => {
    const { record } = await runText(`
name: t
steps:
  - serve: { as: web, http: { root: ${JSON.stringify(site)} } }
  - connect: { to: web, as: h }
  - send: { conn: h, text: "GET /hello.txt HTTP/1.0\\r\\n\\r\\n" }
  - expect: { conn: h, regex: "^HTTP/1.1 200 OK[\\\\s\\\\S]*hello from the fixture\\n" }
  - connect: { to: web, as: d }
  - send: { conn: d, text: "GET / HTTP/1.0\\r\\n\\r\\n" }
  - expect: { conn: d, regex: "Directory listing for /[\\\\s\\\\S]*photos/" }
  - connect: { to: web, as: x }
  - send: { conn: x, text: "GET /../../etc/passwd HTTP/1.0\\r\\n\\r\\n" }
  - expect: { conn: x, regex: "^HTTP/1.1 (403|404)" }
`);
    expect(record.steps.map((s) => s.status)).toEqual(Array(10).fill('passed'));
  });

  it('command is ready when its port accepts; an early exit is an error with its output', async () => {
    const { record } = await runText(`
name: t
steps:
  - serve:
      as: prog
      command: { run: [node, -e, "require('net').createServer(s => s.end('up\\\\n')).listen(+process.argv[1], '127.0.0.1')", "{{port}}"] }
  - connect: { to: prog, as: c }
  - expect: { conn: c, line: up }
  - serve:
      as: broken
      command: { run: "echo starting; echo oops >&2; exit 7" }
`);
    expect(record.steps.slice(0, 3).map((s) => s.status)).toEqual(['passed', 'passed', 'passed']);
    expect(record.steps[3].status).toBe('errored');
    expect(record.steps[3].error?.message).toMatch(/exited before accepting connections \(exit 7\)[\s\S]*oops/);
  });

  it('command readiness does not connect: a program that serves one connection serves the scenario', async () => {
    const { record } = await runText(`
name: t
steps:
  - serve:
      as: once
      command: { run: [node, -e, "const srv = require('net').createServer(s => { srv.close(); s.end('first\\\\n'); }); srv.listen(+process.argv[1], '127.0.0.1')", "{{port}}"] }
  - connect: { to: once, as: c }
  - expect: { conn: c, line: first }
  - expect: { conn: c, eof: true }
`);
    expect(record.steps.map((s) => s.status)).toEqual(['passed', 'passed', 'passed', 'passed']);
  });

  it('a port already in use is an error naming the port', async () => {
    const port = await freePort('127.0.0.1');
    const { record } = await runText(`
name: t
steps:
  - serve: { as: a, echo: {}, port: ${port} }
  - serve: { as: b, echo: {}, port: ${port} }
`);
    expect(record.steps.map((s) => s.status)).toEqual(['passed', 'errored']);
    expect(record.steps[1].error?.message).toBe(`port ${port} on 127.0.0.1 is already in use`);
  });
});
