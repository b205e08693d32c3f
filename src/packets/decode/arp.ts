/** ARP decoding and tshark's ARP Info line. */
import { ipv4At, macAt } from './addr.js';

export interface ArpLayer {
  op: number;
  senderMac: string;
  senderIp: string;
  targetMac: string;
  targetIp: string;
  info: string;
}

/** Decodes Ethernet/IPv4 ARP at `o`; undefined for other hardware/protocol types or short frames. */
export function decodeArp(b: Uint8Array, o: number): ArpLayer | undefined {
  if (o + 28 > b.length) return undefined;
  const htype = (b[o] << 8) | b[o + 1];
  const ptype = (b[o + 2] << 8) | b[o + 3];
  if (htype !== 1 || ptype !== 0x0800 || b[o + 4] !== 6 || b[o + 5] !== 4) return undefined;
  const op = (b[o + 6] << 8) | b[o + 7];
  const senderMac = macAt(b, o + 8);
  const senderIp = ipv4At(b, o + 14);
  const targetMac = macAt(b, o + 18);
  const targetIp = ipv4At(b, o + 24);
  let info: string;
  if (op === 1) {
    if (senderIp === targetIp) info = `Gratuitous ARP for ${senderIp} (Request)`;
    else if (senderIp === '0.0.0.0') info = `Who has ${targetIp}? (ARP Probe)`;
    else info = `Who has ${targetIp}? Tell ${senderIp}`;
  } else if (op === 2) {
    info = senderIp === targetIp ? `Gratuitous ARP for ${senderIp} (Reply)` : `${senderIp} is at ${senderMac}`;
  } else info = `Unknown ARP opcode 0x${op.toString(16).padStart(4, '0')}`;
  return { op, senderMac, senderIp, targetMac, targetIp, info };
}
