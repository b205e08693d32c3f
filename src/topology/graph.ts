import type { Topology as TopologySpec, TopologyHost, TopologyInterface } from '../generated/scenario.js';
import { parseCidr, unusableAddress, unusableSubnet, type Cidr } from './addr.js';

/** Where a problem is in the scenario: keys and list indexes from its root (`['topology', 'hosts', 'r1', 'gateway']`). */
export type ProblemPath = (string | number)[];

/** A semantic problem of a topology, located by its path in the scenario. */
export interface TopologyProblem {
  path: ProblemPath;
  message: string;
}

/** One interface of a host after normalisation. */
export interface Iface {
  host: string;
  /** Name inside the host's namespace: eth0, eth1, … */
  name: string;
  addresses: Cidr[];
  mtu: number;
  /** Where `mtu` was set (interface, host or network), for problems; undefined for the default. */
  mtuPath?: ProblemPath;
  /** Segmentation offload (GSO/TSO) left on: the interface's `offloads`, else the host's, else true. */
  offloads: boolean;
  /** Key of the segment (network) it is attached to. */
  segment: string;
  /** Path of the interface in the scenario, for problems. */
  path: ProblemPath;
}

/** A LAN or point-to-point network: every interface attached to it. */
export interface Segment {
  key: string;
  /** The subnets it carries (IPv4 and/or IPv6, canonical network form). */
  subnets: string[];
  members: Iface[];
}

/** The topology as a graph: each host's settings, its interfaces, and the segments they are on. */
export interface Graph {
  /** Host names, in the order of the scenario. */
  hosts: string[];
  /** Each host's settings as the scenario gives them (schema-valid). */
  specs: Map<string, TopologyHost>;
  ifaces: Map<string, Iface[]>;
  segments: Map<string, Segment>;
}

const DEFAULT_MTU = 1500;

/** The entries of a generated `{ [k: string]: T | undefined }` mapping that are present. */
export function present<T>(record: Record<string, T | undefined> | undefined): [string, T][] {
  return Object.entries(record ?? {}).flatMap(([k, v]) => (v === undefined ? [] : [[k, v] as [string, T]]));
}

/**
 * Groups every host's addresses into interfaces and interfaces into segments, reporting
 * addresses and subnets that are malformed or that no lab can use (`base` is where the topology
 * sits in the scenario).
 */
export function buildGraph(topology: TopologySpec, base: ProblemPath, problems: TopologyProblem[]): Graph {
  const segments = new Map<string, Segment>();
  const ifaces = new Map<string, Iface[]>();
  const networks = new Map(present(topology.networks));
  const named = [...networks].flatMap(([name, n]) =>
    (['subnet', 'subnet6'] as const).flatMap((key) => {
      const s = n[key];
      if (s === undefined) return [];
      const c = parseCidr(s);
      const path = [...base, 'networks', name, key];
      const family = key === 'subnet' ? 4 : 6;
      if (!c) problems.push({ path, message: `"${s}" is not a subnet (CIDR)` });
      else if (c.family !== family)
        problems.push({
          path,
          message: `${key} must be an IPv${family} subnet, found ${s} (an IPv${c.family} subnet goes in ${key === 'subnet' ? 'subnet6' : 'subnet'})`,
        });
      else {
        const bad = unusableSubnet(c, key);
        if (bad) problems.push({ path, message: bad });
      }
      return [{ name, network: c?.network }];
    }),
  );
  const segmentFor = (c: Cidr): string => named.find((n) => n.network && n.network === c.network)?.name ?? c.network;
  const specs = new Map(present(topology.hosts));

  for (const [host, h] of specs) {
    const list: Iface[] = [];
    const entries = Array.isArray(h.ip) ? h.ip : [h.ip];
    entries.forEach((entry, i) => {
      const path = Array.isArray(h.ip) ? [...base, 'hosts', host, 'ip', i] : [...base, 'hosts', host, 'ip'];
      const obj: TopologyInterface = typeof entry === 'string' ? { ip: entry } : entry;
      const texts = Array.isArray(obj.ip) ? obj.ip : [obj.ip];
      const cidrs: Cidr[] = [];
      texts.forEach((t, j) => {
        const c = parseCidr(t);
        const at = Array.isArray(obj.ip) ? [...path, 'ip', j] : typeof entry === 'string' ? path : [...path, 'ip'];
        if (!c) problems.push({ path: at, message: `"${t}" is not an address with prefix length (e.g. 198.51.100.55/24)` });
        else {
          const bad = unusableAddress(c);
          if (bad) problems.push({ path: at, message: bad });
          cidrs.push(c);
        }
      });
      if (!cidrs.length) return;
      let segment = obj.network;
      if (segment !== undefined && !networks.has(segment)) {
        problems.push({ path: [...path, 'network'], message: `unknown network "${segment}" (not in topology.networks)` });
        return;
      }
      segment ??= segmentFor(cidrs[0]);
      const existing = list.find((f) => f.segment === segment);
      if (existing && typeof entry === 'string') {
        existing.addresses.push(...cidrs);
        return;
      }
      const netMtu = networks.get(segment)?.mtu;
      const mtu = obj.mtu ?? h.mtu ?? netMtu ?? DEFAULT_MTU;
      const mtuPath =
        obj.mtu !== undefined
          ? [...path, 'mtu']
          : h.mtu !== undefined
            ? [...base, 'hosts', host, 'mtu']
            : netMtu !== undefined
              ? [...base, 'networks', segment, 'mtu']
              : undefined;
      const offloads = obj.offloads ?? h.offloads ?? true;
      list.push({ host, name: `eth${list.length}`, addresses: cidrs, mtu, mtuPath, offloads, segment, path });
    });
    ifaces.set(host, list);
    for (const f of list) {
      let seg = segments.get(f.segment);
      if (!seg) segments.set(f.segment, (seg = { key: f.segment, subnets: [], members: [] }));
      seg.members.push(f);
      for (const c of f.addresses) if (!seg.subnets.includes(c.network)) seg.subnets.push(c.network);
    }
  }
  return { hosts: [...specs.keys()], specs, ifaces, segments };
}

/** True when `host` is a router (`forward: true`). */
export function isRouter(g: Graph, host: string): boolean {
  return g.specs.get(host)?.forward === true;
}

/** The address of `host` on segment `seg` in `family`, if it has one. */
export function addressOn(g: Graph, host: string, seg: string, family: 4 | 6): string | undefined {
  return g.ifaces
    .get(host)
    ?.find((f) => f.segment === seg)
    ?.addresses.find((a) => a.family === family)?.address;
}

/** Segment keys the two hosts share. */
export function sharedSegments(g: Graph, a: string, b: string): string[] {
  const bs = new Set((g.ifaces.get(b) ?? []).map((f) => f.segment));
  return (g.ifaces.get(a) ?? []).map((f) => f.segment).filter((s) => bs.has(s));
}
