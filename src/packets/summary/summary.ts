/**
 * The stateful summariser: turns frames into DecodedPackets whose No./Time/Source/Destination/
 * Protocol/Length/Info equal `tshark -r FILE` (Wireshark 4.0, default preferences, single pass),
 * or `tshark -2 -r FILE` with `twoPass` (then call `finish()` after the last frame).
 */
import type { DecodedPacket } from '../types.js';
import type { Frame } from '../file/reader.js';
import { decodeLink, ETH_ARP, ETH_IPV4, ETH_IPV6, LINKTYPE_NAMES } from '../decode/link.js';
import { macColumn } from '../decode/addr.js';
import { decodeArp } from '../decode/arp.js';
import { decodeIpv4, type IpLayer } from '../decode/ipv4.js';
import { decodeIpv6 } from '../decode/ipv6.js';
import { decodeUdp } from '../decode/udp.js';
import { decodeIcmp, type IcmpLayer } from '../decode/icmp.js';
import { decodeIcmpv6 } from '../decode/icmpv6.js';
import { decodeDns } from '../decode/dns.js';
import { IcmpMatcher } from '../pattern/icmp-match.js';
import { TcpSummarizer, type TcpInfoParts } from './tcp-summary.js';
import { ETHERTYPE_NAMES, ipProtocolName } from './names.js';

export interface SummaryOptions {
  /** Match `tshark -2`: ICMP requests get "(reply in N)" / "(no response found!)". */
  twoPass?: boolean;
  /** Keep transport payloads on the packets (default true). */
  payload?: boolean;
  /**
   * Fill the structured fields (ip, tcp, udp, icmp, dns, arp; default true). `false` computes
   * only the packet-list columns, which is all `wirelab decode` prints (faster).
   */
  fields?: boolean;
  /**
   * With `fields: false`: plain TCP rows leave Info empty and its pieces in
   * `Summarizer.tcpText` (valid until the next `add`), for byte writers (TsharkLineWriter).
   */
  textParts?: boolean;
}

const IP_PROTO_NAMES: Record<number, string> = {
  1: 'ICMP',
  2: 'IGMP',
  6: 'TCP',
  17: 'UDP',
  47: 'GRE',
  50: 'ESP',
  58: 'ICMPv6',
  132: 'SCTP',
};

export class Summarizer {
  private no = 0;
  private sec0 = 0;
  private nsec0 = 0;
  private readonly icmp: IcmpMatcher;
  private readonly tcp: TcpSummarizer;
  private readonly keepPayload: boolean;
  private readonly fields: boolean;
  /** Reused for every frame (read synchronously, never kept). */
  private readonly ipScratch = {} as IpLayer;

  constructor(opts: SummaryOptions = {}) {
    this.icmp = new IcmpMatcher(opts.twoPass === true);
    this.tcp = new TcpSummarizer(opts.twoPass === true, opts.textParts === true);
    this.keepPayload = opts.payload !== false;
    this.fields = opts.fields !== false;
  }

  /** Text-parts mode: the Info pieces of the packet last added, if its `info` was left ''. */
  get tcpText(): TcpInfoParts | undefined {
    return this.tcp.parts;
  }

  /** Summarises the next frame of the file. Never throws on malformed bytes. */
  add(frame: Frame): DecodedPacket {
    this.tcp.parts = undefined;
    const no = ++this.no;
    if (no === 1) {
      this.sec0 = frame.sec;
      this.nsec0 = frame.nsec;
    }
    const relNs = (frame.sec - this.sec0) * 1e9 + (frame.nsec - this.nsec0);
    // All keys up front: one object shape for every packet (absent layers stay undefined).
    const p: DecodedPacket = {
      no,
      time: relNs / 1e9,
      source: '',
      destination: '',
      protocol: LINKTYPE_NAMES[frame.linktype] ?? `LINKTYPE ${frame.linktype}`,
      length: frame.origlen,
      info: '',
      timeDigits: frame.timeDigits,
      timestamp: frame.timestamp,
      caplen: frame.caplen,
      ip: undefined,
      tcp: undefined,
      udp: undefined,
      icmp: undefined,
      dns: undefined,
      arp: undefined,
      payload: undefined,
    };
    const b = frame.data;
    const link = decodeLink(frame.linktype, b);
    const isIp = link.ethertype === ETH_IPV4 || link.ethertype === ETH_IPV6;
    if (!isIp) {
      if (link.macSrc >= 0 && link.macSrc + 6 <= b.length) p.source = macColumn(b, link.macSrc);
      if (link.macDst >= 0 && link.macDst + 6 <= b.length) p.destination = macColumn(b, link.macDst);
    }
    if (isIp) {
      const ip = link.ethertype === ETH_IPV4 ? decodeIpv4(b, link.offset, this.ipScratch) : decodeIpv6(b, link.offset, this.ipScratch);
      if (ip) this.ipPacket(p, b, ip, relNs);
      else {
        if (link.macSrc >= 0 && link.macSrc + 6 <= b.length) p.source = macColumn(b, link.macSrc);
        if (link.macDst >= 0 && link.macDst + 6 <= b.length) p.destination = macColumn(b, link.macDst);
        p.protocol = link.ethertype === ETH_IPV4 ? 'IPv4' : 'IPv6';
        p.info = 'Bogus IP header';
      }
    } else if (link.ethertype === ETH_ARP) {
      const arp = decodeArp(b, link.offset);
      p.protocol = 'ARP';
      if (arp) {
        p.info = arp.info;
        p.arp = { op: arp.op, senderIp: arp.senderIp, targetIp: arp.targetIp, senderMac: arp.senderMac, targetMac: arp.targetMac };
      } else p.info = 'Malformed ARP';
    } else if (link.ethertype >= 0) {
      // no dissector: tshark names the column by the number and Info by its table, else "Ethernet II"
      const hex = `0x${link.ethertype.toString(16).padStart(4, '0')}`;
      if (frame.linktype === 1 && link.ethertype >= 0x600) {
        p.protocol = hex;
        p.info = ETHERTYPE_NAMES.get(link.ethertype) ?? 'Ethernet II';
      } else if (frame.linktype === 1 && link.ethertype > 1500) {
        p.info = `Ethernet Unknown: Invalid length/type: ${hex} (${link.ethertype})`;
      } else p.info = `Ethertype ${hex}`;
    }
    return p;
  }

  /** Two-pass mode: adds the forward references once every frame has been added. */
  finish(packets: DecodedPacket[]): void {
    this.icmp.finish(packets);
  }

  private ipPacket(p: DecodedPacket, b: Uint8Array, ip: IpLayer, relNs: number): void {
    p.source = ip.src;
    p.destination = ip.dst;
    if (this.fields) p.ip = { version: ip.version, src: ip.src, dst: ip.dst, ttl: ip.ttl, proto: ip.proto, len: ip.len };
    // a fragment (also the first, "more fragments" at offset 0: wirelab does not reassemble, and
    // tshark names one it cannot reassemble so)
    if (ip.fragOffset !== 0 || (ip.version === 4 && ip.moreFragments)) {
      p.protocol = ip.version === 4 ? 'IPv4' : 'IPv6';
      p.info = `Fragmented IP protocol (proto=${ipProtocolName(ip.proto)} ${ip.proto}, off=${ip.fragOffset}, ID=${ip.id.toString(16).padStart(4, '0')})`;
      return;
    }
    // an IPv4 header with nothing after it: tshark calls no dissector, Info stays empty
    if (ip.version === 4 && ip.end === ip.l4) {
      p.protocol = 'IPv4';
      p.info = '';
      return;
    }
    switch (ip.proto) {
      case 6:
        this.tcp.summarise(p, b, ip, relNs, this.keepPayload, this.fields);
        return;
      case 17: {
        const u = decodeUdp(b, ip.l4, ip.end);
        if (!u) break;
        p.udp = { srcPort: u.srcPort, dstPort: u.dstPort, len: u.len };
        if (this.keepPayload) p.payload = b.subarray(u.payload, u.end);
        if (u.srcPort === 53 || u.dstPort === 53) {
          const dns = decodeDns(b, u.payload, u.end);
          if (dns) {
            p.protocol = 'DNS';
            p.info = dns.info;
            p.dns = { id: dns.id, response: dns.response, rcode: dns.rcode, questions: dns.questions, answers: dns.answers };
            return;
          }
        }
        if (u.srcPort === 7 || u.dstPort === 7) {
          p.protocol = 'ECHO';
          p.info = u.dstPort === 7 ? 'Request' : 'Response';
          return;
        }
        p.protocol = 'UDP';
        p.info = `${u.srcPort} → ${u.dstPort} Len=${u.len - 8}`;
        // A zero checksum is not allowed over IPv6 (RFC 8200); tshark says so in Info.
        if (ip.version === 6 && u.payload - 2 < b.length && b[u.payload - 2] === 0 && b[u.payload - 1] === 0)
          p.info += ' [ILLEGAL CHECKSUM (0)]';
        return;
      }
      case 1:
      case 58: {
        const ic: IcmpLayer | undefined = ip.proto === 1 ? decodeIcmp(b, ip.l4, ip.end, ip.ttl) : decodeIcmpv6(b, ip.l4, ip.end, ip.ttl);
        if (!ic) break;
        p.protocol = ip.proto === 1 ? 'ICMP' : 'ICMPv6';
        p.icmp = { version: ic.version, type: ic.type, code: ic.code };
        if (ic.id !== undefined) {
          p.icmp.id = ic.id;
          p.icmp.seq = ic.seq;
        }
        if (ic.mtu !== undefined) p.icmp.mtu = ic.mtu;
        p.info = ic.info + this.icmp.note(p.no, ip, ic);
        return;
      }
      default:
        break;
    }
    p.protocol = IP_PROTO_NAMES[ip.proto] ?? (ip.version === 4 ? 'IPv4' : 'IPv6');
    // as tshark's data dissector names a protocol it does not dissect: "ISO TP4 (29)", and for
    // IPv6 "Unknown IP Protocol: ISO TP4 (29)"; an empty IPv4 payload leaves Info empty
    if (ip.version === 4) p.info = ip.end > ip.l4 ? `${ipProtocolName(ip.proto)} (${ip.proto})` : '';
    else p.info = `Unknown IP Protocol: ${ipProtocolName(ip.proto)} (${ip.proto})`;
  }
}
