import { closest } from '../../util/did-you-mean.js';
import { nativeCapture } from './native.js';

/**
 * The words of libpcap's filter language (pcap-filter(7), its scanner's keywords): what a
 * filter may hold besides numbers, addresses and the names the checks below allow.
 */
const KEYWORDS = new Set(
  (
    'dst src host net netmask port portrange less greater proto protochain byte broadcast multicast and or not ' +
    'ether ip ip6 arp rarp tcp udp icmp icmp6 igmp igrp pim vrrp carp sctp atalk aarp decnet lat sca moprc mopdl ' +
    'iso esis es-is isis is-is l1 l2 iih lsp snp csnp psnp clnp stp ipx netbeui link ppp slip fddi tr wlan ' +
    'vlan mpls pppoed pppoes geneve inbound outbound ifname on len type subtype dir addr1 addr2 addr3 addr4 ra ta ' +
    'llc tcpflags icmptype icmp6type tcp-fin tcp-syn tcp-rst tcp-push tcp-ack tcp-urg tcp-ece tcp-cwr ' +
    'icmp-echoreply icmp-unreach icmp-sourcequench icmp-redirect icmp-echo icmp-routeradvert icmp-routersolicit ' +
    'icmp-timxceed icmp-paramprob icmp-tstamp icmp-tstampreply icmp-ireq icmp-ireqreply icmp-maskreq icmp-maskreply ' +
    'mgt ctl data'
  ).split(' '),
);

/** Words that name something after these keywords (a service, a protocol) rather than a host. */
const NAMES_AFTER = new Set(['port', 'portrange', 'proto', 'protochain']);

export interface FilterProblem {
  /** 1-based column in the filter text. */
  col: number;
  message: string;
}

/**
 * Checks a capture filter before anything runs. A word libpcap does not know would be taken for
 * a host name and looked up through the system resolver, so such a word is reported here (with
 * the keyword it is likely a slip for) and never handed to libpcap; `hosts` (the topology's
 * names) stand for an address. The rest is compiled by libpcap itself when the native capture
 * module is built, and its message given at the start of the filter.
 */
export function checkFilter(filter: string, hosts: Iterable<string> = []): FilterProblem | undefined {
  const known = new Set(hosts);
  let compiled = '';
  let last = 0;
  let previous = '';
  // a word with its leading digits and colons, so 0x3fff, 2001:db8::1 and 02:ab:… stay whole
  for (const m of filter.matchAll(/[\w:]*[A-Za-z_][\w.:-]*/g)) {
    const word = m[0];
    const lower = word.toLowerCase();
    const col = m.index + 1;
    // hex numbers, IPv6 and MAC addresses are made of letters too
    const numeric = /^(0x[0-9a-f]+|[0-9a-f:.]+:[0-9a-f:.]*)$/i.test(word) || /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(word);
    let stand = word;
    if (KEYWORDS.has(lower) || numeric) stand = word;
    else if (NAMES_AFTER.has(previous)) stand = word;
    else if (known.has(word)) stand = '192.0.2.1';
    else {
      const near = closest(lower, KEYWORDS);
      return {
        col,
        message: `unknown word "${word}" in the capture filter${near ? ` (did you mean "${near}"?)` : ''}; a host name here must be a host of the topology${known.size ? ` (${[...known].join(', ')})` : ''}, or write its address`,
      };
    }
    compiled += filter.slice(last, m.index) + stand;
    last = m.index + word.length;
    previous = lower;
  }
  compiled += filter.slice(last);
  const native = nativeCapture();
  if (!native || typeof native.compileFilter !== 'function') return undefined;
  const error = native.compileFilter(compiled);
  return error === null ? undefined : { col: 1, message: `libpcap cannot compile the capture filter: ${error}` };
}
