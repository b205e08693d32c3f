/**
 * The names a stub resolver tries for a query, in order, as glibc's res_search and BIND's
 * nslookup/dig +search do with resolv.conf's `search` and `options ndots:N`:
 * - a trailing dot: the name as is, only;
 * - at least `ndots` dots: the name as is first, then with each search suffix;
 * - fewer dots: each search suffix first, then the name as is.
 */
import { countDots, normName } from './names.js';

export function searchCandidates(name: string, search: string[] = [], ndots = 1): string[] {
  const bare = normName(name);
  if (name.endsWith('.')) return [bare];
  const suffixed = search
    .map(normName)
    .filter((s) => s !== '')
    .map((s) => `${bare}.${s}`);
  const order = countDots(name) >= ndots ? [bare, ...suffixed] : [...suffixed, bare];
  return [...new Set(order)];
}
