import { isIP } from 'node:net';
import { parseCidr, unusableSubnet } from './addr.js';
import { buildGraph, sharedSegments, type Graph, type TopologyModel, type TopologyProblem } from './model.js';
import { resolveVia, shortestPaths } from './routes.js';
import { parseRule } from './firewall.js';

/**
 * Semantic checks of a schema-valid topology: malformed or duplicate addresses, gateways and
 * route next hops that are unknown or not on a shared subnet, links between hosts that share no
 * subnet, bad firewall rules and resolvers, and hosts no chain of routers reaches. Paths are
 * JSON pointers into the scenario (`base` is where the topology sits, default `/topology`).
 */
export function checkTopology(model: TopologyModel, base = '/topology'): TopologyProblem[] {
  const problems: TopologyProblem[] = [];
  const g = buildGraph(model, base, problems);
  checkDuplicates(g, problems);
  checkIpv6Mtu(g, problems);
  for (const [name, h] of Object.entries(model.hosts)) {
    const p = `${base}/hosts/${name}`;
    if (h.gateway !== undefined) checkNextHop(g, name, h.gateway, `${p}/gateway`, 'gateway', problems);
    (h.routes ?? []).forEach((r, i) => {
      const to = r.to === 'default' || r.to === 'default6' ? r.to : parseCidr(r.to)?.network;
      if (!to) problems.push({ path: `${p}/routes/${i}/to`, message: `"${r.to}" is not a subnet (CIDR), "default" or "default6"` });
      const c = to && !to.startsWith('default') ? parseCidr(r.to) : undefined;
      const bad = c && unusableSubnet(c, 'route destination');
      if (bad) problems.push({ path: `${p}/routes/${i}/to`, message: bad });
      checkNextHop(g, name, r.via, `${p}/routes/${i}/via`, 'next hop', problems);
    });
    for (const list of ['allow', 'drop', 'reject'] as const) {
      (h.firewall?.[list] ?? []).forEach((rule, i) => {
        const err = parseRule(rule).error;
        if (err) problems.push({ path: `${p}/firewall/${list}/${i}`, message: err });
      });
    }
    if (h.resolver) {
      const ns = Array.isArray(h.resolver.nameserver) ? h.resolver.nameserver : [h.resolver.nameserver];
      ns.forEach((a, i) => {
        if (!isIP(a)) problems.push({ path: `${p}/resolver/nameserver${Array.isArray(h.resolver!.nameserver) ? `/${i}` : ''}`, message: `"${a}" is not an IP address` });
      });
    }
  }
  (model.links ?? []).forEach((link, i) => {
    const [a, b] = Array.isArray(link) ? link : link.between;
    const path = `${base}/links/${i}`;
    for (const h of [a, b]) if (!model.hosts[h]) problems.push({ path, message: `unknown host "${h}"` });
    if (model.hosts[a] && model.hosts[b] && !sharedSegments(g, a, b).length) {
      problems.push({ path, message: `${a} and ${b} share no subnet, so they cannot be linked (give them addresses in one subnet)` });
    }
  });
  if (!problems.length) checkReachability(g, base, problems);
  return problems;
}

function checkDuplicates(g: Graph, problems: TopologyProblem[]): void {
  const seen = new Map<string, string>();
  for (const list of g.ifaces.values()) {
    for (const f of list) {
      for (const a of f.addresses) {
        const other = seen.get(a.address);
        if (other) problems.push({ path: f.path, message: `address ${a.address} is already used by ${other}` });
        else seen.set(a.address, f.host);
      }
    }
  }
}

/** The least MTU of a link that carries IPv6 (RFC 8200); below it the kernel turns IPv6 off on the link. */
export const IPV6_MIN_MTU = 1280;

/** An interface with an IPv6 address needs mtu ≥ 1280; reported once where the mtu is set. */
function checkIpv6Mtu(g: Graph, problems: TopologyProblem[]): void {
  const seen = new Set<string>();
  for (const list of g.ifaces.values()) {
    for (const f of list) {
      const v6 = f.addresses.find((a) => a.family === 6);
      if (!v6 || f.mtu >= IPV6_MIN_MTU) continue;
      const path = f.mtuPath ?? f.path;
      if (seen.has(path)) continue;
      seen.add(path);
      problems.push({
        path,
        message: `mtu ${f.mtu} is below ${IPV6_MIN_MTU}, the least IPv6 allows (the kernel turns IPv6 off on such a link), and it applies to ${f.name} of ${f.host}, which carries ${v6.address}/${v6.prefix}: set mtu to ${IPV6_MIN_MTU} or more, or keep that link IPv4-only`,
      });
    }
  }
}

function checkNextHop(g: Graph, host: string, via: string, path: string, what: string, problems: TopologyProblem[]): void {
  const family = isIP(via);
  if (!family && !g.model.hosts[via]) {
    problems.push({ path, message: `${what} "${via}" is neither a host of the topology nor an IP address` });
    return;
  }
  if (via === host) {
    problems.push({ path, message: `${what} of ${host} cannot be ${host} itself` });
    return;
  }
  const ok = family ? !!resolveVia(g, host, via, family as 4 | 6) : !!(resolveVia(g, host, via, 4) ?? resolveVia(g, host, via, 6));
  if (!ok) {
    problems.push({ path, message: `${what} ${via} is not on a subnet of ${host} (they must share a subnet)` });
    return;
  }
  if (!family && !g.model.hosts[via].forward) {
    problems.push({ path, message: `${what} ${via} is not a router: add "forward: true" to ${via}` });
  }
}

function checkReachability(g: Graph, base: string, problems: TopologyProblem[]): void {
  const families = (h: string) => new Set((g.ifaces.get(h) ?? []).flatMap((f) => f.addresses.map((a) => a.family)));
  for (const a of g.hosts) {
    const paths = { 4: shortestPaths(g, a, 4), 6: shortestPaths(g, a, 6) };
    for (const b of g.hosts) {
      if (a === b) continue;
      const common = [...families(a)].filter((f) => families(b).has(f));
      if (common.some((f) => paths[f].has(b))) continue;
      problems.push({ path: `${base}/hosts/${b}`, message: `host ${b} cannot be reached from ${a}: no chain of routers (forward: true) connects their subnets` });
      return;
    }
  }
}
