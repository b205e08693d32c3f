/**
 * Issue 16's table "Messages that do not teach": each mistake an instructor made on a first
 * day, as a scenario snippet, and the one diagnostic it now gets, at its line and column.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstSentence, repair } from '../../src/scenario/ajv-errors.js';
import { formatDiagnostic } from '../../src/scenario/diagnostics.js';
import { nativeCapture } from '../../src/packets/capture/native.js';
import { diagnostics, load } from '../helpers/scenario.js';

const lines = (text: string) => diagnostics(text, 'lab.yaml').map(formatDiagnostic);

const TOPO = ['name: x', 'topology:', '  hosts:', '    client: { ip: 198.51.100.2/24 }', '    server: { ip: 198.51.100.3/24 }'];
const withSteps = (...steps: string[]) => [...TOPO, 'steps:', ...steps, ''].join('\n');

/** A capture on the client with one pattern line (line 11 of the text; the line starts at column 13). */
const capture = (pattern: string, filter = 'tcp port 7') =>
  withSteps(
    '  - serve: { as: e, on: server, port: 7, echo: {} }',
    '  - capture:',
    '      as: c',
    '      on: client',
    `      filter: ${filter}`,
    '      during:',
    '        - connect: { from: client, to: e, as: s }',
    '      expect:',
    '        packets:',
    `          - ${pattern}`,
  );

describe('messages that teach (issue 16)', () => {
  it('run: [ip, -4, …]: the path run[1] and how to quote -4', () => {
    expect(lines(withSteps('  - exec: { on: client, run: [ip, -4, route, show] }'))).toEqual([
      'lab.yaml:7:35: bad-type "run[1]" must be a string, found integer -4; write it in quotes to make it a string: "-4"',
    ]);
  });

  it('reject: [tcp:8081]: the path firewall.reject[0] and did you mean tcp/8081', () => {
    const text = TOPO.slice(0, 4).join('\n') + '\n    server: { ip: 198.51.100.3/24, firewall: { reject: [tcp:8081] } }\nsteps: []\n';
    expect(lines(text)).toEqual([
      'lab.yaml:5:57: bad-value "firewall.reject[0]" is not valid: "tcp:8081" (did you mean "tcp/8081"?): Traffic a firewall rule matches: `tcp/PORT`, `tcp/LOW-HIGH`, `udp/PORT`, `udp/LOW-HIGH`, or `icmp` (ping and other ICMP/ICMPv6), e.g. `tcp/8081` or `udp/5000-5010`',
    ]);
  });

  it('ports: 8000..8090 and within: 2 sec: an example, not the regex', () => {
    expect(
      lines(withSteps('  - scan: { from: client, target: server, ports: 8000..8090, method: connect, expect: { open: [8000] } }')),
    ).toEqual(['lab.yaml:7:50: bad-value "ports" is not valid: "8000..8090" (did you mean "8000-8090"?): e.g. `8000-8090` or `22,80,443`']);
    const within = lines(
      withSteps(
        '  - serve: { as: e, on: server, port: 7, echo: {} }',
        '  - connect: { from: client, to: e, as: s }',
        '  - expect: { conn: s, line: hi, within: 2 sec }',
      ),
    );
    expect(within).toEqual(['lab.yaml:9:42: bad-value "within" is not valid: "2 sec" (did you mean "2s"?): e.g. `2s` or `250ms` or `2m`']);
    expect(within.join('\n')).not.toMatch(/\^|\$\)/);
  });

  const zone = (record: string) =>
    withSteps(
      '  - serve:',
      '      as: dns',
      '      on: server',
      '      dns:',
      '        zones:',
      '          - origin: example',
      '            records:',
      `              - ${record}`,
    );

  it('an MX value as one string: the record shape, no schema internals', () => {
    expect(lines(zone('{ name: mail.example, type: MX, value: "10 mx.example" }'))).toEqual([
      'lab.yaml:14:56: bad-type "dns.zones[0].records[0].value" must be a mapping (A mail exchanger, e.g. `{ priority: 10, exchange: mail.lab.example }`), found string "10 mx.example"',
    ]);
  });

  it('value: 203.0.113.300: the whole sentence, not cut at "e.g"', () => {
    expect(lines(zone('{ name: a.example, type: A, value: 203.0.113.300 }'))).toEqual([
      'lab.yaml:14:52: bad-value "dns.zones[0].records[0].value" is not valid: "203.0.113.300": An IPv4 address, e.g. 203.0.113.10',
    ]);
  });

  it('ip: without a prefix length: one message, with the prefix to add', () => {
    const text = [...TOPO.slice(0, 4), '    server: { ip: 203.0.113.53 }', 'steps: []', ''].join('\n');
    expect(lines(text)).toEqual([
      'lab.yaml:5:19: bad-value "ip" is not valid: "203.0.113.53" (did you mean "203.0.113.53/24"?): A unicast address with its prefix length: `198.51.100.55/24` or `2001:db8:1::55/64`',
    ]);
  });

  it('[SYN ACK]: separate flags with commas', () => {
    expect(lines(capture('client > server:7 [SYN ACK]'))).toEqual([
      'lab.yaml:16:36: bad-packet-pattern separate flags with commas: [SYN, ACK]',
    ]);
  });

  it('client -> server:7: use ">" between endpoints, at the arrow', () => {
    expect(lines(capture('client -> server:7 [SYN]'))).toEqual(['lab.yaml:16:20: bad-packet-pattern use ">" between endpoints, not "->"']);
  });

  it('cilent in a pattern: did you mean client', () => {
    expect(lines(capture('cilent > server:7 [SYN]'))).toEqual([
      'lab.yaml:16:13: unknown-host unknown host "cilent" (did you mean "client"?); names: client, server, e, s',
    ]);
  });

  it('an unquoted pattern that starts with *: one message, quote it', () => {
    expect(lines(capture('* > server:7 [ACK]'))).toEqual([
      'lab.yaml:16:13: yaml-syntax Alias cannot be an empty string: a value that starts with "*" is read as a YAML alias; quote it: - "* > server:7 [ACK]"',
    ]);
  });

  it('tabs, wrong indentation and an unquoted ": ": the first error and a fix', () => {
    expect(lines('name: x\nsteps:\n\t- exec: { run: [ls] }\n')).toEqual([
      'lab.yaml:3:1: yaml-syntax Tabs are not allowed as indentation: indent with spaces (YAML forbids tabs there)',
    ]);
    expect(lines('name: x\nsteps:\n  - serve: { as: e, port: 7, echo: {} }\n   - connect: { to: e, as: s }\n')).toEqual([
      'lab.yaml:4:4: yaml-syntax All sequence items must start at the same column: this line is indented 3 spaces, the line above 2; give items of one list or mapping the same indentation (spaces only)',
    ]);
    expect(lines('name: x\nsteps:\n  - serve:\n      as: e\n      port: 7\n      echo:\n        banner: Welcome: hi\n')).toEqual([
      'lab.yaml:7:17: yaml-syntax Nested mappings are not allowed in compact mappings: a value that holds ": " must be quoted: banner: "Welcome: hi"',
    ]);
    expect(lines('name: x\nsteps:\n  - serve: { as: e, port: 7, echo: { banner: Welcome: hi } }\n')).toEqual([
      'lab.yaml:3:46: yaml-syntax Block collections are not allowed within flow collections: a value that holds ": " must be quoted: banner: "Welcome: hi"',
    ]);
  });

  it('to: server/7: use host:port', () => {
    expect(
      lines(withSteps('  - serve: { as: e, on: server, port: 7, echo: {} }', '  - connect: { from: client, to: server/7, as: s }')),
    ).toEqual(['lab.yaml:8:34: bad-target "server/7" is neither a fixture nor a host and port; use host:port: server:7']);
  });

  it('within: 2000: valid, with a warning for a unit-less duration over a minute', () => {
    const text = withSteps(
      '  - serve: { as: e, on: server, port: 7, echo: {} }',
      '  - connect: { from: client, to: e, as: s }',
      '  - expect: { conn: s, line: hi, within: 2000 }',
      '    timeout: 90',
    );
    const loaded = load(text, 'lab.yaml');
    expect(loaded.warnings.map(formatDiagnostic)).toEqual([
      'lab.yaml:9:42: warning: unitless-duration "within": 2000 has no unit, so it is read as 2000 seconds (33 min 20 s); write "2000ms" for milliseconds, or "2000s" to keep seconds and silence this warning',
      `lab.yaml:10:14: warning: unitless-duration the step's timeout: 90 has no unit, so it is read as 90 seconds (1 min 30 s); write "90ms" for milliseconds, or "90s" to keep seconds and silence this warning`,
    ]);
    expect(load(text.replace('within: 2000', 'within: 2000s').replace('timeout: 90', 'timeout: 60'), 'lab.yaml').warnings).toEqual([]);
  });

  it('filter: tcp prot 7: caught at validate time, at the word, with the keyword meant', () => {
    expect(lines(capture('client > server:7 [SYN]', 'tcp prot 7'))).toEqual([
      'lab.yaml:11:19: bad-filter unknown word "prot" in the capture filter (did you mean "port"?); a host name here must be a host of the topology (client, server), or write its address',
    ]);
  });

  it.skipIf(!nativeCapture())('filter: libpcap compiles it at validate time (the native module is built)', () => {
    expect(lines(capture('client > server:7 [SYN]', '"tcp port 70000"'))).toEqual([
      'lab.yaml:11:16: bad-filter libpcap cannot compile the capture filter: illegal port number 70000 > 65535',
    ]);
    expect(lines(capture('client > server:7 [SYN]', '"udp and (port 53"'))).toEqual([
      "lab.yaml:11:16: bad-filter libpcap cannot compile the capture filter: can't parse filter expression: syntax error",
    ]);
    // a topology host stands for an address; a service name after `port` is no host
    expect(lines(capture('client > server:7 [SYN]', 'tcp port http and host server'))).toEqual([]);
  });

  it('filter: hex numbers, IPv6 and MAC addresses are not taken for host names', () => {
    for (const f of [
      '"ip and ip[6:2] & 0x3fff != 0"',
      '"ip6 host 2001:db8::1"',
      '"ether host 02:ab:cd:00:00:01"',
      '"tcp[13] & 0x12 = 0x12"',
    ])
      expect(lines(capture('client > server:7 [SYN]', f)), f).toEqual([]);
    expect(lines(capture('client > server:7 [SYN]', '"ip and 0x3fff and serer"'))[0]).toMatch(
      /^lab\.yaml:11:\d+: bad-filter unknown word "serer"/,
    );
  });
});

describe('the means behind the messages', () => {
  it('repair() offers only values that match the pattern', () => {
    expect(repair('tcp:8081', '^((tcp|udp)/[0-9]{1,5}(-[0-9]{1,5})?|icmp)$')).toBe('tcp/8081');
    expect(repair('5 seconds', '^[0-9]+(\\.[0-9]+)?(ms|s|m)$')).toBe('5s');
    expect(repair('banana', '^[0-9]+(\\.[0-9]+)?(ms|s|m)$')).toBeUndefined();
  });

  it('firstSentence() does not stop at an abbreviation', () => {
    expect(firstSentence('An IPv4 address, e.g. 203.0.113.10. More.')).toBe('An IPv4 address, e.g. 203.0.113.10');
    expect(firstSentence('One. Two.')).toBe('One');
  });

  /** Every node of every schema, with its JSON pointer. */
  function* nodes(v: unknown, at = ''): Generator<[string, Record<string, unknown>]> {
    if (Array.isArray(v)) for (const [i, x] of v.entries()) yield* nodes(x, `${at}/${i}`);
    else if (v && typeof v === 'object') {
      yield [at, v as Record<string, unknown>];
      for (const [k, x] of Object.entries(v)) yield* nodes(x, `${at}/${k}`);
    }
  }
  const dir = join(__dirname, '../../schemas');
  const files = [...readdirSync(dir).filter((f) => f.endsWith('.json')), ...readdirSync(join(dir, 'steps')).map((f) => `steps/${f}`)];
  const all = files.flatMap((f) => [...nodes(JSON.parse(readFileSync(join(dir, f), 'utf8')))].map(([p, n]) => [`${f}#${p}`, n] as const));

  it('every schema pattern has examples, and each example matches it', () => {
    const missing = all.filter(([, n]) => typeof n.pattern === 'string' && !Array.isArray(n.examples)).map(([p]) => p);
    expect(missing).toEqual([]);
    const bad = all.flatMap(([p, n]) =>
      typeof n.pattern === 'string' && Array.isArray(n.examples)
        ? n.examples.filter((x) => !new RegExp(n.pattern as string, 'u').test(String(x))).map((x) => `${p}: ${String(x)}`)
        : [],
    );
    expect(bad).toEqual([]);
  });

  it('no description is cut at "e.g." when the messages quote its first sentence', () => {
    const cut = all
      .filter(([, n]) => typeof n.description === 'string')
      .map(([p, n]) => [p, firstSentence(n.description as string)] as const)
      .filter(([, s]) => /\b(e\.g|i\.e|etc|vs|cf)$/.test(s));
    expect(cut).toEqual([]);
  });
});
