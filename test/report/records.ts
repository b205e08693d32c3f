/** Run records for report tests, built as JSON that conforms to schemas/run.schema.json. */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { DnsTransaction, PacketRow, RunRecord, StepRecord } from '../../src/generated/run-record.js';

/** Validates a record against schemas/run.schema.json; returns ajv's errors as text ('' if valid). */
export function schemaErrors(record: unknown): string {
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
  const validate = ajv.compile(JSON.parse(readFileSync('schemas/run.schema.json', 'utf8')));
  return validate(record) ? '' : ajv.errorsText(validate.errors);
}

const SHA = 'a'.repeat(64);

/** A TCP echo session seen by a capture: handshake, data both ways, close (tshark 4.0 Info). */
export const echoPackets: PacketRow[] = [
  {
    no: 1,
    time: 0,
    source: '192.0.2.10',
    destination: '192.0.2.20',
    protocol: 'TCP',
    length: 74,
    info: '57144 → 7 [SYN] Seq=0 Win=64240 Len=0 MSS=1460 SACK_PERM TSval=1452474376 TSecr=0 WS=128',
  },
  {
    no: 2,
    time: 0.000041,
    source: '192.0.2.20',
    destination: '192.0.2.10',
    protocol: 'TCP',
    length: 74,
    info: '7 → 57144 [SYN, ACK] Seq=0 Ack=1 Win=65160 Len=0 MSS=1460 SACK_PERM TSval=2067466195 TSecr=1452474376 WS=128',
  },
  {
    no: 3,
    time: 0.000063,
    source: '192.0.2.10',
    destination: '192.0.2.20',
    protocol: 'TCP',
    length: 66,
    info: '57144 → 7 [ACK] Seq=1 Ack=1 Win=64256 Len=0 TSval=1452474376 TSecr=2067466195',
  },
  { no: 4, time: 0.000912, source: '192.0.2.10', destination: '192.0.2.20', protocol: 'ECHO', length: 80, info: 'Request' },
  { no: 5, time: 0.001003, source: '192.0.2.20', destination: '192.0.2.10', protocol: 'ECHO', length: 80, info: 'Response' },
  {
    no: 6,
    time: 0.101337,
    source: '192.0.2.10',
    destination: '192.0.2.20',
    protocol: 'TCP',
    length: 66,
    info: '57144 → 7 [FIN, ACK] Seq=15 Ack=15 Win=64256 Len=0 TSval=1452474476 TSecr=2067466195',
  },
  {
    no: 7,
    time: 0.101502,
    source: '192.0.2.20',
    destination: '192.0.2.10',
    protocol: 'TCP',
    length: 66,
    info: '7 → 57144 [FIN, ACK] Seq=15 Ack=16 Win=65152 Len=0 TSval=2067466296 TSecr=1452474476',
  },
  {
    no: 8,
    time: 0.10153,
    source: '192.0.2.10',
    destination: '192.0.2.20',
    protocol: 'TCP',
    length: 66,
    info: '57144 → 7 [ACK] Seq=16 Ack=16 Win=64256 Len=0 TSval=1452474476 TSecr=2067466296',
  },
  {
    no: 9,
    time: 1.2,
    source: '192.0.2.10',
    destination: '198.51.100.1',
    protocol: 'ICMP',
    length: 98,
    info: 'Echo (ping) request  id=0x0001, seq=237/60672, ttl=2 (reply in 10)',
  },
  {
    no: 10,
    time: 1.2011,
    source: '198.51.100.1',
    destination: '192.0.2.10',
    protocol: 'ICMP',
    length: 98,
    info: 'Echo (ping) reply    id=0x0001, seq=237/60672, ttl=63 (request in 9)',
  },
  {
    no: 11,
    time: 1.5,
    source: '192.0.2.10',
    destination: '192.0.2.53',
    protocol: 'DNS',
    length: 76,
    info: 'Standard query 0x0010 A www.lab.example',
  },
  {
    no: 12,
    time: 1.5004,
    source: '192.0.2.53',
    destination: '192.0.2.10',
    protocol: 'DNS',
    length: 92,
    info: 'Standard query response 0x0010 A www.lab.example A 203.0.113.80',
  },
];

/** One DNS exchange over UDP with 192.0.2.53 (an authoritative reply). */
export function dnsTx(id: number, question: DnsTransaction['question'], rcode: string, answers: DnsTransaction['answers']): DnsTransaction {
  return {
    question,
    server: '192.0.2.53#53',
    transport: 'udp',
    id,
    rcode,
    aa: true,
    tc: false,
    answers,
    authority: [],
    additional: [],
    elapsedMs: 0.25,
  };
}

function step(over: Partial<StepRecord> & Pick<StepRecord, 'path' | 'kind' | 'title'>): StepRecord {
  return { host: 'client', status: 'passed', startMs: 1, durationMs: 2, checks: [], ...over };
}

/** A record that exercises every partial: capture, scan, traceroute, resolve, exec, transcript, children, hidden. */
export function syntheticRecord(): RunRecord {
  const steps: StepRecord[] = [
    step({
      path: 'steps[0]',
      kind: 'serve',
      title: 'start the echo server',
      host: 'server',
      fixture: { name: 'echo', kind: 'echo', address: '192.0.2.20', port: 7 },
    }),
    step({
      path: 'steps[1]',
      kind: 'capture',
      title: 'capture the echo session',
      points: 2,
      earned: 1,
      status: 'failed',
      checks: [
        {
          title: 'packet sequence',
          expected: 'SYN, SYN/ACK, ACK, data, FIN',
          actual: 'SYN, SYN/ACK, ACK, data, FIN, FIN',
          passed: false,
          detail: '  expected: FIN from server\n  got:      FIN, ACK  (2 extra)',
        },
      ],
      capture: {
        file: 'capture-1.pcapng',
        format: 'pcapng',
        interface: 'veth-c',
        filter: 'tcp or icmp or udp port 53',
        engine: 'native',
        counters: { captured: echoPackets.length, received: echoPackets.length + 3, droppedByKernel: 0, droppedByInterface: 0 },
        dropped: 0,
        packets: echoPackets,
      },
      children: [
        step({
          path: 'steps[1].capture.during[0]',
          kind: 'connect',
          title: 'connect to echo as s',
          points: 1,
          earned: 1,
          checks: [{ title: 'connect to echo', expected: 'open', actual: 'open', passed: true }],
          connection: { name: 's', local: '192.0.2.10:57144', remote: '192.0.2.20:7', outcome: 'open' },
          transcript: [
            { t: 3, dir: 'info', conn: 's', text: 'connected 192.0.2.10:57144 → 192.0.2.20:7' },
            { t: 4, dir: 'sent', conn: 's', text: 'hello world\r\n' },
            { t: 5, dir: 'received', conn: 's', text: 'hello world\r\n' },
          ],
        }),
      ],
    }),
    step({
      path: 'steps[2]',
      kind: 'scan',
      title: 'scan the server',
      points: 3,
      earned: 3,
      checks: [{ title: 'port 7 is open', expected: 'open', actual: 'open', passed: true }],
      probe: {
        kind: 'scan',
        target: '192.0.2.20',
        method: 'connect',
        engine: 'native',
        probesSent: 34,
        elapsedMs: 1234.5,
        probes: [],
        probesOmitted: 34,
        timeSource: 'native',
        ports: [
          { port: 7, proto: 'tcp', state: 'open', reason: 'syn-ack', service: 'echo' },
          { port: 22, proto: 'tcp', state: 'closed', reason: 'conn-refused', service: 'ssh' },
          { port: 8080, proto: 'tcp', state: 'filtered', reason: 'no-response', service: 'http-proxy' },
          // 30 closed ports: more than nmap lists (25), so they are summarised as "Not shown".
          ...Array.from({ length: 30 }, (_, i) => ({
            port: 9000 + i,
            proto: 'tcp' as const,
            state: 'closed' as const,
            reason: 'conn-refused',
            service: 'unknown',
          })),
        ],
      },
    }),
    step({
      path: 'steps[3]',
      kind: 'traceroute',
      title: 'trace the route to the web server',
      probe: {
        kind: 'traceroute',
        target: '203.0.113.80',
        probe: 'udp',
        maxHops: 30,
        destinationReached: true,
        elapsedMs: 12.5,
        engine: 'native',
        timeSource: 'kernel',
        hops: [
          {
            ttl: 1,
            probes: [
              { address: '192.0.2.1', rttMs: 0.046 },
              { address: '192.0.2.1', rttMs: 0.004 },
              { address: '192.0.2.1', rttMs: 0.006 },
            ],
            reached: false,
          },
          {
            ttl: 2,
            probes: [
              { address: null, rttMs: null },
              { address: null, rttMs: null },
              { address: null, rttMs: null },
            ],
            reached: false,
          },
          {
            ttl: 3,
            probes: [
              { address: '198.51.100.1', rttMs: 1.25 },
              { address: '198.51.100.2', rttMs: 1.5 },
              { address: '198.51.100.2', rttMs: 1.7, annotation: '!H' },
            ],
            reached: false,
          },
          {
            ttl: 4,
            probes: [
              { address: '203.0.113.80', rttMs: 2.001 },
              { address: '203.0.113.80', rttMs: 1.999 },
              { address: '203.0.113.80', rttMs: 2.1 },
            ],
            reached: true,
          },
        ],
      },
    }),
    step({
      path: 'steps[4]',
      kind: 'resolve',
      title: 'resolve www with search suffixes',
      points: 2,
      earned: 2,
      checks: [{ title: 'A record', expected: '203.0.113.80', actual: '203.0.113.80', passed: true }],
      probe: {
        kind: 'resolve',
        query: 'www',
        server: { address: '192.0.2.53', port: 53 },
        candidates: ['www', 'www.lab.example'],
        name: 'www.lab.example',
        rcode: 'NOERROR',
        authoritative: true,
        answers: { A: ['203.0.113.80'], AAAA: ['2001:db8::80'] },
        aliases: [['www.lab.example', 'web.lab.example']],
        defaultTypes: true,
        transactions: [
          dnsTx(0x10, { name: 'www', type: 'A' }, 'NXDOMAIN', []),
          dnsTx(0x11, { name: 'www.lab.example', type: 'A' }, 'NOERROR', [
            { name: 'www.lab.example', type: 'A', ttl: 300, data: '203.0.113.80' },
          ]),
          dnsTx(0x12, { name: 'www.lab.example', type: 'AAAA' }, 'NOERROR', [
            { name: 'www.lab.example', type: 'CNAME', ttl: 60, data: 'web.lab.example' },
            { name: 'web.lab.example', type: 'AAAA', ttl: 60, data: '2001:db8::80' },
          ]),
        ],
      },
    }),
    step({
      path: 'steps[5]',
      kind: 'exec',
      title: 'run the student client',
      points: 2,
      earned: 2,
      checks: [{ title: 'exit code', expected: '0', actual: '0', passed: true }],
      exec: {
        command: 'python3 client.py --host 192.0.2.20',
        exitCode: 0,
        signal: null,
        timedOut: false,
        stdout: 'sent 11 bytes\nreceived 11 bytes\n',
        stderr: 'warning: slow link\n',
      },
    }),
    step({ path: 'steps[6]', kind: 'close', title: 'close s' }),
    step({
      path: 'steps[7]',
      kind: 'expect',
      title: 'hidden: server answers a second client',
      hidden: true,
      points: 4,
      earned: 0,
      status: 'failed',
      checks: [{ title: 'second client echoed', expected: 'line "again"', actual: 'timeout after 2s', passed: false }],
    }),
  ];
  return {
    format: 1,
    wirelab: '0.1.0',
    scenario: {
      name: 'lab2',
      title: 'Lab 2: echo, scan, traceroute and DNS',
      description: 'A client, a router and a server: capture an echo session, scan the server, trace the route, resolve a name.',
      file: 'scenarios/lab2.yaml',
      sha256: SHA,
    },
    run: { name: 'lab2', startedAt: '2026-01-01T00:00:00.000Z', durationMs: 2345, status: 'failed', exitCode: 1 },
    topology: {
      hosts: [
        { name: 'client', addresses: ['192.0.2.10'] },
        {
          name: 'router',
          router: true,
          addresses: ['192.0.2.1', '198.51.100.1'],
          interfaces: [
            { name: 'eth0', addresses: ['192.0.2.1/24'], mtu: 1500, peer: 'switch', offloads: false, link: 'delay 20ms' },
            { name: 'eth1', addresses: ['198.51.100.1/24'], mtu: 1400, peer: 'none' },
          ],
        },
        {
          name: 'server',
          addresses: ['192.0.2.20'],
          firewall: { policy: 'drop', allow: ['tcp/7'], reject: ['udp/5001'], drop: ['tcp/8082'] },
        },
      ],
    },
    steps,
    summary: {
      steps: { total: 9, passed: 7, failed: 2, errored: 0, skipped: 0 },
      checks: { total: 6, passed: 4, failed: 2, errored: 0, skipped: 0 },
      points: { earned: 9, max: 14 },
    },
  };
}

/** Every character that breaks LaTeX or Markdown, in one string. */
export const HOSTILE =
  '# $ % & ~ _ ^ \\ { } [ ] < > | \' " -- --- nc --listen `a|b` ``` ```` \\end{lstlisting} \\end {lstlisting} \\\\ \\newline {{x}} }}} ' +
  '\u0000\u0007\u001b\u007f\u0085 → ← é ü ñ ß 日本 😀 \u200b\tTAB  two  spaces   three | \\| \\\\| *bold* _it_ <b>html</b> &amp; ' +
  `${'A'.repeat(300)} http://192.0.2.1/${'p/'.repeat(80)}`;

/** Hostile text with newlines and line-start markup (for cells and paragraphs). */
export const HOSTILE_LINES = `${HOSTILE}\n- list?\n1. ordered?\n# heading?\n> quote?\n    indented code?\n===\n\r\nend`;

/** A record full of hostile text and a 5,000-row packet table. */
export function hostileRecord(rows = 5000): RunRecord {
  const r = syntheticRecord();
  const infos = [
    HOSTILE,
    'Echo (ping) request  id=0x0001, seq=1/256, ttl=64',
    HOSTILE_LINES,
    '57144 → 7 [PSH, ACK] Seq=1 Ack=1 Win=502 Len=14',
  ];
  const packets: PacketRow[] = Array.from({ length: rows }, (_, i) => ({
    no: i + 1,
    time: i * 0.000123,
    source: i % 7 === 0 ? '2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff' : '192.0.2.10',
    destination: i % 11 === 0 ? `host|${HOSTILE.slice(0, 40)}` : '192.0.2.20',
    protocol: i % 13 === 0 ? 'T|C_P&' : 'TCP',
    length: 60 + (i % 1400),
    info: infos[i % infos.length],
  }));
  r.scenario.title = `Hostile ${HOSTILE.slice(0, 60)}`;
  r.scenario.description = HOSTILE_LINES;
  r.run.interrupted = HOSTILE.slice(0, 30);
  const capture = r.steps[1];
  capture.title = HOSTILE;
  capture.capture = { file: `cap_${HOSTILE.slice(0, 20)}.pcapng`, filter: HOSTILE.slice(0, 50), packets };
  capture.checks = [{ title: HOSTILE, expected: HOSTILE_LINES, actual: HOSTILE, passed: false, detail: HOSTILE_LINES }];
  capture.error = { message: HOSTILE_LINES, code: '|`' };
  const child = capture.children![0];
  child.transcript = [
    { t: 1, dir: 'sent', conn: HOSTILE.slice(0, 10), text: `${HOSTILE_LINES}\n` },
    { t: 2, dir: 'received', text: '\\end{lstlisting}\n\\begin{document}\n```\n' },
    { t: 3, dir: 'info', text: HOSTILE },
  ];
  child.connection = { name: HOSTILE.slice(0, 30), remote: HOSTILE.slice(30, 60) };
  r.steps[0].fixture = { name: HOSTILE.slice(0, 40), kind: 'echo', address: '192.0.2.20', port: 7 };
  const scanProbe = r.steps[2].probe!;
  if (scanProbe.kind === 'scan') {
    scanProbe.target = HOSTILE.slice(0, 30);
    scanProbe.ports = [{ port: 7, proto: 'tcp', state: 'open', reason: HOSTILE, service: HOSTILE.slice(0, 40) }];
  }
  const traceProbe = r.steps[3].probe!;
  if (traceProbe.kind === 'traceroute')
    traceProbe.hops = [
      { ttl: 1, probes: [{ address: HOSTILE.slice(0, 30), rttMs: 1, annotation: HOSTILE.slice(30, 40) }], reached: false },
      { ttl: 2, probes: [], reached: false },
    ];
  const dnsProbe = r.steps[4].probe!;
  if (dnsProbe.kind === 'resolve') {
    dnsProbe.query = HOSTILE.slice(0, 50);
    dnsProbe.name = HOSTILE;
    dnsProbe.transactions = [
      dnsTx(1, { name: HOSTILE, type: '|A|' }, HOSTILE.slice(0, 12), [{ name: HOSTILE, type: 'TXT', ttl: 1, data: HOSTILE_LINES }]),
    ];
  }
  r.steps[5].exec = {
    command: HOSTILE,
    exitCode: null,
    signal: 'SIGKILL',
    timedOut: true,
    stdout: `${HOSTILE_LINES}\n\\end{lstlisting}\n`,
    stderr: HOSTILE,
    truncated: true,
  };
  r.steps[7].title = HOSTILE;
  r.steps[7].checks = [{ title: HOSTILE, expected: HOSTILE, actual: HOSTILE_LINES, passed: false }];
  return r;
}
