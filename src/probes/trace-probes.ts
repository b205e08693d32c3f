import { randomInt } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { icmpEcho, type IcmpMessage, type Ipv4, parseIpv4, parseTcp, parseUdpPorts, TCP, tcpSyn } from './packet.js';
import { RawChannel } from './raw.js';

/** What a reply says about probe `index`. */
export interface ProbeMatch {
  index: number;
  address: string;
  /** The reply came from the end of the path (destination answered, or an unreachable). */
  final: boolean;
  /** traceroute's mark for unreachables: `!H`, `!N`, `!P`, `!X`… */
  annotation?: string;
}

/** One way of probing: sends probe `index` with a TTL and recognises replies to it. */
export interface ProbeKind {
  send(index: number, ttl: number): void;
  /** Match an ICMP message (time exceeded, unreachable, echo reply). */
  matchIcmp(ip: Ipv4, icmp: IcmpMessage): ProbeMatch | undefined;
  close(): void;
}

/** Linux traceroute's marks for ICMP destination-unreachable codes (port-unreachable is none). */
export function unreachMark(code: number): string | undefined {
  const marks: Record<number, string> = { 0: '!N', 1: '!H', 2: '!P', 4: '!F', 5: '!S', 9: '!X', 10: '!X', 13: '!X', 14: '!V', 15: '!C' };
  return code === 3 ? undefined : marks[code] ?? `!<${code}>`;
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
 * UDP probes like Linux traceroute's default: one socket per probe (TTL set with setTTL),
 * destination port `basePort + index` (33434, 33435, …); time-exceeded and port-unreachable
 * errors quoting that port identify the probe.
 */
export function udpProbes(target: string, basePort = 33434, onSent?: (index: number) => void): ProbeKind {
  const sockets: Socket[] = [];
  const byPort = new Map<number, { index: number; sport: number }>();
  const payload = Buffer.alloc(32, 0x40);
  return {
    send(index, ttl) {
      const s = createSocket('udp4');
      sockets.push(s);
      s.on('error', () => {}); // ICMP errors are read from the raw socket
      s.bind(0, () => {
        s.setTTL(ttl);
        const dport = (basePort + index) & 0xffff;
        byPort.set(dport, { index, sport: s.address().port });
        onSent?.(index);
        s.send(payload, dport, target);
      });
    },
    matchIcmp(ip, icmp) {
      const q = quotedTo(icmp, target, 17);
      const ports = q && parseUdpPorts(q.payload);
      const probe = ports && byPort.get(ports.dport);
      if (!probe || probe.sport !== ports!.sport) return undefined;
      return errorMatch(probe.index, ip, icmp);
    },
    close() {
      for (const s of sockets) s.close();
    },
  };
}

/** ICMP echo probes like `traceroute -I` / Windows tracert: one id per trace, seq = index + 1. */
export function icmpProbes(target: string, icmpSock: RawChannel): ProbeKind {
  const id = randomInt(1, 0xffff);
  return {
    send(index, ttl) {
      icmpSock.setTtl(ttl);
      icmpSock.send(icmpEcho(id, index + 1), target);
    },
    matchIcmp(ip, icmp) {
      if (icmp.type === 0) {
        return ip.src === target && icmp.id === id ? { index: icmp.seq - 1, address: ip.src, final: true } : undefined;
      }
      const q = quotedTo(icmp, target, 1);
      if (!q || q.payload.length < 8 || q.payload[0] !== 8 || q.payload.readUInt16BE(4) !== id) return undefined;
      return errorMatch(q.payload.readUInt16BE(6) - 1, ip, icmp);
    },
    close() {},
  };
}

/**
 * TCP SYN probes like `traceroute -T` (port 80 by default): a raw SYN per probe from source port
 * `base + index`; SYN/ACK or RST from the target ends the trace (the kernel resets the
 * half-open connection itself), time-exceeded errors quoting the source port name the hop.
 */
export function tcpProbes(target: string, source: string, onMatch: (m: ProbeMatch) => void, port = 80): ProbeKind {
  const base = randomInt(40000, 60000 - 512);
  const seq = randomInt(0, 2 ** 32);
  const onTcp = (pkt: Buffer): ProbeMatch | undefined => {
    const ip = parseIpv4(pkt);
    const tcp = ip && ip.src === target ? parseTcp(ip.payload) : undefined;
    if (!tcp || tcp.sport !== port || !(tcp.flags & (TCP.ACK | TCP.RST))) return undefined;
    const index = tcp.dport - base;
    if (index < 0 || index >= 512 || tcp.ack !== ((seq + 1) >>> 0)) return undefined;
    return { index, address: ip!.src, final: true };
  };
  const sock = new RawChannel('tcp', (pkt, len) => {
    const m = onTcp(pkt.subarray(0, len));
    if (m) onMatch(m);
  });
  return {
    send(index: number, ttl: number) {
      sock.setTtl(ttl);
      sock.send(tcpSyn(source, target, base + index, port, seq), target);
    },
    matchIcmp(ip: Ipv4, icmp: IcmpMessage) {
      const q = quotedTo(icmp, target, 6);
      const tcp = q && parseTcp(q.payload);
      if (!tcp || tcp.dport !== port || tcp.seq !== seq) return undefined;
      const index = tcp.sport - base;
      return index >= 0 && index < 512 ? errorMatch(index, ip, icmp) : undefined;
    },
    close() {
      sock.close();
    },
  };
}
