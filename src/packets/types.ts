/**
 * The packet model shared by the capture step, `wirelab decode`, packet patterns, the run
 * record and reports. One decoded frame = one row of Wireshark's packet list plus the
 * structured fields that patterns match on.
 */
import type { PacketRow } from '../generated/run-record.js';

export interface TcpFields {
  srcPort: number;
  dstPort: number;
  /** Wireshark names in Wireshark's order: FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, AE. */
  flags: string[];
  /** Relative sequence / acknowledgement numbers as Wireshark shows them. */
  seq: number;
  ack: number;
  rawSeq: number;
  rawAck: number;
  /** Window as shown (scaled where the scale is known). */
  win: number;
  /** Payload length. */
  len: number;
  /** Options as Wireshark prints them: "MSS=1460", "SACK_PERM", "TSval=…", "WS=128" … */
  options: readonly string[];
  /** Analysis labels without brackets: "TCP Retransmission", "TCP Dup ACK 5#1" … */
  analysis: readonly string[];
}

/** A decoded frame: its packet-list row (the run record's `PacketRow`) and its fields. */
export interface DecodedPacket extends Omit<PacketRow, 'tcp'> {
  /** Decimals tshark prints for Time in its text line, 6 (µs files) or 9 (ns). */
  timeDigits?: number;
  /** Absolute capture time, seconds since the epoch. */
  timestamp: number;
  caplen: number;
  ip?: { version: 4 | 6; src: string; dst: string; ttl: number; proto: number; len: number };
  tcp?: TcpFields;
  udp?: { srcPort: number; dstPort: number; len: number };
  icmp?: {
    version: 4 | 6;
    type: number;
    code: number;
    id?: number;
    seq?: number;
    /** Next-hop MTU of "fragmentation needed" / ICMPv6 "packet too big". */
    mtu?: number;
  };
  dns?: {
    id: number;
    response: boolean;
    rcode: number;
    questions: { name: string; type: string }[];
    answers: { name: string; type: string; data: string }[];
  };
  arp?: { op: number; senderIp: string; targetIp: string; senderMac: string; targetMac: string };
  /** Transport payload (TCP/UDP data), for payload patterns. Not stored in run.json. */
  payload?: Uint8Array;
}

/** Where a capture file stopped being readable. Readers never throw on bad input. */
export interface ReadProblem {
  /** Byte offset in the file where the problem starts. */
  offset: number;
  /** Frame number being read when it happened (0 = in the file header). */
  frame: number;
  message: string;
}
