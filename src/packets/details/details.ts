/**
 * A packet's layers and fields, as Wireshark's packet details pane lists them (one title line
 * per protocol, then its fields), and its bytes as `tcpdump -XX` prints them. Built from the
 * frame's bytes and the summariser's decoded fields; a layer that is cut short stops the walk.
 */
import type { DecodedPacket } from '../types.js';
import type { Frame } from '../file/reader.js';
import { decodeLink, ETH_ARP, ETH_IPV4, ETH_IPV6 } from '../decode/link.js';
import { macAt } from '../decode/addr.js';
import { decodeIpv4 } from '../decode/ipv4.js';
import { decodeIpv6 } from '../decode/ipv6.js';
import { decodeTcp, tcpFlagNames } from '../decode/tcp.js';
import { decodeUdp } from '../decode/udp.js';
import { ipProtocolName } from '../summary/names.js';

export interface PacketLayer {
  /** The layer's title line, e.g. `Internet Protocol Version 4, Src: 198.51.100.55, Dst: 203.0.113.10`. */
  title: string;
  /** `Name: value` lines. */
  fields: string[];
}
export interface PacketDetails {
  layers: PacketLayer[];
  /** The frame's bytes in `tcpdump -XX`'s layout (offset, 16 bytes in groups of two, ASCII). */
  hex: string;
}

const hex = (n: number, digits: number) => `0x${n.toString(16).padStart(digits, '0')}`;
const u16 = (b: Uint8Array, o: number) => (b[o] << 8) | b[o + 1];

/**
 * `tcpdump -XX`'s hex and ASCII dump (print-ascii.c `hex_and_ascii_print`): per 16 bytes
 * `0x0000:  4500 003c …  E..<`, bytes outside 0x20-0x7e shown as `.`; no leading tab.
 */
export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const chunk = bytes.subarray(off, off + 16);
    let groups = '';
    for (let i = 0; i < chunk.length; i += 2) {
      groups += ` ${chunk[i].toString(16).padStart(2, '0')}${i + 1 < chunk.length ? chunk[i + 1].toString(16).padStart(2, '0') : ''}`;
    }
    let ascii = '';
    for (const c of chunk) ascii += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
    lines.push(`${hex(off, 4)}: ${groups.padEnd(40)}  ${ascii}`);
  }
  return lines.join('\n');
}

const ICMP_TYPES: Record<number, string> = {
  0: 'Echo (ping) reply',
  3: 'Destination unreachable',
  5: 'Redirect',
  8: 'Echo (ping) request',
  11: 'Time-to-live exceeded',
};
const ICMPV6_TYPES: Record<number, string> = {
  1: 'Destination unreachable',
  2: 'Packet too big',
  3: 'Time exceeded',
  128: 'Echo (ping) request',
  129: 'Echo (ping) reply',
  133: 'Router solicitation',
  134: 'Router advertisement',
  135: 'Neighbor solicitation',
  136: 'Neighbor advertisement',
};

function linkLayer(linktype: number, b: Uint8Array, ethertype: number): PacketLayer | null {
  const type = `Type: ${ethertype === ETH_IPV4 ? 'IPv4' : ethertype === ETH_IPV6 ? 'IPv6' : ethertype === ETH_ARP ? 'ARP' : 'unknown'} (${hex(ethertype, 4)})`;
  switch (linktype) {
    case 1:
      if (b.length < 14) return null;
      return {
        title: `Ethernet II, Src: ${macAt(b, 6)}, Dst: ${macAt(b, 0)}`,
        fields: [`Destination: ${macAt(b, 0)}`, `Source: ${macAt(b, 6)}`, type],
      };
    case 113:
      if (b.length < 16) return null;
      return {
        title: 'Linux cooked capture v1',
        fields: [
          `Packet type: ${u16(b, 0)}`,
          `Link-layer address type: ${u16(b, 2)}`,
          ...(u16(b, 4) === 6 ? [`Source: ${macAt(b, 6)}`] : []),
          type,
        ],
      };
    case 276:
      if (b.length < 20) return null;
      return {
        title: 'Linux cooked capture v2',
        fields: [
          `Interface index: ${((b[4] << 24) | (b[5] << 16) | (b[6] << 8) | b[7]) >>> 0}`,
          ...(b[11] === 6 ? [`Source: ${macAt(b, 12)}`] : []),
          type,
        ],
      };
    case 0:
    case 108:
      return { title: 'Null/Loopback', fields: [`Family: ${ethertype === ETH_IPV6 ? 'IPv6' : 'IP'}`] };
    default:
      return null;
  }
}

/** The layers of one frame, given what the summariser decoded of it (`p`, with fields). */
export function packetLayers(frame: Frame, p: DecodedPacket): PacketLayer[] {
  const b = frame.data;
  const layers: PacketLayer[] = [
    {
      title: `Frame ${p.no}: ${frame.origlen} bytes on wire (${frame.origlen * 8} bits), ${frame.caplen} bytes captured (${frame.caplen * 8} bits)`,
      fields: [
        `Arrival Time: ${new Date(frame.sec * 1000).toISOString().replace(/\.000Z$/, '')}.${String(frame.nsec).padStart(9, '0')} UTC`,
        `Time since first frame: ${p.time.toFixed(frame.timeDigits)} seconds`,
        `Frame Length: ${frame.origlen} bytes`,
        `Capture Length: ${frame.caplen} bytes`,
        `Protocols: ${p.protocol}`,
      ],
    },
  ];
  const link = decodeLink(frame.linktype, b);
  const l = linkLayer(frame.linktype, b, link.ethertype);
  if (l) layers.push(l);
  if (link.ethertype === ETH_ARP && p.arp) {
    const op = p.arp.op === 1 ? 'request' : p.arp.op === 2 ? 'reply' : String(p.arp.op);
    layers.push({
      title: `Address Resolution Protocol (${op})`,
      fields: [
        `Opcode: ${op} (${p.arp.op})`,
        `Sender MAC address: ${p.arp.senderMac}`,
        `Sender IP address: ${p.arp.senderIp}`,
        `Target MAC address: ${p.arp.targetMac}`,
        `Target IP address: ${p.arp.targetIp}`,
      ],
    });
    return layers;
  }
  const o = link.offset;
  const ip = link.ethertype === ETH_IPV4 ? decodeIpv4(b, o) : link.ethertype === ETH_IPV6 ? decodeIpv6(b, o) : undefined;
  if (!ip) return layers;
  if (ip.version === 4) {
    const flags = b[o + 6] >> 5;
    layers.push({
      title: `Internet Protocol Version 4, Src: ${ip.src}, Dst: ${ip.dst}`,
      fields: [
        'Version: 4',
        `Header Length: ${ip.l4 - o} bytes (${(ip.l4 - o) / 4})`,
        `Differentiated Services Field: ${hex(b[o + 1], 2)} (DSCP: ${b[o + 1] >> 2}, ECN: ${b[o + 1] & 3})`,
        `Total Length: ${ip.len}`,
        `Identification: ${hex(ip.id, 4)} (${ip.id})`,
        `Flags: ${hex(flags, 1)}${flags & 2 ? ", Don't fragment" : ''}${flags & 1 ? ', More fragments' : ''}`,
        `Fragment Offset: ${ip.fragOffset}`,
        `Time to Live: ${ip.ttl}`,
        `Protocol: ${ipProtocolName(ip.proto)} (${ip.proto})`,
        `Header Checksum: ${hex(u16(b, o + 10), 4)}`,
        `Source Address: ${ip.src}`,
        `Destination Address: ${ip.dst}`,
      ],
    });
  } else {
    const vtf = ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
    layers.push({
      title: `Internet Protocol Version 6, Src: ${ip.src}, Dst: ${ip.dst}`,
      fields: [
        'Version: 6',
        `Traffic Class: ${hex((vtf >> 20) & 0xff, 2)}`,
        `Flow Label: ${hex(vtf & 0xfffff, 5)}`,
        `Payload Length: ${u16(b, o + 4)}`,
        `Next Header: ${ipProtocolName(ip.proto)} (${ip.proto})`,
        `Hop Limit: ${ip.ttl}`,
        `Source Address: ${ip.src}`,
        `Destination Address: ${ip.dst}`,
      ],
    });
  }
  if (ip.fragOffset !== 0 || (ip.version === 4 && ip.moreFragments)) return layers;
  let payload: [number, number] | null = null;
  if (ip.proto === 6) {
    const t = decodeTcp(b, ip.l4, ip.end);
    const f = p.tcp;
    if (!t || !f) return layers;
    const names = tcpFlagNames(t.flags);
    layers.push({
      title: `Transmission Control Protocol, Src Port: ${t.srcPort}, Dst Port: ${t.dstPort}, Seq: ${f.seq}${t.flags & 0x10 ? `, Ack: ${f.ack}` : ''}, Len: ${t.len}`,
      fields: [
        `Source Port: ${t.srcPort}`,
        `Destination Port: ${t.dstPort}`,
        `TCP Segment Len: ${t.len}`,
        `Sequence Number: ${f.seq}    (relative sequence number)`,
        `Sequence Number (raw): ${t.seq}`,
        `Acknowledgment Number: ${t.flags & 0x10 ? `${f.ack}    (relative ack number)` : '0'}`,
        `Acknowledgment number (raw): ${t.ack}`,
        `Header Length: ${t.hlen} bytes (${t.hlen / 4})`,
        `Flags: ${hex(t.flags, 3)} (${names.join(', ') || 'none'})`,
        `Window: ${t.win}`,
        `Calculated window size: ${f.win}`,
        `Checksum: ${hex(u16(b, ip.l4 + 16), 4)}`,
        `Urgent Pointer: ${t.urg}`,
        ...(f.options.length ? [`Options: ${f.options.join(', ')}`] : []),
        ...f.analysis.map((a) => `[${a}]`),
      ],
    });
    if (t.len > 0) payload = [t.payload, t.payload + t.len];
  } else if (ip.proto === 17) {
    const u = decodeUdp(b, ip.l4, ip.end);
    if (!u) return layers;
    layers.push({
      title: `User Datagram Protocol, Src Port: ${u.srcPort}, Dst Port: ${u.dstPort}`,
      fields: [
        `Source Port: ${u.srcPort}`,
        `Destination Port: ${u.dstPort}`,
        `Length: ${u.len}`,
        `Checksum: ${hex(u16(b, ip.l4 + 6), 4)}`,
        `UDP payload (${u.end - u.payload} bytes)`,
      ],
    });
    if (p.dns) {
      const d = p.dns;
      const flags = u.payload + 4 <= b.length ? u16(b, u.payload + 2) : 0;
      layers.push({
        title: `Domain Name System (${d.response ? 'response' : 'query'})`,
        fields: [
          `Transaction ID: ${hex(d.id, 4)}`,
          `Flags: ${hex(flags, 4)}${d.response ? ` (response, rcode ${d.rcode})` : ' (standard query)'}`,
          `Questions: ${d.questions.length}`,
          `Answer RRs: ${d.answers.length}`,
          ...d.questions.map((q) => `Query: ${q.name}: type ${q.type}, class IN`),
          ...d.answers.map((a) => `Answer: ${a.name}: type ${a.type}, class IN, ${a.data}`),
        ],
      });
    } else if (u.end > u.payload) payload = [u.payload, u.end];
  } else if ((ip.proto === 1 || ip.proto === 58) && p.icmp) {
    const c = p.icmp;
    const names = c.version === 4 ? ICMP_TYPES : ICMPV6_TYPES;
    layers.push({
      title: c.version === 4 ? 'Internet Control Message Protocol' : 'Internet Control Message Protocol v6',
      fields: [
        `Type: ${c.type} (${names[c.type] ?? 'unknown'})`,
        `Code: ${c.code}`,
        `Checksum: ${hex(u16(b, ip.l4 + 2), 4)}`,
        ...(c.id === undefined
          ? []
          : [`Identifier (BE): ${c.id} (${hex(c.id, 4)})`, `Sequence Number (BE): ${c.seq} (${hex(c.seq ?? 0, 4)})`]),
      ],
    });
  }
  if (payload && payload[1] > payload[0]) {
    const n = payload[1] - payload[0];
    const data = Buffer.from(b.subarray(payload[0], Math.min(payload[1], payload[0] + 32))).toString('hex');
    layers.push({ title: `Data (${n} byte${n === 1 ? '' : 's'})`, fields: [`Data: ${data}${n > 32 ? '…' : ''}`, `[Length: ${n}]`] });
  }
  return layers;
}
