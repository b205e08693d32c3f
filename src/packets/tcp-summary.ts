/**
 * TCP rows of the packet list: conversations, relative numbers, scaled windows, options and
 * analysis labels, and the application protocols tshark dissects on well-known ports
 * (HTTP, DNS over TCP, ECHO).
 */
import type { DecodedPacket } from './types.js';
import type { IpLayer } from './decode/ipv4.js';
import { decodeTcp, tcpFlagNames, tcpFlagsBracket, TH_ACK, TH_SYN, TH_URG, type TcpHeader } from './decode/tcp.js';
import { analyseSegment, analysisLabels, newConversation, A_REUSED_PORTS, type TcpConversation, type TcpFlow } from './tcp-analysis.js';
import { appLayer } from './tcp-app.js';

export class TcpSummarizer {
  private readonly convs = new Map<string, TcpConversation>();

  constructor(private readonly twoPass = false) {}

  summarise(p: DecodedPacket, b: Uint8Array, ip: IpLayer, now: number, keepPayload: boolean): void {
    const h = decodeTcp(b, ip.l4, ip.end);
    p.protocol = 'TCP';
    if (!h) {
      p.info = 'Bogus TCP header';
      return;
    }
    const a = ip.src + ':' + h.srcPort;
    const z = ip.dst + ':' + h.dstPort;
    const dir = a <= z ? 0 : 1;
    const key = dir === 0 ? a + '|' + z : z + '|' + a;
    let conv = this.convs.get(key);
    let reused = false;
    if (!conv) {
      conv = newConversation();
      this.convs.set(key, conv);
    } else if ((h.flags & (TH_SYN | TH_ACK)) === TH_SYN && conv.flows[dir].baseSet && h.seq !== conv.flows[dir].baseSeq) {
      conv = newConversation();
      this.convs.set(key, conv);
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
    if (!syn && fwd.winScale >= 0) win = win * 2 ** fwd.winScale;
    // Data Wireshark has already seen (retransmitted, out of order) is not handed to the
    // application dissector again: such rows keep the TCP line.
    const seenBefore = fwd.nextseq !== 0 && ((h.seq - fwd.nextseq) | 0) < 0;
    const an = analyseSegment(conv, fwd, rev, p.no, now, h.seq, h.ack, h.len, h.flags, win);
    if (reused) an.flags |= A_REUSED_PORTS;
    const relSeq = (h.seq - fwd.baseSeq) >>> 0;
    const relAck = h.flags & TH_ACK ? (h.ack - rev.baseSeq) >>> 0 : 0;
    const options = optionStrings(h, rev);
    if (syn) updateWindowScaling(h, fwd, rev);

    let info = h.srcPort + ' → ' + h.dstPort + ' ' + tcpFlagsBracket(h.flags) + ' Seq=' + relSeq;
    if (h.flags & TH_ACK) info += ' Ack=' + relAck;
    info += ' Win=' + win;
    if (h.flags & TH_URG) info += ' Urg=' + h.urg;
    info += ' Len=' + h.len;
    for (let i = 0; i < options.length; i++) info += ' ' + options[i];
    const labels = analysisLabels(an);
    const app = h.len > 0 && !seenBefore ? appLayer(conv, dir, h, b, info, this.twoPass) : undefined;
    if (app) {
      p.protocol = app.protocol;
      info = app.info;
      if (app.dns) p.dns = app.dns;
    }
    let prefix = '';
    for (let i = 0; i < labels.length; i++) prefix += '[' + labels[i] + '] ';
    p.info = prefix + info;
    p.tcp = {
      srcPort: h.srcPort, dstPort: h.dstPort, flags: tcpFlagNames(h.flags), seq: relSeq, ack: relAck,
      rawSeq: h.seq, rawAck: h.ack, win, len: h.len, options, analysis: labels,
    };
    if (keepPayload) p.payload = b.subarray(h.payload, h.payload + h.len);
  }
}

/** Stores the WS shift of a SYN and applies Wireshark's verify_tcp_window_scaling. */
function updateWindowScaling(h: TcpHeader, fwd: TcpFlow, rev: TcpFlow): void {
  for (const o of h.options) if (o.kind === 'ws') fwd.winScale = Math.min(o.shift, 14);
  if (fwd.winScale === -1) {
    fwd.winScale = -2;
    rev.winScale = -2;
  } else if (h.flags & TH_ACK && rev.winScale === -2) {
    fwd.winScale = -2;
  }
}

function optionStrings(h: TcpHeader, rev: TcpFlow): string[] {
  const out: string[] = [];
  for (const o of h.options) {
    switch (o.kind) {
      case 'mss': out.push('MSS=' + o.value); break;
      case 'ws': out.push('WS=' + 2 ** Math.min(o.shift, 14)); break;
      case 'sackperm': out.push('SACK_PERM'); break;
      case 'sack':
        for (let i = 0; i + 1 < o.edges.length; i += 2) {
          out.push('SLE=' + ((o.edges[i] - rev.baseSeq) >>> 0), 'SRE=' + ((o.edges[i + 1] - rev.baseSeq) >>> 0));
        }
        break;
      case 'ts': out.push('TSval=' + o.val, 'TSecr=' + o.ecr); break;
      case 'tfo': out.push(o.request ? 'TFO=R' : 'TFO=C'); break;
      default: break;
    }
  }
  return out;
}
