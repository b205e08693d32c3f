/**
 * Link-layer decoding: finds the network-layer protocol and its offset for the link types
 * wirelab meets: Ethernet (1), Linux cooked SLL (113) and SLL2 (276), raw IP (101, 228, 229,
 * 12, 14), BSD NULL (0) and OpenBSD LOOP (108).
 */

/** Network-layer protocol as an EtherType (0x0800 IPv4, 0x86dd IPv6, 0x0806 ARP), or -1. */
export interface LinkResult {
  ethertype: number;
  /** Offset of the network header in the frame. */
  offset: number;
  /** Link-layer source/destination hardware address offsets (6-byte MACs), when present. */
  macSrc: number;
  macDst: number;
}

export const ETH_IPV4 = 0x0800;
export const ETH_IPV6 = 0x86dd;
export const ETH_ARP = 0x0806;

/** Names tshark uses in the Protocol column for link types it cannot go beyond. */
export const LINKTYPE_NAMES: Record<number, string> = {
  0: 'NULL',
  1: 'Ethernet',
  101: 'Raw',
  108: 'LOOP',
  113: 'SLL',
  228: 'IPv4',
  229: 'IPv6',
  276: 'SLL2',
};

/** BSD address families as Wireshark's NULL/LOOP dissector knows them (Linux's AF_INET6 10 is not one). */
function afToEthertype(af: number): number {
  if (af === 2) return ETH_IPV4;
  if (af === 24 || af === 28 || af === 30) return ETH_IPV6;
  return -1;
}

function ipByVersion(b: Uint8Array, o: number): number {
  if (o >= b.length) return -1;
  const v = b[o] >> 4;
  return v === 4 ? ETH_IPV4 : v === 6 ? ETH_IPV6 : -1;
}

/** Decodes the link header; ethertype -1 when the frame is too short or unknown. */
export function decodeLink(linktype: number, b: Uint8Array): LinkResult {
  const len = b.length;
  switch (linktype) {
    case 1: {
      if (len < 14) return { ethertype: -1, offset: len, macSrc: -1, macDst: -1 };
      let o = 12;
      let t = (b[o] << 8) | b[o + 1];
      while ((t === 0x8100 || t === 0x88a8) && o + 6 <= len) {
        o += 4;
        t = (b[o] << 8) | b[o + 1];
      }
      return { ethertype: t, offset: o + 2, macSrc: 6, macDst: 0 };
    }
    case 113: {
      if (len < 16) return { ethertype: -1, offset: len, macSrc: -1, macDst: -1 };
      const alen = (b[4] << 8) | b[5];
      return { ethertype: (b[14] << 8) | b[15], offset: 16, macSrc: alen === 6 ? 6 : -1, macDst: -1 };
    }
    case 276: {
      if (len < 20) return { ethertype: -1, offset: len, macSrc: -1, macDst: -1 };
      return { ethertype: (b[0] << 8) | b[1], offset: 20, macSrc: b[11] === 6 ? 12 : -1, macDst: -1 };
    }
    case 0: {
      if (len < 4) return { ethertype: -1, offset: len, macSrc: -1, macDst: -1 };
      // Host byte order of the capturing machine: guess from which half is zero.
      const le = b[0] | (b[1] << 8);
      const af = le !== 0 ? le : (b[2] << 8) | b[3];
      return { ethertype: afToEthertype(af), offset: 4, macSrc: -1, macDst: -1 };
    }
    case 108: {
      if (len < 4) return { ethertype: -1, offset: len, macSrc: -1, macDst: -1 };
      return { ethertype: afToEthertype(((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0), offset: 4, macSrc: -1, macDst: -1 };
    }
    case 101:
    case 12:
    case 14:
      return { ethertype: ipByVersion(b, 0), offset: 0, macSrc: -1, macDst: -1 };
    case 228:
      return { ethertype: ETH_IPV4, offset: 0, macSrc: -1, macDst: -1 };
    case 229:
      return { ethertype: ETH_IPV6, offset: 0, macSrc: -1, macDst: -1 };
    default:
      return { ethertype: -1, offset: 0, macSrc: -1, macDst: -1 };
  }
}
