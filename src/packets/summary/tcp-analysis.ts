/**
 * Wireshark's TCP conversation analysis (packet-tcp.c, tcp_analyze_sequence_number), single pass:
 * relative sequence numbers, window scaling and the analysis labels of the Info column.
 * Times are nanoseconds since the first frame (numbers, exact to well below a day).
 */
import { TH_ACK, TH_FIN, TH_RST, TH_SYN } from '../decode/tcp.js';

export interface TcpFlow {
  baseSet: boolean;
  baseSeq: number;
  /** -1 unknown, -2 no scaling, ≥0 shift. */
  winScale: number;
  /** Last (scaled) window; starts at 2^32-1 as in Wireshark. */
  window: number;
  nextseq: number;
  nextseqtime: number;
  lastack: number;
  lastacktime: number;
  lastnondupack: number;
  dupacknum: number;
  maxseqtobeacked: number;
  lastsegmentflags: number;
  /** "SPORT → DPORT " of this direction, built once (Info starts with it). */
  portsText: string;
}

export interface TcpConversation {
  flows: [TcpFlow, TcpFlow];
  tsMruSyn: number;
  firstRtt: number;
  hasMruSyn: boolean;
  hasFirstRtt: boolean;
  /** Per-direction application state (HTTP/DNS reassembly), owned by the summariser. */
  app: [unknown, unknown];
}

export const A_RETRANSMISSION = 0x0001;
export const A_LOST_PACKET = 0x0002;
export const A_ACK_LOST_PACKET = 0x0004;
export const A_KEEP_ALIVE = 0x0008;
export const A_DUPLICATE_ACK = 0x0010;
export const A_ZERO_WINDOW = 0x0020;
export const A_ZERO_WINDOW_PROBE = 0x0040;
export const A_ZERO_WINDOW_PROBE_ACK = 0x0080;
export const A_KEEP_ALIVE_ACK = 0x0100;
export const A_OUT_OF_ORDER = 0x0200;
export const A_FAST_RETRANSMISSION = 0x0400;
export const A_WINDOW_UPDATE = 0x0800;
export const A_WINDOW_FULL = 0x1000;
export const A_REUSED_PORTS = 0x2000;
export const A_SPURIOUS_RETRANSMISSION = 0x4000;

function newFlow(): TcpFlow {
  return {
    baseSet: false,
    baseSeq: 0,
    winScale: -1,
    window: 0xffffffff,
    nextseq: 0,
    nextseqtime: 0,
    lastack: 0,
    lastacktime: 0,
    lastnondupack: 0,
    dupacknum: 0,
    maxseqtobeacked: 0,
    lastsegmentflags: 0,
    portsText: '',
  };
}

export function newConversation(): TcpConversation {
  return { flows: [newFlow(), newFlow()], tsMruSyn: 0, firstRtt: 0, hasMruSyn: false, hasFirstRtt: false, app: [undefined, undefined] };
}

const GT = (a: number, b: number): boolean => ((a - b) | 0) > 0;
const LT = (a: number, b: number): boolean => ((a - b) | 0) < 0;
const LE = (a: number, b: number): boolean => ((a - b) | 0) <= 0;
const u32 = (n: number): number => n >>> 0;

/** Result of analysing one segment. */
export interface SegmentAnalysis {
  flags: number;
  dupackNum: number;
  dupackFrame: number;
}

/**
 * Runs the sequence analysis for one segment in direction `fwd` (the other is `rev`).
 * `window` is the window after scaling; `now` in ns; `frame` is the frame number.
 */
export function analyseSegment(
  conv: TcpConversation,
  fwd: TcpFlow,
  rev: TcpFlow,
  frame: number,
  now: number,
  seq: number,
  ack: number,
  seglen: number,
  flags: number,
  window: number,
): SegmentAnalysis {
  let ta = 0;
  let dupackNum = 0;
  let dupackFrame = 0;
  if (!fwd.baseSet) {
    fwd.baseSeq = flags & TH_SYN ? seq : u32(seq - 1);
    fwd.baseSet = true;
  }
  if (!rev.baseSet && flags & TH_ACK) {
    rev.baseSeq = u32(ack - 1);
    rev.baseSet = true;
  }
  const noSFR = (flags & (TH_SYN | TH_FIN | TH_RST)) === 0;
  fwdChecks: {
    if (seglen === 1 && seq === fwd.nextseq && rev.window === 0) {
      ta |= A_ZERO_WINDOW_PROBE;
      break fwdChecks;
    }
    if (window === 0 && noSFR) ta |= A_ZERO_WINDOW;
    if (fwd.nextseq && GT(seq, fwd.nextseq) && (flags & TH_RST) === 0) ta |= A_LOST_PACKET;
    if ((seglen === 0 || seglen === 1) && seq === u32(fwd.nextseq - 1) && noSFR) ta |= A_KEEP_ALIVE;
    if (seglen === 0 && window && window !== fwd.window && seq === fwd.nextseq && ack === fwd.lastack && noSFR) {
      ta |= A_WINDOW_UPDATE;
    }
    if (seglen > 0 && rev.winScale !== -1 && noSFR) {
      const shift = rev.winScale === -2 ? 0 : rev.winScale;
      if (u32(seq + seglen) === u32(rev.lastack + u32(rev.window << shift))) ta |= A_WINDOW_FULL;
    }
    const sameAck = seglen === 0 && seq === fwd.nextseq && ack === fwd.lastack && noSFR;
    if (sameAck && window && window === fwd.window && rev.lastsegmentflags & A_KEEP_ALIVE) {
      ta |= A_KEEP_ALIVE_ACK;
      break fwdChecks;
    }
    if (sameAck && window === 0 && window === fwd.window && rev.lastsegmentflags & A_ZERO_WINDOW_PROBE) {
      ta |= A_ZERO_WINDOW_PROBE_ACK;
      break fwdChecks;
    }
    if (sameAck && window && window === fwd.window) {
      fwd.dupacknum++;
      ta |= A_DUPLICATE_ACK;
      dupackNum = fwd.dupacknum;
      dupackFrame = fwd.lastnondupack;
    }
  }
  if (ack !== fwd.lastack) {
    fwd.lastnondupack = frame;
    fwd.dupacknum = 0;
  }
  if (rev.maxseqtobeacked && GT(ack, rev.maxseqtobeacked) && flags & TH_ACK) {
    ta |= A_ACK_LOST_PACKET;
    rev.maxseqtobeacked = rev.nextseq;
  }
  if (seglen > 0 || flags & (TH_SYN | TH_FIN)) {
    retrans: {
      const notAdvanced = fwd.nextseq !== 0 && LT(seq, fwd.nextseq);
      if (ta & A_KEEP_ALIVE) break retrans;
      if (notAdvanced && rev.dupacknum >= 2 && rev.lastack === seq && now - rev.lastacktime < 20_000_000) {
        ta |= A_FAST_RETRANSMISSION;
        break retrans;
      }
      const thres = conv.hasFirstRtt ? conv.firstRtt : 3_000_000;
      const extra = flags & (TH_SYN | TH_FIN) ? 1 : 0;
      if (notAdvanced && now - fwd.nextseqtime < thres && fwd.nextseq !== u32(seq + seglen + extra)) {
        ta |= A_OUT_OF_ORDER;
        break retrans;
      }
      if (seglen > 0 && rev.lastack && LE(u32(seq + seglen), rev.lastack)) {
        ta |= A_SPURIOUS_RETRANSMISSION;
        break retrans;
      }
      if (notAdvanced) ta |= A_RETRANSMISSION;
    }
  }
  let nextseq = u32(seq + seglen);
  if (flags & (TH_SYN | TH_FIN)) nextseq = u32(nextseq + 1);
  if (GT(nextseq, fwd.nextseq) || !fwd.nextseq) {
    if (!(ta & A_ZERO_WINDOW_PROBE)) {
      fwd.nextseq = nextseq;
      fwd.nextseqtime = now;
    }
  }
  if (seq === fwd.maxseqtobeacked || !fwd.maxseqtobeacked) {
    if (!(ta & A_ZERO_WINDOW_PROBE)) fwd.maxseqtobeacked = fwd.nextseq;
  }
  fwd.window = window;
  fwd.lastack = ack;
  fwd.lastacktime = now;
  fwd.lastsegmentflags = ta;
  return { flags: ta, dupackNum, dupackFrame };
}

const NO_LABELS: readonly string[] = Object.freeze([]);

/** Labels in the order Wireshark's prepends leave them (leftmost first). Shared empty array when none. */
export function analysisLabels(a: SegmentAnalysis): readonly string[] {
  const f = a.flags;
  if (!f) return NO_LABELS;
  const out: string[] = [];
  if (f & A_ZERO_WINDOW_PROBE_ACK) out.push('TCP ZeroWindowProbeAck');
  if (f & A_ZERO_WINDOW) out.push('TCP ZeroWindow');
  if (f & A_ZERO_WINDOW_PROBE) out.push('TCP ZeroWindowProbe');
  if (f & A_DUPLICATE_ACK && a.dupackNum) out.push(`TCP Dup ACK ${a.dupackFrame}#${a.dupackNum}`);
  if (f & A_KEEP_ALIVE_ACK) out.push('TCP Keep-Alive ACK');
  if (f & A_KEEP_ALIVE) out.push('TCP Keep-Alive');
  if (f & A_WINDOW_FULL) out.push('TCP Window Full');
  if (f & A_WINDOW_UPDATE) out.push('TCP Window Update');
  if (f & A_ACK_LOST_PACKET) out.push('TCP ACKed unseen segment');
  if (f & A_LOST_PACKET) out.push('TCP Previous segment not captured');
  if (f & A_OUT_OF_ORDER) out.push('TCP Out-Of-Order');
  if (f & A_SPURIOUS_RETRANSMISSION) out.push('TCP Spurious Retransmission');
  if (f & A_FAST_RETRANSMISSION) out.push('TCP Fast Retransmission');
  if (f & A_RETRANSMISSION) out.push('TCP Retransmission');
  if (f & A_REUSED_PORTS) out.push('TCP Port numbers reused');
  return out;
}
