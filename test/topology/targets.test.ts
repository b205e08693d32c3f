import { describe, expect, it } from 'vitest';
import { TargetRefusedError, UsageError } from '../../src/errors.js';
import { checkTarget } from '../../src/topology/targets.js';

describe('checkTarget with a topology', () => {
  const topology = { allowedTargets: ['198.51.100.0/24', '192.0.2.4/30', '2001:db8:1::/64'] };

  it('allows loopback, topology subnets and --allow-target CIDRs', () => {
    expect(checkTarget('127.0.0.5', {})).toEqual({ address: '127.0.0.5', family: 4 });
    expect(checkTarget('::1', {}).family).toBe(6);
    expect(checkTarget('198.51.100.10', { topology }).address).toBe('198.51.100.10');
    expect(checkTarget('192.0.2.6', { topology }).address).toBe('192.0.2.6');
    expect(checkTarget('2001:db8:1::3', { topology }).family).toBe(6);
    expect(checkTarget('203.0.113.9', { topology, allow: ['203.0.113.0/24'] }).address).toBe('203.0.113.9');
  });

  it('refuses everything else before any packet, and non-IP targets', () => {
    expect(() => checkTarget('192.0.2.9', { topology })).toThrow(TargetRefusedError);
    expect(() => checkTarget('8.8.8.8', { topology })).toThrow(TargetRefusedError);
    expect(() => checkTarget('2001:db8:2::1', { topology })).toThrow(TargetRefusedError);
    expect(() => checkTarget('server.example', { topology })).toThrow(UsageError);
  });
});
