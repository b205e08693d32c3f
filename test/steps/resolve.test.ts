import { describe, expect, it } from 'vitest';
import { runText } from '../helpers/scenario.js';

const zone = `
  - serve:
      as: dns
      dns:
        zones:
          - origin: lab.test
            records:
              - { name: echo, type: A, value: 203.0.113.10 }
              - { name: www, type: CNAME, value: echo.lab.test }
              - { name: alias2, type: CNAME, value: www }
              - { name: echo, type: AAAA, value: '2001:db8::10' }
`;

describe('resolve', () => {
  it('a DNS fixture records the PTR records it serves as fixture.names, the names a reverse lookup gets', async () => {
    const { record } = await runText(`
name: t
steps:
  - serve:
      as: dns
      dns:
        zones:
          - origin: 2.0.192.in-addr.arpa
            records:
              - { name: '1', type: PTR, value: gw.lab.test. }
              - { name: 2.0.192.in-addr.arpa., type: NS, value: ns.lab.test. }
          - origin: lab.test
            records:
              - { name: 10.113.0.203.in-addr.arpa., type: PTR, value: server }
              - { name: 0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa., type: PTR, value: server6 }
  - resolve: { name: 192.0.2.1, server: dns, types: [PTR], expect: { PTR: [gw.lab.test] } }
  - resolve: { name: 203.0.113.10, server: dns, types: [PTR], expect: { PTR: [server.lab.test] } }
`);
    expect(record.steps[0].fixture?.names).toEqual([
      { address: '192.0.2.1', name: 'gw.lab.test' },
      { address: '203.0.113.10', name: 'server.lab.test' },
      { address: '2001:db8::10', name: 'server6.lab.test' },
    ]);
    expect(record.steps.slice(1).map((s) => s.status)).toEqual(['passed', 'passed']);
  });

  it('types: [A] with expect CNAME reads the CNAME the A answer holds', async () => {
    const { record } = await runText(`
name: t
steps:${zone}
  - resolve: { name: www.lab.test., server: dns, types: [A], expect: { A: [203.0.113.10], CNAME: [echo.lab.test] } }
  - resolve: { name: alias2.lab.test., server: dns, types: [A], expect: { CNAME: [www.lab.test, echo.lab.test] } }
  - resolve: { name: echo.lab.test., server: dns, types: [A], expect: { CNAME: [] } }
  - resolve: { name: www.lab.test., server: dns, types: [A], expect: { CNAME: [other.lab.test] } }
`);
    const [, www, alias2, echo, wrong] = record.steps;
    expect(www.checks.map((c) => [c.title, c.actual, c.passed])).toEqual([
      ['A answer', '203.0.113.10', true],
      ['CNAME answer', 'echo.lab.test', true],
    ]);
    expect(alias2.checks[0]).toMatchObject({ actual: 'www.lab.test, echo.lab.test', passed: true });
    expect(echo.checks[0]).toMatchObject({ actual: 'no records', passed: true });
    expect(wrong.checks[0]).toMatchObject({ expected: 'other.lab.test', actual: 'echo.lab.test', passed: false });
  });

  it('types: [CNAME] keeps the CNAME answer itself (one hop)', async () => {
    const { record } = await runText(`
name: t
steps:${zone}
  - resolve: { name: alias2.lab.test., server: dns, types: [CNAME], expect: { CNAME: [www.lab.test] } }
`);
    expect(record.steps[1].checks[0]).toMatchObject({ actual: 'www.lab.test', passed: true });
  });

  it('a search list: every query in order with its response code, the rcode of the final answer', async () => {
    const { record } = await runText(`
name: t
steps:${zone}
  - resolve: { name: echo, server: dns, search: [sub.lab.test, lab.test], types: [A, AAAA], expect: { A: [203.0.113.10], AAAA: ["2001:db8::10"], rcode: NOERROR } }
  - resolve: { name: nothing.lab.test., server: dns, types: [A], expect: { rcode: NXDOMAIN, A: [] } }
  - resolve: { name: nothing.lab.test., server: dns, types: [A], expect: { rcode: NOERROR } }
`);
    const [, echo, nx, wrong] = record.steps;
    expect(echo.status).toBe('passed');
    expect(echo.checks.map((c) => [c.title, c.actual, c.passed])).toEqual([
      ['A answer', '203.0.113.10', true],
      ['AAAA answer', '2001:db8::10', true],
      ['response code', 'NOERROR', true],
    ]);
    expect(nx.status).toBe('passed');
    expect(wrong.checks.find((c) => c.expected === 'NOERROR')).toMatchObject({ actual: 'NXDOMAIN', passed: false });
  });

  it('the queries a search list makes, as the server saw them', async () => {
    const { record } = await runText(`
name: t
steps:${zone}
  - resolve: { name: echo, server: dns, search: [sub.lab.test, lab.test], types: [A], expect: { queries: [A echo.sub.lab.test NXDOMAIN, A echo.lab.test NOERROR] } }
`);
    const s = record.steps[1];
    expect(s.checks.map((c) => c.passed)).toEqual([true]);
  });
});
