/**
 * The on-the-wire length of a frame whose captured bytes may be truncated, recovered from the IP
 * header (IPv4 total length, IPv6 payload length + 40) behind the link header. Used when libpcap
 * cut a frame at its snaplen and the original length was not passed on.
 */

/** Offset of the network-layer header for the link types a Linux capture produces, or -1. */
function networkOffset(linktype: number, d: Uint8Array): number {
  switch (linktype) {
    case 1: // Ethernet, one optional 802.1Q tag
      if (d.length >= 18 && d[12] === 0x81 && d[13] === 0x00) return 18;
      return 14;
    case 113: // Linux SLL
      return 16;
    case 276: // Linux SLL2
      return 20;
    case 101: // raw IP
      return 0;
    case 0: // BSD loopback
      return 4;
    default:
      return -1;
  }
}

/** Best estimate of the frame's original length: never less than `data.length`. */
export function wireLength(linktype: number, data: Uint8Array): number {
  const off = networkOffset(linktype, data);
  if (off < 0 || data.length < off + 8) return data.length;
  const version = data[off] >> 4;
  let ipLen = 0;
  if (version === 4) ipLen = (data[off + 2] << 8) | data[off + 3];
  else if (version === 6) ipLen = 40 + ((data[off + 4] << 8) | data[off + 5]);
  return Math.max(data.length, off + ipLen);
}
