/**
 * ICMP / ICMPv6 echo request-response pairing as packet-icmp.c does it: per address pair,
 * identifier and sequence number. Single pass shows "(request in N)" on replies only; two-pass
 * also shows "(reply in N)" or "(no response found!)" on requests.
 */
import type { DecodedPacket } from '../types.js';
import type { IpLayer } from '../decode/ipv4.js';
import type { IcmpLayer } from '../decode/icmp.js';

interface Transaction {
  request: number;
  reply: number;
}

export class IcmpMatcher {
  private readonly open = new Map<string, Transaction>();
  /** Two-pass: request frame → transaction. */
  private readonly requests = new Map<number, Transaction>();

  constructor(private readonly twoPass: boolean) {}

  private key(ip: IpLayer, ic: IcmpLayer): string {
    const [a, b] = ip.src < ip.dst ? [ip.src, ip.dst] : [ip.dst, ip.src];
    return `${ic.version}|${a}|${b}|${ic.id}|${ic.seq}`;
  }

  /** Text appended to the Info column of frame `no` (single pass). */
  note(no: number, ip: IpLayer, ic: IcmpLayer): string {
    if (!ic.role) return '';
    const k = this.key(ip, ic);
    if (ic.role === 'request') {
      const t = { request: no, reply: 0 };
      this.open.set(k, t);
      if (this.twoPass) this.requests.set(no, t);
      return '';
    }
    const t = this.open.get(k);
    if (!t || t.reply !== 0) return '';
    t.reply = no;
    return ` (request in ${t.request})`;
  }

  /** Two-pass: appends the forward references to the requests. */
  finish(packets: DecodedPacket[]): void {
    if (!this.twoPass) return;
    for (const p of packets) {
      const t = this.requests.get(p.no);
      if (t) p.info += t.reply ? ` (reply in ${t.reply})` : ' (no response found!)';
    }
  }
}
