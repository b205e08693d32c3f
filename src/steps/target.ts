import { ipFamily } from '../util/ip.js';
import type { CheckScope } from './kind.js';
import type { StepRunContext } from './context.js';

/** A probe target: an IP literal as is, or a host name through the topology. */
export function targetAddress(target: string, ctx: StepRunContext): string {
  if (ipFamily(target)) return target;
  const a = ctx.run.addresses.get(target)?.find((x) => ipFamily(x) === 4) ?? ctx.run.addresses.get(target)?.[0];
  if (!a) throw new Error(`host ${target} has no address`);
  return a;
}

export function checkTarget(target: string, scope: CheckScope, path: (string | number)[]): void {
  if (!ipFamily(target)) scope.host(target, path);
}

/** Host name for an address, for readable checks (`r3 (192.0.2.9)`). */
export function nameOf(address: string | null, ctx: StepRunContext): string {
  if (address === null) return '*';
  for (const [name, addrs] of ctx.run.addresses) if (name !== 'local' && addrs.includes(address)) return `${name} (${address})`;
  return address;
}
