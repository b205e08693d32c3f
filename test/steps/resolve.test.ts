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
`;

describe('resolve', () => {
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
});
