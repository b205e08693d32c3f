import { describe, expect, it } from 'vitest';
import { TargetRefusedError, UsageError } from '../../src/errors.js';
import { checkTarget, mappedV4, parseAllowTargets, parseCidr } from '../../src/probes/target.js';

describe('--allow-target is family-correct', () => {
  it('an IPv6 entry admits no IPv4 address, also not one written IPv4-mapped', () => {
    for (const target of ['8.8.8.8', '198.51.100.7', '::ffff:8.8.8.8', '::ffff:c633:6407']) {
      expect(() => checkTarget(target, ['::/0']), target).toThrow(TargetRefusedError);
    }
    expect(checkTarget('2001:db8::5', ['::/0'])).toEqual({ address: '2001:db8::5', family: 6 });
  });

  it('an IPv4 entry admits its IPv4 addresses, also written IPv4-mapped, and no IPv6 address', () => {
    expect(checkTarget('198.51.100.7', ['198.51.100.0/24']).family).toBe(4);
    expect(checkTarget('::ffff:198.51.100.7', ['198.51.100.0/24']).address).toBe('::ffff:198.51.100.7');
    expect(() => checkTarget('2001:db8::1', ['0.0.0.0/0'])).toThrow(TargetRefusedError);
    expect(() => checkTarget('::ffff:203.0.113.1', ['198.51.100.0/24'])).toThrow(TargetRefusedError);
  });

  it('loopback stays allowed in both spellings, nothing else by default', () => {
    expect(checkTarget('::ffff:127.0.0.1').family).toBe(6);
    expect(checkTarget('::1').family).toBe(6);
    expect(() => checkTarget('::2')).toThrow(TargetRefusedError);
  });

  it('an IPv4-mapped subnet is refused with its IPv4 spelling (it could admit nothing)', () => {
    expect(() => parseCidr('::ffff:0:0/96')).toThrow(UsageError);
    expect(() => parseCidr('::ffff:0:0/96')).toThrow('write it as IPv4: 0.0.0.0/0');
    expect(() => parseCidr('::ffff:198.51.100.0/120')).toThrow('write it as IPv4: 198.51.100.0/24');
  });

  it('finds the IPv4 address in every spelling of an IPv4-mapped address and in no other', () => {
    expect(mappedV4('::ffff:1.2.3.4')).toBe('1.2.3.4');
    expect(mappedV4('::FFFF:102:304')).toBe('1.2.3.4');
    expect(mappedV4('0:0:0:0:0:ffff:c633:6401')).toBe('198.51.100.1');
    expect(mappedV4('::1.2.3.4')).toBeUndefined();
    expect(mappedV4('1:2:3:4:5:6:1.2.3.4')).toBeUndefined();
    expect(mappedV4('::1')).toBeUndefined();
    expect(mappedV4('2001:db8::ffff:1.2.3.4')).toBeUndefined();
  });
});

describe('--allow-target is parsed strictly', () => {
  it.each([
    ['999.1.1.1/8', '"999.1.1.1" is not an IPv4 or IPv6 address'],
    ['1.2.3.4/33', 'the prefix length 33 is more than 32'],
    ['2001:db8::/129', 'the prefix length 129 is more than 128'],
    ['abc', '"abc" is not an IPv4 or IPv6 address'],
    ['1.2.3.4/', 'the prefix length "" is not a number'],
    ['1.2.3.4/08', 'the prefix length "08" is not a number'],
    ['1.2.3.4/24/1', 'more than one "/"'],
    ['1.2.3.4/+8', 'the prefix length "+8" is not a number'],
    ['fe80::1%lo/64', 'is not an IPv4 or IPv6 address'],
    [' 1.2.3.4/8', 'is not an IPv4 or IPv6 address'],
  ])('%s: bad input naming the value and a correct example', (value, why) => {
    let err: unknown;
    try {
      parseAllowTargets([value]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    const msg = (err as Error).message;
    expect(msg).toContain(`--allow-target value "${value}"`);
    expect(msg).toContain(why);
    expect(msg).toContain('198.51.100.0/24');
  });

  it('accepts CIDRs of both families and bare addresses', () => {
    expect(parseAllowTargets(['198.51.100.0/24', '2001:db8::/64', '203.0.113.9', '::/0', '0.0.0.0/0'])).toHaveLength(5);
    expect(parseCidr('203.0.113.9')).toEqual({ address: '203.0.113.9', bits: 32, family: 4 });
    expect(parseCidr('2001:db8::1')).toEqual({ address: '2001:db8::1', bits: 128, family: 6 });
  });
});
