import { checkTopology, IPV6_MIN_MTU } from './check.js';
import { nftRuleset } from './firewall.js';
import { buildGraph, type TopologyModel } from './model.js';
import { computeRoutes, type RouteSpec } from './routes.js';
import { UsageError } from '../errors.js';

/** Every name wirelab gives a namespace starts with this: `wl-<6 hex run id>-`. */
export const NETNS_PATTERN = /^wl-([0-9a-f]{6})-/;

export interface PlannedInterface {
  name: string;
  addresses: string[];
  mtu: number;
  /** `host:ifname` of the other end (a point-to-point link), `switch` on a LAN, `none` for a lone interface. */
  peer: string;
}

export interface PlannedHost {
  name: string;
  netns: string;
  router: boolean;
  interfaces: PlannedInterface[];
  /** Interface addresses without prefix length, first interface first. */
  addresses: string[];
  routes: RouteSpec[];
}

/** What one namespace needs once its links exist: sysctls, then an `ip -batch`, tc, nft, resolv.conf. */
export interface NamespaceSetup {
  netns: string;
  sysctls: Record<string, string>;
  /** Lines for `ip -n NETNS -batch -`, run after the links exist. */
  ipBatch: string[];
  nft?: string;
  resolvConf?: string;
  /** `tc qdisc` lines (netem) for `tc -n NETNS -batch -`. */
  tcBatch: string[];
}

/** Everything `applyPlan` does, computed without touching the system. */
export interface TopologyPlan {
  runId: string;
  hosts: PlannedHost[];
  /** All namespaces (hosts, then the switch namespace if a LAN has 3+ hosts). */
  namespaces: string[];
  /** Lines for `ip -batch -` in the root namespace creating every link, straight into the namespaces. */
  linkBatch: string[];
  setups: NamespaceSetup[];
  /** Every subnet of the topology (what probes may target). */
  subnets: string[];
  /** True when a link has delay or loss (needs sch_netem). */
  needsNetem: boolean;
}

/** The namespace of host `host` in run `runId`. */
export function netnsName(runId: string, host: string): string {
  return `wl-${runId}-${host}`;
}

/** Plans a topology; throws UsageError listing the problems when `checkTopology` finds any. */
export function planTopology(model: TopologyModel, runId: string): TopologyPlan {
  if (!/^[0-9a-f]{6}$/.test(runId)) throw new Error(`bad run id ${runId}`);
  const problems = checkTopology(model);
  if (problems.length) throw new UsageError(`invalid topology:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
  const g = buildGraph(model, '/topology', []);
  const routes = computeRoutes(g);
  const switchNs = `wl-${runId}--sw`;
  const linkBatch: string[] = [];
  const hostLines = new Map<string, string[]>(g.hosts.map((h) => [h, []]));
  const tcLines = new Map<string, string[]>(g.hosts.map((h) => [h, []]));
  const switchLines: string[] = [];
  const peers = new Map<string, string>();
  const portMtu = new Map<string, number>();
  let needsNetem = false;
  [...g.segments.values()].forEach((seg, si) => {
    const netem = netemArgs(model, seg.members.map((m) => m.host));
    if (netem) needsNetem = true;
    for (const m of seg.members) if (netem) tcLines.get(m.host)!.push(`qdisc add dev ${m.name} root netem ${netem}`);
    if (seg.members.length === 1) {
      const m = seg.members[0];
      // A lone interface (no other host on its subnet) is a bridge without ports: it is up, carries
      // its addresses and answers on them, and needs no `dummy` module (many kernels lack it).
      hostLines.get(m.host)!.push(`link add ${m.name} mtu ${m.mtu} type bridge`);
      peers.set(`${m.host}:${m.name}`, 'none');
    } else if (seg.members.length === 2) {
      const [a, b] = seg.members;
      linkBatch.push(`link add ${a.name} netns ${netnsName(runId, a.host)} mtu ${a.mtu} type veth peer name ${b.name} netns ${netnsName(runId, b.host)} mtu ${b.mtu}`);
      peers.set(`${a.host}:${a.name}`, `${b.host}:${b.name}`);
      peers.set(`${b.host}:${b.name}`, `${a.host}:${a.name}`);
    } else {
      const br = `br${si}`;
      const mtu = Math.max(...seg.members.map((m) => m.mtu));
      switchLines.push(`link add ${br} mtu ${mtu} type bridge`);
      seg.members.forEach((m, pi) => {
        const port = `s${si}p${pi}`;
        linkBatch.push(`link add ${m.name} netns ${netnsName(runId, m.host)} mtu ${m.mtu} type veth peer name ${port} netns ${switchNs} mtu ${mtu}`);
        switchLines.push(`link set ${port} master ${br}`, `link set ${port} up`);
        portMtu.set(port, mtu);
        peers.set(`${m.host}:${m.name}`, 'switch');
      });
      switchLines.push(`link set ${br} up`);
    }
  });

  const hosts: PlannedHost[] = [];
  const setups: NamespaceSetup[] = [];
  for (const name of g.hosts) {
    const h = model.hosts[name];
    const netns = netnsName(runId, name);
    const ifaces = g.ifaces.get(name)!;
    const lines = hostLines.get(name)!;
    lines.push('link set lo up');
    for (const f of ifaces) {
      lines.push(`link set ${f.name} up`);
      for (const a of f.addresses) lines.push(`addr add ${a.address}/${a.prefix} dev ${f.name}${a.family === 6 ? ' nodad' : ''}`);
    }
    const hostRoutes = routes.get(name)!;
    for (const r of hostRoutes) lines.push(`route add ${r.to === 'default' && r.family === 6 ? '::/0' : r.to} via ${r.via} dev ${r.dev}`);
    hosts.push({
      name,
      netns,
      router: !!h.forward,
      interfaces: ifaces.map((f) => ({ name: f.name, addresses: f.addresses.map((a) => `${a.address}/${a.prefix}`), mtu: f.mtu, peer: peers.get(`${name}:${f.name}`)! })),
      addresses: ifaces.flatMap((f) => f.addresses.map((a) => a.address)),
      routes: hostRoutes,
    });
    const ifaceSysctls = Object.fromEntries(
      // Below 1280 the kernel has no IPv6 on a link, nor its conf/ directory (only IPv4-only links get there).
      ifaces.filter((f) => peers.get(`${name}:${f.name}`) !== 'none' && f.mtu >= IPV6_MIN_MTU).map((f) => [`net.ipv6.conf.${f.name}.accept_dad`, '0']),
    );
    setups.push({ netns, sysctls: { ...sysctls(!!h.forward), ...icmpSysctls(h.icmpLimits), ...ifaceSysctls }, ipBatch: lines, nft: nftRuleset(h.firewall, h.icmp === 'silent'), resolvConf: resolvConf(h.resolver), tcBatch: tcLines.get(name)! });
  }
  const namespaces = hosts.map((h) => h.netns);
  if (switchLines.length) {
    namespaces.push(switchNs);
    const ports = [...portMtu].filter(([, mtu]) => mtu >= IPV6_MIN_MTU).map(([port]) => port);
    const off = Object.fromEntries(['all', 'default', ...ports].map((d) => [`net.ipv6.conf.${d}.disable_ipv6`, '1']));
    setups.push({ netns: switchNs, sysctls: off, ipBatch: switchLines, tcBatch: [] });
  }
  return { runId, hosts, namespaces, linkBatch, setups, subnets: [...g.segments.values()].flatMap((s) => s.subnets), needsNetem };
}

/**
 * Sysctls of every host namespace: forwarding for routers, no DAD. The ICMP rate limits stay the
 * kernel's own (a lab behaves like a network of real routers) unless the host sets `icmpLimits`.
 */
function sysctls(router: boolean): Record<string, string> {
  return {
    'net.ipv4.ip_forward': router ? '1' : '0',
    'net.ipv6.conf.all.forwarding': router ? '1' : '0',
    'net.ipv6.conf.all.accept_dad': '0',
    'net.ipv6.conf.default.accept_dad': '0',
  };
}

/** A host's `icmpLimits` as sysctls (the IPv6 per-destination limit follows the IPv4 one). */
export function icmpSysctls(limits: TopologyModel['hosts'][string]['icmpLimits']): Record<string, string> {
  const out: Record<string, string> = {};
  if (limits?.ratelimit !== undefined) {
    out['net.ipv4.icmp_ratelimit'] = String(limits.ratelimit);
    out['net.ipv6.icmp.ratelimit'] = String(limits.ratelimit);
  }
  if (limits?.msgsPerSec !== undefined) out['net.ipv4.icmp_msgs_per_sec'] = String(limits.msgsPerSec);
  if (limits?.msgsBurst !== undefined) out['net.ipv4.icmp_msgs_burst'] = String(limits.msgsBurst);
  return out;
}

function resolvConf(r: TopologyModel['hosts'][string]['resolver']): string | undefined {
  if (!r) return undefined;
  const ns = (Array.isArray(r.nameserver) ? r.nameserver : [r.nameserver]).slice(0, 3);
  const lines = ['# written by wirelab', ...ns.map((a) => `nameserver ${a}`)];
  if (r.search?.length) lines.push(`search ${r.search.join(' ')}`);
  lines.push(`options ndots:${r.ndots ?? 1}`);
  return lines.join('\n') + '\n';
}

function netemArgs(model: TopologyModel, members: string[]): string | undefined {
  for (const link of model.links ?? []) {
    if (Array.isArray(link)) continue;
    const [a, b] = link.between;
    if (!members.includes(a) || !members.includes(b)) continue;
    const parts = [link.delay ? `delay ${link.delay}` : '', link.loss !== undefined ? `loss ${link.loss}%` : ''].filter(Boolean);
    if (parts.length) return parts.join(' ');
  }
  return undefined;
}
