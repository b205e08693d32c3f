import { ipFamily } from '../util/ip.js';
import type { Topology as TopologySpec } from '../generated/scenario.js';
import { parseCidr, unusableSubnet } from './addr.js';
import { isRouter, sharedSegments, type Graph, type ProblemPath, type TopologyProblem } from './graph.js';
import { resolveVia, shortestPaths } from './routes.js';
import { parseRule } from './firewall.js';

/** The least MTU of a link that carries IPv6 (RFC 8200); below it the kernel turns IPv6 off on the link. */
export const IPV6_MIN_MTU = 1280;

/**
 * Semantic checks of a schema-valid topology over its graph (the address checks are made
 * while the graph is built): duplicate addresses, an mtu too small for IPv6, gateways and route
 * next hops that are unknown or not on a shared subnet, links between hosts that share no subnet,
 * bad firewall rules and resolvers, and hosts no chain of routers reaches.
 */
export function checkGraph(g: Graph, topology: TopologySpec, base: ProblemPath, problems: TopologyProblem[]): void {
  checkDuplicates(g, problems);
  checkIpv6Mtu(g, problems);
  for (const [name, h] of g.specs) {
    const p = [...base, 'hosts', name];
    if (h.gateway !== undefined) checkNextHop(g, name, h.gateway, [...p, 'gateway'], 'gateway', problems);
    (h.routes ?? []).forEach((r, i) => {
      const at = [...p, 'routes', i, 'to'];
      const c = r.to === 'default' || r.to === 'default6' ? undefined : parseCidr(r.to);
      if (!c && r.to !== 'default' && r.to !== 'default6')
        problems.push({ path: at, message: `"${r.to}" is not a subnet (CIDR), "default" or "default6"` });
      const bad = c && unusableSubnet(c, 'route destination');
      if (bad) problems.push({ path: at, message: bad });
      checkNextHop(g, name, r.via, [...p, 'routes', i, 'via'], 'next hop', problems);
    });
    for (const list of ['allow', 'drop', 'reject'] as const) {
      (h.firewall?.[list] ?? []).forEach((rule, i) => {
        const err = parseRule(rule).error;
        if (err) problems.push({ path: [...p, 'firewall', list, i], message: err });
      });
    }
    if (h.resolver) {
      const many = Array.isArray(h.resolver.nameserver);
      const ns: string[] = Array.isArray(h.resolver.nameserver) ? [...h.resolver.nameserver] : [h.resolver.nameserver];
      ns.forEach((a, i) => {
        if (!ipFamily(a))
          problems.push({
            path: many ? [...p, 'resolver', 'nameserver', i] : [...p, 'resolver', 'nameserver'],
            message: `"${a}" is not an IP address`,
          });
      });
    }
  }
  (topology.links ?? []).forEach((link, i) => {
    const [a, b] = Array.isArray(link) ? link : link.between;
    const path = [...base, 'links', i];
    for (const h of [a, b]) if (!g.specs.has(h)) problems.push({ path, message: `unknown host "${h}"` });
    if (g.specs.has(a) && g.specs.has(b) && !sharedSegments(g, a, b).length) {
      problems.push({ path, message: `${a} and ${b} share no subnet, so they cannot be linked (give them addresses in one subnet)` });
    }
  });
  if (!problems.length) checkReachability(g, base, problems);
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

/** An interface with an IPv6 address needs mtu ≥ 1280; reported once where the mtu is set. */
function checkIpv6Mtu(g: Graph, problems: TopologyProblem[]): void {
  const seen = new Set<string>();
  for (const list of g.ifaces.values()) {
    for (const f of list) {
      const v6 = f.addresses.find((a) => a.family === 6);
      if (!v6 || f.mtu >= IPV6_MIN_MTU) continue;
      const path = f.mtuPath ?? f.path;
      if (seen.has(path.join('/'))) continue;
      seen.add(path.join('/'));
      problems.push({
        path,
        message: `mtu ${f.mtu} is below ${IPV6_MIN_MTU}, the least IPv6 allows (the kernel turns IPv6 off on such a link), and it applies to ${f.name} of ${f.host}, which carries ${v6.address}/${v6.prefix}: set mtu to ${IPV6_MIN_MTU} or more, or keep that link IPv4-only`,
      });
    }
  }
}

function checkNextHop(g: Graph, host: string, via: string, path: ProblemPath, what: string, problems: TopologyProblem[]): void {
  const family = ipFamily(via);
  if (family !== 4 && family !== 6 && !g.specs.has(via)) {
    problems.push({ path, message: `${what} "${via}" is neither a host of the topology nor an IP address` });
    return;
  }
  if (via === host) {
    problems.push({ path, message: `${what} of ${host} cannot be ${host} itself` });
    return;
  }
  const ok =
    family === 4 || family === 6 ? !!resolveVia(g, host, via, family) : !!(resolveVia(g, host, via, 4) ?? resolveVia(g, host, via, 6));
  if (!ok) {
    problems.push({ path, message: `${what} ${via} is not on a subnet of ${host} (they must share a subnet)` });
    return;
  }
  if (!family && !isRouter(g, via)) {
    problems.push({ path, message: `${what} ${via} is not a router: add "forward: true" to ${via}` });
  }
}

function checkReachability(g: Graph, base: ProblemPath, problems: TopologyProblem[]): void {
  const families = (h: string) => new Set((g.ifaces.get(h) ?? []).flatMap((f) => f.addresses.map((a) => a.family)));
  for (const a of g.hosts) {
    const paths = { 4: shortestPaths(g, a, 4), 6: shortestPaths(g, a, 6) };
    for (const b of g.hosts) {
      if (a === b) continue;
      const common = [...families(a)].filter((f) => families(b).has(f));
      if (common.some((f) => paths[f].has(b))) continue;
      problems.push({
        path: [...base, 'hosts', b],
        message: `host ${b} cannot be reached from ${a}: no chain of routers (forward: true) connects their subnets`,
      });
      return;
    }
  }
}
