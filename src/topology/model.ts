import { parseCidr, unusableAddress, unusableSubnet, type Cidr } from './addr.js';

/** The `topology:` section of a scenario, as validated by schemas/topology.schema.json. */
export interface TopologyModel {
  networks?: Record<string, NetworkModel>;
  hosts: Record<string, HostModel>;
  links?: LinkModel[];
}
export interface NetworkModel { subnet?: string; subnet6?: string; mtu?: number }
export interface InterfaceModel { ip: string | string[]; mtu?: number; network?: string }
export interface FirewallModel { policy?: 'accept' | 'drop' | 'reject'; allow?: string[]; drop?: string[]; reject?: string[] }
export interface ResolverModel { nameserver: string | string[]; search?: string[]; ndots?: number }
export interface RouteModel { to: string; via: string }
export interface HostModel {
  ip: string | InterfaceModel | (string | InterfaceModel)[];
  mtu?: number;
  gateway?: string;
  forward?: boolean;
  icmp?: 'normal' | 'silent';
  icmpLimits?: { ratelimit?: number; msgsPerSec?: number; msgsBurst?: number };
  firewall?: FirewallModel;
  resolver?: ResolverModel;
  routes?: RouteModel[];
}
export type LinkModel = [string, string] | { between: [string, string]; delay?: string; loss?: number };

/** A semantic problem, with a JSON-pointer-like path into the scenario (`/topology/hosts/r1/gateway`). */
export interface TopologyProblem { path: string; message: string }

/** One interface of a host after normalisation. */
export interface Iface {
  host: string;
  /** Name inside the host's namespace: eth0, eth1, … */
  name: string;
  addresses: Cidr[];
  mtu: number;
  /** Where `mtu` was set (interface, host or network), for problems; undefined for the default. */
  mtuPath?: string;
  /** Key of the segment (network) it is attached to. */
  segment: string;
  /** Path of the interface in the scenario, for problems. */
  path: string;
}

/** A LAN or point-to-point network: every interface attached to it. */
export interface Segment {
  key: string;
  /** The subnets it carries (IPv4 and/or IPv6, canonical network form). */
  subnets: string[];
  members: Iface[];
  /** Link properties from `links:` (delay/loss), if any. */
  delay?: string;
  loss?: number;
}

/** The topology as a graph: interfaces by host, segments by key. */
export interface Graph {
  hosts: string[];
  model: TopologyModel;
  ifaces: Map<string, Iface[]>;
  segments: Map<string, Segment>;
}

const DEFAULT_MTU = 1500;

/** Groups every host's addresses into interfaces and interfaces into segments. */
export function buildGraph(model: TopologyModel, base: string, problems: TopologyProblem[]): Graph {
  const segments = new Map<string, Segment>();
  const ifaces = new Map<string, Iface[]>();
  const networks = model.networks ?? {};
  const named = Object.entries(networks).flatMap(([name, n]) =>
    [n.subnet, n.subnet6].filter((s): s is string => !!s).map((s, i) => {
      const c = parseCidr(s);
      const key = i === 0 && n.subnet ? 'subnet' : 'subnet6';
      const path = `${base}/networks/${name}/${key}`;
      if (!c) problems.push({ path, message: `"${s}" is not a subnet (CIDR)` });
      else if (c.family !== (key === 'subnet' ? 4 : 6)) problems.push({ path, message: `${key} must be an IPv${key === 'subnet' ? 4 : 6} subnet, found ${s}${key === 'subnet' ? ' (an IPv6 subnet goes in subnet6)' : ' (an IPv4 subnet goes in subnet)'}` });
      else {
        const bad = unusableSubnet(c, key);
        if (bad) problems.push({ path, message: bad });
      }
      return { name, network: c?.network };
    }),
  );
  const segmentFor = (c: Cidr): string => named.find((n) => n.network && n.network === c.network)?.name ?? c.network;

  for (const [host, h] of Object.entries(model.hosts)) {
    const list: Iface[] = [];
    const entries = Array.isArray(h.ip) ? h.ip : [h.ip];
    entries.forEach((entry, i) => {
      const path = Array.isArray(h.ip) ? `${base}/hosts/${host}/ip/${i}` : `${base}/hosts/${host}/ip`;
      const obj: InterfaceModel = typeof entry === 'string' ? { ip: entry } : entry;
      const texts = Array.isArray(obj.ip) ? obj.ip : [obj.ip];
      const cidrs: Cidr[] = [];
      texts.forEach((t, j) => {
        const c = parseCidr(t);
        const at = Array.isArray(obj.ip) ? `${path}/ip/${j}` : typeof entry === 'string' ? path : `${path}/ip`;
        if (!c) problems.push({ path: at, message: `"${t}" is not an address with prefix length (e.g. 198.51.100.55/24)` });
        else {
          const bad = unusableAddress(c);
          if (bad) problems.push({ path: at, message: bad });
          cidrs.push(c);
        }
      });
      if (!cidrs.length) return;
      let segment = obj.network;
      if (segment !== undefined && !networks[segment]) {
        problems.push({ path: `${path}/network`, message: `unknown network "${segment}" (not in topology.networks)` });
        return;
      }
      segment ??= segmentFor(cidrs[0]);
      const existing = list.find((f) => f.segment === segment);
      if (existing && typeof entry === 'string') {
        existing.addresses.push(...cidrs);
        return;
      }
      const mtu = obj.mtu ?? h.mtu ?? networks[segment]?.mtu ?? DEFAULT_MTU;
      const mtuPath =
        obj.mtu !== undefined ? `${path}/mtu` : h.mtu !== undefined ? `${base}/hosts/${host}/mtu` : networks[segment]?.mtu !== undefined ? `${base}/networks/${segment}/mtu` : undefined;
      list.push({ host, name: `eth${list.length}`, addresses: cidrs, mtu, mtuPath, segment, path });
    });
    ifaces.set(host, list);
    for (const f of list) {
      let seg = segments.get(f.segment);
      if (!seg) segments.set(f.segment, (seg = { key: f.segment, subnets: [], members: [] }));
      seg.members.push(f);
      for (const c of f.addresses) if (!seg.subnets.includes(c.network)) seg.subnets.push(c.network);
    }
  }
  return { hosts: Object.keys(model.hosts), model, ifaces, segments };
}

/** The address of `host` on segment `seg` in `family`, if it has one. */
export function addressOn(g: Graph, host: string, seg: string, family: 4 | 6): string | undefined {
  return g.ifaces.get(host)?.find((f) => f.segment === seg)?.addresses.find((a) => a.family === family)?.address;
}

/** Segment keys the two hosts share. */
export function sharedSegments(g: Graph, a: string, b: string): string[] {
  const bs = new Set((g.ifaces.get(b) ?? []).map((f) => f.segment));
  return (g.ifaces.get(a) ?? []).map((f) => f.segment).filter((s) => bs.has(s));
}
