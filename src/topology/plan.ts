import type { Topology as TopologySpec, TopologyFirewall, TopologyHost } from '../generated/scenario.js';
import { UsageError } from '../errors.js';
import { checkGraph, IPV6_MIN_MTU } from './check.js';
import { nftRuleset } from './firewall.js';
import { buildGraph, type Graph, type ProblemPath, type TopologyProblem } from './graph.js';
import { computeRoutes, type RouteSpec } from './routes.js';

export type { ProblemPath, TopologyProblem } from './graph.js';

/** Every name wirelab gives a namespace starts with this: `wl-<6 hex run id>-`. */
export const NETNS_PATTERN = /^wl-([0-9a-f]{6})-/;

export interface PlannedInterface {
  name: string;
  addresses: string[];
  mtu: number;
  /** `host:ifname` of the other end (a point-to-point link), `switch` on a LAN, `none` for a lone interface. */
  peer: string;
  /** Present (false) when segmentation offload is off (`offloads: false`). */
  offloads?: false;
  /** Link emulation on this end, as `tc netem` arguments, when its link sets delay or loss. */
  link?: string;
}

/** A host as planned: what its namespace gets, whatever run builds it. */
export interface PlannedHost {
  name: string;
  router: boolean;
  interfaces: PlannedInterface[];
  /** Interface addresses without prefix length, first interface first. */
  addresses: string[];
  routes: RouteSpec[];
  /** Sysctls of its namespace (forwarding, DAD, ICMP limits), written before its links go up. */
  sysctls: Record<string, string>;
  /** Its firewall as the scenario set it (policy and rules), for the run record and its drawing. */
  firewall?: { policy: 'accept' | 'drop' | 'reject'; allow?: string[]; drop?: string[]; reject?: string[] };
  /** `icmp: silent`: it sends no ICMP errors. */
  silent: boolean;
  /** Its nftables ruleset (firewall, silent ICMP), if it needs one. */
  nft?: string;
  /** Its /etc/resolv.conf, if it has a resolver. */
  resolvConf?: string;
}

/** One network: two members are a cable (veth pair), three or more a switch, one a lone interface. */
export interface PlannedSegment {
  /** The named network, or the subnet of its first address. */
  key: string;
  subnets: string[];
  members: { host: string; iface: string; mtu: number }[];
  /** `tc qdisc … netem` arguments for its ends (delay/loss from `links:`), if any. */
  netem?: string;
}

/**
 * The topology of a scenario, checked and planned once (at validate time): every host with its
 * interfaces, routes and namespace settings, and every segment. It names no namespace: a run
 * turns it into commands with `runPlan(plan, runId)`.
 */
export interface TopologyPlan {
  hosts: PlannedHost[];
  segments: PlannedSegment[];
  /** Every subnet of the topology (what probes may target). */
  subnets: string[];
  /** True when a link has delay or loss (needs sch_netem). */
  needsNetem: boolean;
}

export type PlanResult = { ok: true; plan: TopologyPlan } | { ok: false; problems: TopologyProblem[] };

/**
 * Checks and plans a schema-valid topology in one pass (the schema checks its shape, this its
 * meaning): a plan, or every problem found, each at its path in the scenario (`base` is where
 * the topology sits, `['topology']` in a scenario).
 */
export function planTopology(topology: TopologySpec, base: ProblemPath = ['topology']): PlanResult {
  const problems: TopologyProblem[] = [];
  const g = buildGraph(topology, base, problems);
  checkGraph(g, topology, base, problems);
  if (problems.length) return { ok: false, problems };
  return { ok: true, plan: plan(g, topology) };
}

/** planTopology for callers without a scenario file (tests, tools): throws UsageError listing the problems. */
export function mustPlan(topology: TopologySpec): TopologyPlan {
  const r = planTopology(topology);
  if (!r.ok) throw new UsageError(`invalid topology:\n${r.problems.map((p) => `  /${p.path.join('/')}: ${p.message}`).join('\n')}`);
  return r.plan;
}

/** A firewall as the record shows it: the policy always, rule lists only when set. */
function firewallRecord(f: TopologyFirewall): NonNullable<PlannedHost['firewall']> {
  return {
    policy: f.policy ?? 'accept',
    ...(f.allow ? { allow: [...f.allow] } : {}),
    ...(f.drop ? { drop: [...f.drop] } : {}),
    ...(f.reject ? { reject: [...f.reject] } : {}),
  };
}

function plan(g: Graph, topology: TopologySpec): TopologyPlan {
  const routes = computeRoutes(g);
  const peers = new Map<string, string>();
  const segments: PlannedSegment[] = [...g.segments.values()].map((seg) => {
    const members = seg.members.map((m) => ({ host: m.host, iface: m.name, mtu: m.mtu }));
    if (members.length === 1) peers.set(`${members[0].host}:${members[0].iface}`, 'none');
    else if (members.length === 2) {
      const [a, b] = members;
      peers.set(`${a.host}:${a.iface}`, `${b.host}:${b.iface}`);
      peers.set(`${b.host}:${b.iface}`, `${a.host}:${a.iface}`);
    } else for (const m of members) peers.set(`${m.host}:${m.iface}`, 'switch');
    return {
      key: seg.key,
      subnets: [...seg.subnets],
      members,
      netem: netemArgs(
        topology,
        members.map((m) => m.host),
      ),
    };
  });
  const hosts = g.hosts.map((name): PlannedHost => {
    const h: TopologyHost | undefined = g.specs.get(name);
    const ifaces = g.ifaces.get(name) ?? [];
    const peerOf = (iface: string) => peers.get(`${name}:${iface}`) ?? 'none';
    // DAD off per interface; a lone interface is made later (default applies), and below 1280 the
    // kernel has no IPv6 on a link, nor its conf/ directory (only IPv4-only links get there).
    const ifaceSysctls = Object.fromEntries(
      ifaces.filter((f) => peerOf(f.name) !== 'none' && f.mtu >= IPV6_MIN_MTU).map((f) => [`net.ipv6.conf.${f.name}.accept_dad`, '0']),
    );
    return {
      name,
      router: h?.forward === true,
      interfaces: ifaces.map((f) => {
        const link = segments.find((s) => s.members.some((m) => m.host === name && m.iface === f.name))?.netem;
        return {
          name: f.name,
          addresses: f.addresses.map((a) => `${a.address}/${a.prefix}`),
          mtu: f.mtu,
          peer: peerOf(f.name),
          ...(f.offloads ? {} : { offloads: false as const }),
          ...(link !== undefined ? { link } : {}),
        };
      }),
      addresses: ifaces.flatMap((f) => f.addresses.map((a) => a.address)),
      routes: routes.get(name) ?? [],
      sysctls: { ...sysctls(h?.forward === true), ...icmpSysctls(h?.icmpLimits), ...ifaceSysctls },
      ...(h?.firewall ? { firewall: firewallRecord(h.firewall) } : {}),
      silent: h?.icmp === 'silent',
      nft: nftRuleset(h?.firewall, h?.icmp === 'silent'),
      resolvConf: resolvConf(h?.resolver),
    };
  });
  return { hosts, segments, subnets: segments.flatMap((s) => s.subnets), needsNetem: segments.some((s) => s.netem !== undefined) };
}

/** The links that ask for emulation, as an error names them: `a–b (delay 20ms loss 1%)`. */
export function emulatedLinks(plan: TopologyPlan): string[] {
  return plan.segments.filter((g) => g.netem !== undefined).map((g) => `${g.members.map((m) => m.host).join('–')} (${g.netem})`);
}

/** A planned host in one run: its namespace. */
export interface RunHost {
  name: string;
  netns: string;
  router: boolean;
  interfaces: PlannedInterface[];
  addresses: string[];
  routes: RouteSpec[];
  firewall?: PlannedHost['firewall'];
  silent?: boolean;
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

/** A topology plan for one run: everything `applyPlan` does, computed without touching the system. */
export interface RunPlan {
  runId: string;
  hosts: RunHost[];
  /** All namespaces (hosts, then the switch namespace if a LAN has 3+ hosts). */
  namespaces: string[];
  /** The plan's networks (cables and LANs), for the run record. */
  segments: PlannedSegment[];
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

/** A plan's namespaces, links and per-namespace scripts for run `runId` (6 hex digits). */
export function runPlan(plan: TopologyPlan, runId: string): RunPlan {
  if (!/^[0-9a-f]{6}$/.test(runId)) throw new Error(`bad run id ${runId}`);
  const switchNs = `wl-${runId}--sw`;
  const linkBatch: string[] = [];
  const hostLines = new Map<string, string[]>(plan.hosts.map((h) => [h.name, []]));
  const tcLines = new Map<string, string[]>(plan.hosts.map((h) => [h.name, []]));
  const switchLines: string[] = [];
  const switchPorts: string[] = [];
  const lines = (m: Map<string, string[]>, host: string): string[] => m.get(host) ?? [];
  plan.segments.forEach((seg, si) => {
    if (seg.netem) for (const m of seg.members) lines(tcLines, m.host).push(`qdisc add dev ${m.iface} root netem ${seg.netem}`);
    if (seg.members.length === 1) {
      // A lone interface (no other host on its subnet) is a bridge without ports: it is up, carries
      // its addresses and answers on them, and needs no `dummy` module (many kernels lack it).
      const [m] = seg.members;
      lines(hostLines, m.host).push(`link add ${m.iface} mtu ${m.mtu} type bridge`);
    } else if (seg.members.length === 2) {
      const [a, b] = seg.members;
      linkBatch.push(
        `link add ${a.iface} netns ${netnsName(runId, a.host)} mtu ${a.mtu} type veth peer name ${b.iface} netns ${netnsName(runId, b.host)} mtu ${b.mtu}`,
      );
    } else {
      const br = `br${si}`;
      const mtu = Math.max(...seg.members.map((m) => m.mtu));
      switchLines.push(`link add ${br} mtu ${mtu} type bridge`);
      seg.members.forEach((m, pi) => {
        const port = `s${si}p${pi}`;
        linkBatch.push(
          `link add ${m.iface} netns ${netnsName(runId, m.host)} mtu ${m.mtu} type veth peer name ${port} netns ${switchNs} mtu ${mtu}`,
        );
        switchLines.push(`link set ${port} master ${br}`, `link set ${port} up`);
        if (mtu >= IPV6_MIN_MTU) switchPorts.push(port); // below 1280 a port has no IPv6 (nor its sysctls)
      });
      switchLines.push(`link set ${br} up`);
    }
  });

  const hosts: RunHost[] = [];
  const setups: NamespaceSetup[] = [];
  for (const h of plan.hosts) {
    const netns = netnsName(runId, h.name);
    const ip = lines(hostLines, h.name);
    ip.push('link set lo up');
    for (const f of h.interfaces) {
      // one MSS per skb: TCP segments before the interface, as a NIC without TSO/GSO would need
      if (f.offloads === false) ip.push(`link set ${f.name} gso_max_segs 1`);
      ip.push(`link set ${f.name} up`);
      for (const a of f.addresses) ip.push(`addr add ${a} dev ${f.name}${a.includes(':') ? ' nodad' : ''}`);
    }
    for (const r of h.routes) ip.push(`route add ${r.to === 'default' && r.family === 6 ? '::/0' : r.to} via ${r.via} dev ${r.dev}`);
    hosts.push({
      name: h.name,
      netns,
      router: h.router,
      interfaces: h.interfaces.map((i) => ({ ...i })),
      addresses: [...h.addresses],
      routes: h.routes,
      ...(h.firewall ? { firewall: h.firewall } : {}),
      silent: h.silent,
    });
    setups.push({ netns, sysctls: { ...h.sysctls }, ipBatch: ip, nft: h.nft, resolvConf: h.resolvConf, tcBatch: lines(tcLines, h.name) });
  }
  const namespaces = hosts.map((h) => h.netns);
  if (switchLines.length) {
    namespaces.push(switchNs);
    const off = Object.fromEntries(['all', 'default', ...switchPorts].map((d) => [`net.ipv6.conf.${d}.disable_ipv6`, '1']));
    setups.push({ netns: switchNs, sysctls: off, ipBatch: switchLines, tcBatch: [] });
  }
  return { runId, hosts, namespaces, linkBatch, setups, segments: plan.segments, subnets: [...plan.subnets], needsNetem: plan.needsNetem };
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
export function icmpSysctls(limits: TopologyHost['icmpLimits']): Record<string, string> {
  const out: Record<string, string> = {};
  if (limits?.ratelimit !== undefined) {
    out['net.ipv4.icmp_ratelimit'] = String(limits.ratelimit);
    out['net.ipv6.icmp.ratelimit'] = String(limits.ratelimit);
  }
  if (limits?.msgsPerSec !== undefined) out['net.ipv4.icmp_msgs_per_sec'] = String(limits.msgsPerSec);
  if (limits?.msgsBurst !== undefined) out['net.ipv4.icmp_msgs_burst'] = String(limits.msgsBurst);
  return out;
}

function resolvConf(r: TopologyHost['resolver']): string | undefined {
  if (!r) return undefined;
  const ns: string[] = (Array.isArray(r.nameserver) ? [...r.nameserver] : [r.nameserver]).slice(0, 3);
  const lines = ['# written by wirelab', ...ns.map((a) => `nameserver ${a}`)];
  if (r.search?.length) lines.push(`search ${r.search.join(' ')}`);
  lines.push(`options ndots:${r.ndots ?? 1}`);
  return lines.join('\n') + '\n';
}

function netemArgs(topology: TopologySpec, members: string[]): string | undefined {
  for (const link of topology.links ?? []) {
    if (Array.isArray(link)) continue;
    const [a, b] = link.between;
    if (!members.includes(a) || !members.includes(b)) continue;
    const parts = [link.delay ? `delay ${link.delay}` : '', link.loss !== undefined ? `loss ${link.loss}%` : ''].filter(Boolean);
    if (parts.length) return parts.join(' ');
  }
  return undefined;
}
