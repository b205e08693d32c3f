import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { formatPorts, parsePorts } from '../../src/probes/ports.js';
import { parseServices, serviceName } from '../../src/probes/services.js';

describe('parsePorts', () => {
  it('parses ranges, lists and open-ended ranges', () => {
    expect(parsePorts('50000-50003')).toEqual([50000, 50001, 50002, 50003]);
    expect(parsePorts('443,22,80,22')).toEqual([22, 80, 443]);
    expect(parsePorts('-').length).toBe(65535);
    expect(parsePorts('1-65535').length).toBe(65535);
    expect(parsePorts('-3')).toEqual([1, 2, 3]);
    expect(parsePorts('65534-')).toEqual([65534, 65535]);
    expect(parsePorts(' 7 , 9-10 ')).toEqual([7, 9, 10]);
    expect(parsePorts([80, 22, 80])).toEqual([22, 80]);
    // overlapping and nested ranges in any order: each port once, sorted
    expect(parsePorts('20-25,10-21,12,30,22-23,29-30')).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 29, 30]);
    expect(parsePorts('100-,-5,3-200').length).toBe(65535);
  });

  it('refuses bad specs with the offending item', () => {
    for (const bad of ['', '0', '65536', '10-5', 'http', '1,,2', '1-2-3', '80/tcp', '-1-']) {
      expect(() => parsePorts(bad), bad).toThrow(UsageError);
    }
    expect(() => parsePorts('10-5')).toThrow(/reversed port range "10-5"/);
    expect(() => parsePorts('70000')).toThrow(/out of range/);
  });

  it('formats port lists compactly', () => {
    expect(formatPorts([22, 80, 50000, 50001, 50002, 50009])).toBe('22,80,50000-50002,50009');
  });
});

describe('services', () => {
  it('parses nmap-services and /etc/services lines, first name wins', () => {
    const t = parseServices('# c\nssh\t22/tcp\t0.18\t# x\nssh\t22/udp\t0.003\nhttp\t80/tcp\t0.48\nwww\t80/tcp\nfoo 7/sctp\n');
    expect(t.tcp.get(22)).toBe('ssh');
    expect(t.tcp.get(80)).toBe('http');
    expect(t.udp.get(22)).toBe('ssh');
    expect(t.tcp.has(7)).toBe(false);
  });

  it('names well-known ports from the installed table', () => {
    expect(serviceName(22)).toBe('ssh');
    expect(serviceName(80)).toBe('http');
    expect(serviceName(53, 'udp')).toBe('domain');
  });
});
