import { ipFamily } from '../util/ip.js';
import { parseCidr } from './addr.js';
import { addressOn, isRouter, sharedSegments, type Graph } from './graph.js';

/** One static route of a host, ready for `ip route add TO via VIA dev DEV`. */
export interface RouteSpec {
  /** Destination network in canonical form, or `default`. */
  to: string;
  family: 4 | 6;
  via: string;
  dev: string;
  /** `computed` (shortest path over the routers), `gateway` or `explicit`. */
  origin: 'computed' | 'gateway' | 'explicit';
}

interface Hop {
  host: string;
  segment: string;
}

/**
 * Shortest paths from `from` in one address family: only routers (`forward: true`) pass packets
 * on, and an edge exists where both ends have an address of that family on the shared segment.
 * Returns, for every reachable host, its distance and the first hop (neighbour + segment).
 */
export function shortestPaths(g: Graph, from: string, family: 4 | 6): Map<string, { dist: number; first: Hop }> {
  const seen = new Map<string, { dist: number; first: Hop }>();
  const queue: string[] = [from];
  const dist = new Map([[from, 0]]);
  while (queue.length) {
    const x = queue.shift()!;
    if (x !== from && !isRouter(g, x)) continue;
    for (const f of g.ifaces.get(x) ?? []) {
      if (!f.addresses.some((a) => a.family === family)) continue;
      for (const m of g.segments.get(f.segment)!.members) {
        if (m.host === x || dist.has(m.host) || !m.addresses.some((a) => a.family === family)) continue;
        const d = dist.get(x)! + 1;
        dist.set(m.host, d);
        seen.set(m.host, { dist: d, first: x === from ? { host: m.host, segment: f.segment } : seen.get(x)!.first });
        queue.push(m.host);
      }
    }
  }
  return seen;
}

/** Resolves a next hop given as a host name or an IP literal, from `host`'s point of view. */
export function resolveVia(g: Graph, host: string, via: string, family: 4 | 6): { via: string; dev: string } | undefined {
  if (ipFamily(via)) {
    if (ipFamily(via) !== family) return undefined;
    const f = (g.ifaces.get(host) ?? []).find((i) => i.addresses.some((a) => a.family === family && sameNet(a.network, via)));
    return f ? { via, dev: f.name } : undefined;
  }
  for (const seg of sharedSegments(g, host, via)) {
    const addr = addressOn(g, via, seg, family);
    const dev = g.ifaces.get(host)!.find((f) => f.segment === seg)!;
    if (addr && dev.addresses.some((a) => a.family === family)) return { via: addr, dev: dev.name };
  }
  return undefined;
}

function sameNet(network: string, ip: string): boolean {
  const [, bits] = network.split('/');
  return network === cidrNet(`${ip}/${bits}`);
}
function cidrNet(c: string): string | undefined {
  return parseCidr(c)?.network;
}

/**
 * Every host's routes: its default gateway, explicit routes, and a computed route to each
 * subnet it is not on (shortest path over the routers), except where the default gateway or an
 * explicit route already covers it.
 */
export function computeRoutes(g: Graph): Map<string, RouteSpec[]> {
  const out = new Map<string, RouteSpec[]>();
  for (const host of g.hosts) {
    const h = g.specs.get(host);
    const routes: RouteSpec[] = [];
    out.set(host, routes);
    if (!h) continue;
    const attached = new Set((g.ifaces.get(host) ?? []).map((f) => f.segment));
    for (const family of [4, 6] as const) {
      if (!(g.ifaces.get(host) ?? []).some((f) => f.addresses.some((a) => a.family === family))) continue;
      const explicitTo = new Set<string>();
      for (const r of h.routes ?? []) {
        const to = r.to === 'default' || r.to === 'default6' ? r.to : cidrNet(r.to);
        const fam = r.to === 'default' ? 4 : r.to === 'default6' ? 6 : parseCidr(r.to)?.family;
        if (!to || fam !== family) continue;
        const v = resolveVia(g, host, r.via, family);
        if (!v) continue;
        const dest = to.startsWith('default') ? 'default' : to;
        explicitTo.add(dest);
        routes.push({ to: dest, family, ...v, origin: 'explicit' });
      }
      let gatewayVia: string | undefined;
      if (h.gateway && !explicitTo.has('default')) {
        const v = resolveVia(g, host, h.gateway, family);
        if (v) {
          gatewayVia = v.via;
          routes.push({ to: 'default', family, ...v, origin: 'gateway' });
        }
      }
      const paths = shortestPaths(g, host, family);
      for (const seg of g.segments.values()) {
        if (attached.has(seg.key)) continue;
        let best: { dist: number; first: { host: string; segment: string } } | undefined;
        for (const m of seg.members) {
          const p = paths.get(m.host);
          if (!p || !isRouter(g, m.host) || !m.addresses.some((a) => a.family === family)) continue;
          if (!best || p.dist < best.dist) best = p;
        }
        if (!best) continue;
        const via = addressOn(g, best.first.host, best.first.segment, family)!;
        const dev = g.ifaces.get(host)!.find((f) => f.segment === best.first.segment)!.name;
        for (const subnet of seg.subnets) {
          if (parseCidr(subnet)?.family !== family || explicitTo.has(subnet) || via === gatewayVia) continue;
          routes.push({ to: subnet, family, via, dev, origin: 'computed' });
        }
      }
    }
  }
  return out;
}
