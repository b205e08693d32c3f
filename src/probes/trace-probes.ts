import { randomInt } from 'node:crypto';
import { icmpEcho, type IcmpMessage, type Ipv4, parseIpv4, parseTcp, parseUdpPorts, TCP, tcpSyn } from './packet.js';

/** What a reply says about probe `index`. */
export interface ProbeMatch {
  index: number;
  address: string;
  /** The reply came from the end of the path (destination answered, or an unreachable). */
  final: boolean;
  /** traceroute's mark for unreachables: `!H`, `!N`, `!P`, `!X`… */
  annotation?: string;
}

/** One probe on the wire: its bytes (UDP payload, ICMP message or TCP segment) and, for UDP, the destination port. */
export interface ProbePacket {
  bytes: Buffer;
  port: number;
}

/**
 * One way of probing: builds probe `index` and recognises replies to it. How the probes travel
 * (and how their times are taken) is the wire's business (src/probes/trace-wire.ts).
 */
export interface ProbeKind {
  readonly protocol: 'udp' | 'icmp' | 'tcp';
  packet(index: number): ProbePacket;
  /** Match an ICMP message (time exceeded, unreachable, echo reply); `udpSource` is the source port probe i left from. */
  matchIcmp(ip: Ipv4, icmp: IcmpMessage, udpSource: (index: number) => number | undefined): ProbeMatch | undefined;
  /** Match a TCP segment (IP header included) read on a raw TCP socket. */
  matchTcp(pkt: Buffer): ProbeMatch | undefined;
}

/** Linux traceroute's marks for ICMP destination-unreachable codes (port-unreachable is none). */
export function unreachMark(code: number): string | undefined {
  const marks: Record<number, string> = { 0: '!N', 1: '!H', 2: '!P', 4: '!F', 5: '!S', 9: '!X', 10: '!X', 13: '!X', 14: '!V', 15: '!C' };
  return code === 3 ? undefined : (marks[code] ?? `!<${code}>`);
}

function quotedTo(icmp: IcmpMessage, target: string, proto: number): Ipv4 | undefined {
  const q = icmp.quoted;
  return q && q.dst === target && q.proto === proto ? q : undefined;
}

function errorMatch(index: number, ip: Ipv4, icmp: IcmpMessage): ProbeMatch {
  if (icmp.type === 11) return { index, address: ip.src, final: false };
  const annotation = unreachMark(icmp.code);
  return annotation ? { index, address: ip.src, final: true, annotation } : { index, address: ip.src, final: true };
}

/**
 * UDP probes like Linux traceroute's default: destination port `basePort + index` (33434,
 * 33435, …), 32 bytes of 0x40; time-exceeded and port-unreachable errors quoting that port and
 * the probe's source port identify the probe.
 */
export function udpProbes(target: string, basePort = 33434): ProbeKind {
  const payload = Buffer.alloc(32, 0x40);
  return {
    protocol: 'udp',
    packet: (index) => ({ bytes: payload, port: (basePort + index) & 0xffff }),
    matchIcmp(ip, icmp, udpSource) {
      const q = quotedTo(icmp, target, 17);
      const ports = q && parseUdpPorts(q.payload);
      if (!ports) return undefined;
      const index = (ports.dport - basePort + 0x10000) & 0xffff;
      if (udpSource(index) !== ports.sport) return undefined;
      return errorMatch(index, ip, icmp);
    },
    matchTcp: () => undefined,
  };
}

/** ICMP echo probes like `traceroute -I` / Windows tracert: one id per trace, seq = index + 1. */
export function icmpProbes(target: string): ProbeKind {
  const id = randomInt(1, 0xffff);
  return {
    protocol: 'icmp',
    packet: (index) => ({ bytes: icmpEcho(id, index + 1), port: 0 }),
    matchIcmp(ip, icmp) {
      if (icmp.type === 0) {
        return ip.src === target && icmp.id === id ? { index: icmp.seq - 1, address: ip.src, final: true } : undefined;
      }
      const q = quotedTo(icmp, target, 1);
      if (!q || q.payload.length < 8 || q.payload[0] !== 8 || q.payload.readUInt16BE(4) !== id) return undefined;
      return errorMatch(q.payload.readUInt16BE(6) - 1, ip, icmp);
    },
    matchTcp: () => undefined,
  };
}

/**
 * TCP SYN probes like `traceroute -T` (port 80 by default): a raw SYN per probe from source port
 * `base + index`; SYN/ACK or RST from the target ends the trace (the kernel resets the
 * half-open connection itself), time-exceeded errors quoting the source port name the hop.
 */
export function tcpProbes(target: string, source: string, port = 80): ProbeKind {
  const base = randomInt(40000, 60000 - 512);
  const seq = randomInt(0, 2 ** 32);
  return {
    protocol: 'tcp',
    packet: (index) => ({ bytes: tcpSyn(source, target, base + index, port, seq), port }),
    matchIcmp(ip, icmp) {
      const q = quotedTo(icmp, target, 6);
      const tcp = q && parseTcp(q.payload);
      if (!tcp || tcp.dport !== port || tcp.seq !== seq) return undefined;
      const index = tcp.sport - base;
      return index >= 0 && index < 512 ? errorMatch(index, ip, icmp) : undefined;
    },
    matchTcp(pkt) {
      const ip = parseIpv4(pkt);
      const tcp = ip && ip.src === target ? parseTcp(ip.payload) : undefined;
      if (!tcp || tcp.sport !== port || !(tcp.flags & (TCP.ACK | TCP.RST))) return undefined;
      const index = tcp.dport - base;
      if (index < 0 || index >= 512 || tcp.ack !== (seq + 1) >>> 0) return undefined;
      return { index, address: ip!.src, final: true };
    },
  };
}
