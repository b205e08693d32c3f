/**
 * TCP rows of the packet list: conversations, relative numbers, scaled windows, options and
 * analysis labels, and the application protocols tshark dissects on well-known ports
 * (HTTP, DNS over TCP, ECHO).
 */
import type { DecodedPacket } from '../types.js';
import type { IpLayer } from '../decode/ipv4.js';
import { decodeTcp, tcpFlagNames, tcpFlagsBracket, TH_ACK, TH_SYN, TH_URG, type TcpHeader } from '../decode/tcp.js';
import { tcpOptionStrings, tcpOptionText, windowShiftOption } from './tcp-options.js';
import {
  analyseSegment,
  analysisLabels,
  newConversation,
  A_REUSED_PORTS,
  type SegmentAnalysis,
  type TcpConversation,
  type TcpFlow,
} from './tcp-analysis.js';
import { appLayer, APP_PORTS } from './tcp-app.js';

/**
 * The pieces of a plain TCP row's Info column (text-parts mode), for writers that print them
 * without building the string: `[labels] SPORT → DPORT [FLAGS] Seq=… Ack=… Win=… Urg=… Len=…`
 * then `optText`, or ` TSval=… TSecr=…` when `tsval` ≥ 0. Reused for every packet.
 */
export interface TcpInfoParts {
  /** "[label] " prefixes ('' without analysis labels). */
  labels: string;
  srcPort: number;
  dstPort: number;
  flags: number;
  seq: number;
  /** -1 without the ACK flag. */
  ack: number;
  win: number;
  /** -1 without the URG flag. */
  urg: number;
  len: number;
  /** Timestamps of the common NOP NOP TS option block (-1: use optText). */
  tsval: number;
  tsecr: number;
  optText: string;
}

export class TcpSummarizer {
  /**
   * Text-parts mode only: set by `summarise` when the Info column was left in these parts
   * (then `p.info` is ''); undefined when `p.info` holds the text. The caller resets it per packet.
   */
  parts: TcpInfoParts | undefined;
  private readonly partsScratch: TcpInfoParts = {
    labels: '',
    srcPort: 0,
    dstPort: 0,
    flags: 0,
    seq: 0,
    ack: -1,
    win: 0,
    urg: -1,
    len: 0,
    tsval: -1,
    tsecr: -1,
    optText: '',
  };

  /** Conversations by address pair then port pair (numbers where the addresses are IPv4). */
  private readonly convs = new Map<string, Map<string, Map<number, TcpConversation>>>();

  /** Reused for every segment (read synchronously, never kept). */
  private readonly scratch = {} as TcpHeader;

  /** `textParts`: plain TCP rows leave their Info in `parts` (see TcpInfoParts). */
  constructor(
    private readonly twoPass = false,
    private readonly textParts = false,
  ) {}

  summarise(p: DecodedPacket, b: Uint8Array, ip: IpLayer, now: number, keepPayload: boolean, fields = true): void {
    const h = decodeTcp(b, ip.l4, ip.end, this.scratch);
    p.protocol = 'TCP';
    if (!h) {
      p.info = 'Bogus TCP header';
      return;
    }
    const dir = (
      ip.version === 4
        ? ip.srcNum < ip.dstNum || (ip.srcNum === ip.dstNum && h.srcPort <= h.dstPort)
        : ip.src < ip.dst || (ip.src === ip.dst && h.srcPort <= h.dstPort)
    )
      ? 0
      : 1;
    const lo = dir === 0 ? ip.src : ip.dst;
    const hi = dir === 0 ? ip.dst : ip.src;
    const pkey = dir === 0 ? (h.srcPort << 16) | h.dstPort : (h.dstPort << 16) | h.srcPort;
    // Nested maps keyed by the (memoised) address strings: their hashes are computed once.
    let his = this.convs.get(lo);
    if (!his) {
      his = new Map();
      this.convs.set(lo, his);
    }
    let ports = his.get(hi);
    if (!ports) {
      ports = new Map();
      his.set(hi, ports);
    }
    let conv = ports.get(pkey);
    let reused = false;
    if (!conv) {
      conv = newConversation();
      ports.set(pkey, conv);
    } else if ((h.flags & (TH_SYN | TH_ACK)) === TH_SYN && conv.flows[dir].baseSet && h.seq !== conv.flows[dir].baseSeq) {
      conv = newConversation();
      ports.set(pkey, conv);
      reused = true;
    }
    const fwd = conv.flows[dir];
    const rev = conv.flows[1 - dir];
    const syn = (h.flags & TH_SYN) !== 0;
    if (syn) {
      if (!(h.flags & TH_ACK)) {
        conv.tsMruSyn = now;
        conv.hasMruSyn = true;
      }
    } else if (h.flags & TH_ACK && conv.hasMruSyn && !conv.hasFirstRtt) {
      conv.firstRtt = now - conv.tsMruSyn;
      conv.hasFirstRtt = true;
    }
    let win = h.win;
    if (!syn && fwd.winScale > 0) win = win << fwd.winScale; // ≤ 65535 << 14 fits in 31 bits
    // Data Wireshark has already seen (retransmitted, out of order) is not handed to the
    // application dissector again: such rows keep the TCP line.
    const seenBefore = fwd.nextseq !== 0 && ((h.seq - fwd.nextseq) | 0) < 0;
    const an = analyseSegment(conv, fwd, rev, p.no, now, h.seq, h.ack, h.len, h.flags, win);
    if (reused) an.flags |= A_REUSED_PORTS;
    const relSeq = (h.seq - fwd.baseSeq) >>> 0;
    const relAck = h.flags & TH_ACK ? (h.ack - rev.baseSeq) >>> 0 : 0;
    let options = NO_OPTIONS;
    let optText = '';
    const app0 = h.len > 0 && !seenBefore && APP_PORTS[h.srcPort] | APP_PORTS[h.dstPort];
    if (this.textParts && !fields && !app0) {
      if (syn) updateWindowScaling(windowShiftOption(b, h.optStart, h.optEnd), h.flags, fwd, rev);
      this.parts = this.fillParts(h, b, an, relSeq, relAck, win, rev.baseSeq);
      if (keepPayload) p.payload = b.subarray(h.payload, h.payload + h.len);
      return;
    }
    if (h.optEnd > h.optStart) {
      if (fields) {
        options = tcpOptionStrings(b, h.optStart, h.optEnd, rev.baseSeq);
        if (options.length) optText = ' ' + options.join(' ');
      } else optText = tcpOptionText(b, h.optStart, h.optEnd, rev.baseSeq);
    }
    if (syn) updateWindowScaling(windowShiftOption(b, h.optStart, h.optEnd), h.flags, fwd, rev);

    if (fwd.portsText === '') fwd.portsText = h.srcPort + ' → ' + h.dstPort + ' ';
    let info = fwd.portsText + tcpFlagsBracket(h.flags) + ' Seq=' + relSeq;
    if (h.flags & TH_ACK) info += ' Ack=' + relAck;
    info += ' Win=' + win;
    if (h.flags & TH_URG) info += ' Urg=' + h.urg;
    info += ' Len=' + h.len + optText;
    const labels = analysisLabels(an);
    const app = app0 ? appLayer(conv, dir, h, b, info, this.twoPass) : undefined;
    if (app) {
      p.protocol = app.protocol;
      info = app.info;
      if (app.dns) p.dns = app.dns;
    }
    let prefix = '';
    for (let i = 0; i < labels.length; i++) prefix += '[' + labels[i] + '] ';
    p.info = prefix + info;
    if (fields)
      p.tcp = {
        srcPort: h.srcPort,
        dstPort: h.dstPort,
        flags: tcpFlagNames(h.flags),
        seq: relSeq,
        ack: relAck,
        rawSeq: h.seq,
        rawAck: h.ack,
        win,
        len: h.len,
        options,
        analysis: labels,
      };
    if (keepPayload) p.payload = b.subarray(h.payload, h.payload + h.len);
  }

  /** The parts of a plain TCP row, in the reused scratch record. */
  private fillParts(
    h: TcpHeader,
    b: Uint8Array,
    an: SegmentAnalysis,
    relSeq: number,
    relAck: number,
    win: number,
    peerBase: number,
  ): TcpInfoParts {
    const t = this.partsScratch;
    const labels = analysisLabels(an);
    let prefix = '';
    for (let i = 0; i < labels.length; i++) prefix += '[' + labels[i] + '] ';
    t.labels = prefix;
    t.srcPort = h.srcPort;
    t.dstPort = h.dstPort;
    t.flags = h.flags;
    t.seq = relSeq;
    t.ack = h.flags & TH_ACK ? relAck : -1;
    t.win = win;
    t.urg = h.flags & TH_URG ? h.urg : -1;
    t.len = h.len;
    t.tsval = -1;
    t.tsecr = -1;
    t.optText = '';
    const o = h.optStart;
    if (h.optEnd - o === 12 && b[o] === 1 && b[o + 1] === 1 && b[o + 2] === 8 && b[o + 3] === 10) {
      t.tsval = ((b[o + 4] << 24) | (b[o + 5] << 16) | (b[o + 6] << 8) | b[o + 7]) >>> 0;
      t.tsecr = ((b[o + 8] << 24) | (b[o + 9] << 16) | (b[o + 10] << 8) | b[o + 11]) >>> 0;
    } else if (h.optEnd > o) t.optText = tcpOptionText(b, o, h.optEnd, peerBase);
    return t;
  }
}

const NO_OPTIONS: readonly string[] = Object.freeze([]);

/** Stores the WS shift of a SYN (-1: none) and applies Wireshark's verify_tcp_window_scaling. */
function updateWindowScaling(shift: number, flags: number, fwd: TcpFlow, rev: TcpFlow): void {
  if (shift >= 0) fwd.winScale = Math.min(shift, 14);
  if (fwd.winScale === -1) {
    fwd.winScale = -2;
    rev.winScale = -2;
  } else if (flags & TH_ACK && rev.winScale === -2) {
    fwd.winScale = -2;
  }
}
