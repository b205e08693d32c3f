import type { TopologyFirewall } from '../generated/scenario.js';

/** A parsed firewall rule: `tcp/80`, `udp/1000-2000`, `icmp`. */
export interface PortRule {
  proto: 'tcp' | 'udp' | 'icmp';
  low?: number;
  high?: number;
}

/** Parses a rule; `error` says what is wrong with it. */
export function parseRule(text: string): { rule?: PortRule; error?: string } {
  if (text === 'icmp') return { rule: { proto: 'icmp' } };
  const m = /^(tcp|udp)\/(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (!m) return { error: `"${text}" is not a rule: use tcp/PORT, tcp/LOW-HIGH, udp/PORT, udp/LOW-HIGH or icmp` };
  const low = Number(m[2]);
  const high = m[3] === undefined ? low : Number(m[3]);
  if (low < 1 || high > 65535 || low > high) return { error: `"${text}": ports must be 1-65535 and LOW ≤ HIGH` };
  return { rule: { proto: m[1] as 'tcp' | 'udp', low, high } };
}

function match(r: PortRule): string {
  if (r.proto === 'icmp') return 'meta l4proto { icmp, ipv6-icmp }';
  return `${r.proto} dport ${r.low === r.high ? r.low : `${r.low}-${r.high}`}`;
}

const REJECT_TCP = 'reject with tcp reset';
const REJECT_OTHER = 'reject with icmpx type port-unreachable';

function verdicts(list: string[] | undefined, verdict: 'accept' | 'drop' | 'reject'): string[] {
  return (list ?? []).flatMap((text) => {
    const r = parseRule(text).rule;
    if (!r) return [];
    if (verdict !== 'reject') return [`${match(r)} ${verdict}`];
    return [r.proto === 'tcp' ? `${match(r)} ${REJECT_TCP}` : `${match(r)} ${REJECT_OTHER}`];
  });
}

/**
 * The nftables ruleset of one host (table `inet wirelab`), or undefined when it needs none.
 * Input: loopback, replies (established/related) and IPv6 neighbour discovery always pass; then
 * the allow, reject and drop lists; then the policy (`reject` answers like a closed port).
 * `silent` drops the ICMP errors the host would originate (time exceeded, unreachable).
 */
export function nftRuleset(fw: TopologyFirewall | undefined, silent: boolean): string | undefined {
  const policy = fw?.policy ?? 'accept';
  const rules = [...verdicts(fw?.allow, 'accept'), ...verdicts(fw?.reject, 'reject'), ...verdicts(fw?.drop, 'drop')];
  if (!fw && !silent) return undefined;
  const lines = ['table inet wirelab {'];
  if (fw && (rules.length || policy !== 'accept')) {
    lines.push(
      '  chain input {',
      `    type filter hook input priority 0; policy ${policy === 'drop' ? 'drop' : 'accept'};`,
      '    iif lo accept',
      '    ct state established,related accept',
      '    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit, nd-router-advert } accept',
      ...rules.map((r) => `    ${r}`),
    );
    if (policy === 'reject')
      lines.push(
        `    meta l4proto tcp ${REJECT_TCP}`,
        `    meta l4proto udp ${REJECT_OTHER}`,
        '    reject with icmpx type admin-prohibited',
      );
    lines.push('  }');
  }
  if (silent) {
    lines.push(
      '  chain output {',
      '    type filter hook output priority 0; policy accept;',
      '    icmp type { time-exceeded, destination-unreachable } drop',
      '    icmpv6 type { time-exceeded, destination-unreachable } drop',
      '  }',
    );
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
