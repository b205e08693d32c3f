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
      ...[':::', '::%', '::1%', 'fe80::1%e:t.h-0', 'fe80::1%eth 0', '1.2.3.4::', '1:2:3:4:5:6:7::', '1:2:3:4:5:6:7::8', '::1:2:3:4:5:6:7'],
      ...['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5::1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4', '::1.2.3.4', '1.2.3.4::1', '::01.2.3.4', '12345::1'],
    ];
    for (const t of texts) expect(ipFamily(t), JSON.stringify(t)).toBe(isIP(t));
  });

  it("answers as node:net's isIP on 20,000 generated dotted texts (seeded)", () => {
    let seed = 0x4dd4;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pieces = [
      '',
      '0',
      '00',
      '01',
      '1',
      '9',
      '10',
      '99',
      '100',
      '199',
      '200',
      '249',
      '250',
      '255',
      '256',
      '300',
      '1000',
      'a',
      ' ',
      '-1',
    ];
    let disagreements = 0;
    const seen: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const n = 1 + rand(6);
      let t = '';
      for (let k = 0; k < n; k++) t += (k ? '.' : '') + pieces[rand(pieces.length)];
      if (ipFamily(t) !== isIP(t)) {
        disagreements++;
        if (seen.length < 5) seen.push(JSON.stringify(t));
      }
    }
    expect(disagreements, seen.join(' ')).toBe(0);
  });

  it("answers as node:net's isIP on 20,000 generated colon texts (seeded)", () => {
    let seed = 0x2024;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pieces = ['', '0', '1', 'ab', 'ffff', 'FFFF', '12345', 'g', '1.2.3.4', '255.0.0.1', '256.1.1.1', '1.2.3', '%eth0', '%', ' '];
    let disagreements = 0;
    const seen: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const n = 1 + rand(10);
      let t = '';
      for (let k = 0; k < n; k++) t += (k ? (rand(4) === 0 ? '::' : ':') : rand(5) === 0 ? ':' : '') + pieces[rand(pieces.length)];
      if (ipFamily(t) !== isIP(t)) {
        disagreements++;
        if (seen.length < 5) seen.push(JSON.stringify(t));
      }
    }
    expect(disagreements, seen.join(' ')).toBe(0);
  });
});
