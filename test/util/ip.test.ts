import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ipFamily } from '../../src/util/ip.js';

describe('ipFamily', () => {
  it("answers as node:net's isIP on names, literals and near-literals", () => {
    const texts = [
      ...['', 'r1', 'client', 'web-1', 'local', 'lab.example', 'localhost', '1', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4'],
      ...['198.51.100.55', '0.0.0.0', '255.255.255.255', '192.0.2.1 ', ' 192.0.2.1', '192.0.2.1/24', '192.0.2.1:80'],
      ...['::', '::1', '2001:db8::1', '2001:DB8:0:0:0:0:0:1', 'fe80::1%eth0', '::ffff:192.0.2.1', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9'],
      ...['2001:db8:::1', ':1', '1:', '[::1]', '::ffff:1.2.3', 'g::1', '2001:db8::1/64', 'a:b', ':'],
    ];
    for (const t of texts) expect(ipFamily(t), JSON.stringify(t)).toBe(isIP(t));
  });
});
