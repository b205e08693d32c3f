/** How a socket error turns into a port state, for the scans that learn of ICMP through errno. */
export interface ErrnoAnswer {
  state: 'closed' | 'filtered';
  reason: string;
  /** What the probe log shows as the answer. */
  answer: string;
}

/**
 * The errors the kernel gives a socket for ICMP destination-unreachables other than
 * port-unreachable (Linux icmp_err_convert), and for a local firewall: all filtered, as in nmap.
 * Each scan adds its own ECONNREFUSED (TCP: RST or port-unreachable; UDP: port-unreachable).
 */
export const UNREACHABLE_ERRORS: Readonly<Record<string, ErrnoAnswer>> = {
  EHOSTUNREACH: { state: 'filtered', reason: 'host-unreach', answer: 'ICMP host-unreach' },
  ENETUNREACH: { state: 'filtered', reason: 'net-unreach', answer: 'ICMP net-unreach' },
  ENOPROTOOPT: { state: 'filtered', reason: 'proto-unreach', answer: 'ICMP proto-unreach' },
  EACCES: { state: 'filtered', reason: 'admin-prohibited', answer: 'local firewall' },
  EPERM: { state: 'filtered', reason: 'admin-prohibited', answer: 'local firewall' },
};
