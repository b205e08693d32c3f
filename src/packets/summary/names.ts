/**
 * Names tshark gives IP protocol numbers and ethertypes it has no dissector for: Wireshark's
 * `ipproto_val` and `etype_vals` tables, as `tshark -G values` prints them (fields ip.proto and
 * eth.type) for TShark 4.0.17. Generated from that command; test/packets/names.test.ts compares
 * them with the tshark on the machine.
 */

/** IP protocol numbers 0..224 by name; higher numbers are "Unknown". */
const IP_PROTOCOLS: readonly string[] = [
  'IPv6 Hop-by-Hop Option', // 0
  'ICMP', // 1
  'IGMP', // 2
  'GGP', // 3
  'IPIP', // 4
  'Stream', // 5
  'TCP', // 6
  'CBT', // 7
  'EGP', // 8
  'IGRP', // 9
  'BBN RCC', // 10
  'Network Voice', // 11
  'PUP', // 12
  'ARGUS', // 13
  'EMCON', // 14
  'XNET', // 15
  'CHAOS', // 16
  'UDP', // 17
  'Multiplex', // 18
  'DCN Measurement', // 19
  'Host Monitoring', // 20
  'Packet radio', // 21
  'IDP', // 22
  'Trunk-1', // 23
  'Trunk-2', // 24
  'Leaf-1', // 25
  'Leaf-2', // 26
  'Reliable Data', // 27
  'IRT', // 28
  'ISO TP4', // 29
  'Bulk Data', // 30
  'MFE NSP', // 31
  'Merit Internodal', // 32
  'Datagram Congestion Control Protocol', // 33
  '3rd Party Connect', // 34
  'Inter-Domain Policy Routing Protocol', // 35
  'XTP', // 36
  'Datagram delivery', // 37
  'Control Message', // 38
  'TP++', // 39
  'IL', // 40
  'IPv6', // 41
  'Source demand routing', // 42
  'Routing Header for IPv6', // 43
  'Fragment Header for IPv6', // 44
  'Inter-Domain Routing Protocol', // 45
  'Reservation Protocol', // 46
  'Generic Routing Encapsulation', // 47
  'Dynamic source routing', // 48
  'BNA', // 49
  'Encap Security Payload', // 50
  'Authentication Header', // 51
  'INSLP', // 52
  'SWIPE', // 53
  'NBMA ARP', // 54
  'IP Mobility', // 55
  'TLSP Kryptonet', // 56
  'SKIP', // 57
  'ICMPv6', // 58
  'No Next Header for IPv6', // 59
  'Destination Options for IPv6', // 60
  'any host internal protocol', // 61
  'Mobile IPv6 (old)', // 62
  'any local network', // 63
  'SATNET EXPAK', // 64
  'Kryptolan', // 65
  'Remote Virtual Disk', // 66
  'IPPC', // 67
  'any distributed file system', // 68
  'SATNET Monitoring', // 69
  'VISA', // 70
  'IPCV', // 71
  'CPNX', // 72
  'CPHB', // 73
  'Wang Span', // 74
  'Packet Video', // 75
  'Backroom SATNET Mon', // 76
  'Sun ND Protocol', // 77
  'Wideband Mon', // 78
  'Wideband Expak', // 79
  'ISO Internet Protocol', // 80
  'VMTP', // 81
  'Secure VMTP', // 82
  'VINES', // 83
  'TTP', // 84
  'NSFNET IGP', // 85
  'Dissimilar Gateway', // 86
  'TCF', // 87
  'EIGRP', // 88
  'OSPF IGP', // 89
  'Sprite RPC', // 90
  'Locus ARP', // 91
  'Multicast Transport', // 92
  'AX.25 Frames', // 93
  'IP in IP', // 94
  'MICP', // 95
  'Semaphore', // 96
  'Ether in IP', // 97
  'ENCAP', // 98
  'any private encryption scheme', // 99
  'GMTP', // 100
  'Ipsilon Flow', // 101
  'PNNI over IP', // 102
  'PIM', // 103
  'ARIS', // 104
  'SCPS', // 105
  'QNX', // 106
  'Active Networks', // 107
  'IPComp', // 108
  'Sitara Networks', // 109
  'Compaq Peer', // 110
  'IPX IN IP', // 111
  'VRRP', // 112
  'PGM', // 113
  'any 0-hop protocol', // 114
  'Layer 2 Tunneling', // 115
  'DDX', // 116
  'IATP', // 117
  'STP', // 118
  'SpectraLink', // 119
  'UTI', // 120
  'SMP', // 121
  'SM', // 122
  'PTP', // 123
  'ISIS over IP', // 124
  'FIRE', // 125
  'CRTP', // 126
  'CRUDP', // 127
  'SSCOPMCE', // 128
  'IPLT', // 129
  'Secure Packet', // 130
  'PIPE', // 131
  'SCTP', // 132
  'Fibre Channel', // 133
  'RSVP E2EI', // 134
  'Mobile IPv6', // 135
  'UDPLite', // 136
  'MPLS in IP', // 137
  'MANET', // 138
  'HIP', // 139
  'Shim6 header', // 140
  'WESP', // 141
  'ROHC', // 142
  'Ethernet', // 143
  'Unassigned', // 144
  'Unassigned', // 145
  'Unassigned', // 146
  'Unassigned', // 147
  'Unassigned', // 148
  'Unassigned', // 149
  'Unassigned', // 150
  'Unassigned', // 151
  'Unassigned', // 152
  'Unassigned', // 153
  'Unassigned', // 154
  'Unassigned', // 155
  'Unassigned', // 156
  'Unassigned', // 157
  'Unassigned', // 158
  'Unassigned', // 159
  'Unassigned', // 160
  'Unassigned', // 161
  'Unassigned', // 162
  'Unassigned', // 163
  'Unassigned', // 164
  'Unassigned', // 165
  'Unassigned', // 166
  'Unassigned', // 167
  'Unassigned', // 168
  'Unassigned', // 169
  'Unassigned', // 170
  'Unassigned', // 171
  'Unassigned', // 172
  'AX/4000 Testframe', // 173
  'Unassigned', // 174
  'Unassigned', // 175
  'Unassigned', // 176
  'Unassigned', // 177
  'Unassigned', // 178
  'Unassigned', // 179
  'Unassigned', // 180
  'Unassigned', // 181
  'Unassigned', // 182
  'Unassigned', // 183
  'Unassigned', // 184
  'Unassigned', // 185
  'Unassigned', // 186
  'Unassigned', // 187
  'Unassigned', // 188
  'Unassigned', // 189
  'Unassigned', // 190
  'Unassigned', // 191
  'Unassigned', // 192
  'Unassigned', // 193
  'Unassigned', // 194
  'Unassigned', // 195
  'Unassigned', // 196
  'Unassigned', // 197
  'Unassigned', // 198
  'Unassigned', // 199
  'Unassigned', // 200
  'Unassigned', // 201
  'Unassigned', // 202
  'Unassigned', // 203
  'Unassigned', // 204
  'Unassigned', // 205
  'Unassigned', // 206
  'Unassigned', // 207
  'Unassigned', // 208
  'Unassigned', // 209
  'Unassigned', // 210
  'Unassigned', // 211
  'Unassigned', // 212
  'Unassigned', // 213
  'Unassigned', // 214
  'Unassigned', // 215
  'Unassigned', // 216
  'Unassigned', // 217
  'Unassigned', // 218
  'Unassigned', // 219
  'Unassigned', // 220
  'Unassigned', // 221
  'Unassigned', // 222
  'Unassigned', // 223
  'Novell NCS Heartbeat', // 224
];

/** tshark's name of IP protocol `n` (as in "ISO TP4 (29)"). */
export function ipProtocolName(n: number): string {
  return IP_PROTOCOLS[n] ?? 'Unknown';
}

/** Ethertypes by name (`Local Experimental Ethertype 1` for 0x88b5). */
export const ETHERTYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [0x0600, 'XNS Internet Datagram Protocol'],
  [0x0800, 'IPv4'],
  [0x0805, 'X.25 Layer 3'],
  [0x0806, 'ARP'],
  [0x0842, 'Wake on LAN'],
  [0x08f0, 'WiMax Mac-to-Mac'],
  [0x08ff, 'AX.25'],
  [0x0bad, 'Vines IP'],
  [0x0baf, 'Vines Echo'],
  [0x1984, 'Netmon Train'],
  [0x2001, 'Cisco Group Management Protocol'],
  [0x22e5, 'Gigamon Header'],
  [0x22ea, '802.1Qat Multiple Stream Reservation Protocol'],
  [0x22f0, 'IEEE 1722 Audio Video Transport Protocol'],
  [0x22f1, 'Robust Header Compression(RoHC)'],
  [0x22f3, 'Transparent Interconnection of Lots of Links'],
  [0x22f4, 'Intermediate System to Intermediate System'],
  [0x2452, 'IEEE 802.11 (Centrino promiscuous)'],
  [0x3c07, '3Com NBP Datagram'],
  [0x3e3f, 'EPL_V1'],
  [0x6000, 'DEC proto'],
  [0x6001, 'DEC DNA Dump/Load'],
  [0x6002, 'DEC DNA Remote Console'],
  [0x6003, 'DEC DNA Routing'],
  [0x6004, 'DEC LAT'],
  [0x6005, 'DEC Diagnostics'],
  [0x6006, 'DEC Customer use'],
  [0x6007, 'DEC LAVC/SCA'],
  [0x6558, 'Transparent Ethernet bridging'],
  [0x8021, 'PPP IP Control Protocol'],
  [0x8035, 'RARP'],
  [0x8038, 'DEC LanBridge'],
  [0x8041, 'DEC LAST'],
  [0x809b, 'AppleTalk LLAP bridging'],
  [0x80d5, 'SNA-over-Ethernet'],
  [0x80e1, 'EtherNet/IP Device Level Ring'],
  [0x80f3, 'AARP'],
  [0x80fd, 'PPP Compression Control Protocol'],
  [0x80ff, 'Wellfleet Compression Protocol'],
  [0x8100, '802.1Q Virtual LAN'],
  [0x8102, 'Simple Loop Protection Protocol'],
  [0x8103, 'Virtual LACP'],
  [0x8104, 'Simple Loop Protection Protocol (old)'],
  [0x8133, 'Juniper Netscreen Redundant Protocol'],
  [0x8137, 'Netware IPX/SPX'],
  [0x8181, 'Spanning Tree Protocol'],
  [0x81fd, 'Cabletron Interswitch Message Protocol'],
  [0x81ff, 'Cabletron SFVLAN 1.8 Tag-Based Flood'],
  [0x8204, 'QNX 6 QNET protocol'],
  [0x86dd, 'IPv6'],
  [0x872d, 'Cisco Wireless Lan Context Control Protocol'],
  [0x8783, 'Motorola Media Independent Network Transport'],
  [0x8808, 'MAC Control'],
  [0x8809, 'Slow Protocols'],
  [0x8819, 'Cirrus Cobranet Packet'],
  [0x8847, 'MPLS label switched packet'],
  [0x8848, 'MPLS multicast label switched packet'],
  [0x885a, 'Foundry proprietary'],
  [0x8863, 'PPPoE Discovery'],
  [0x8864, 'PPPoE Session'],
  [0x886c, 'HomePNA, wlan link local tunnel'],
  [0x886d, 'Intel ANS probe'],
  [0x886f, 'MS NLB heartbeat'],
  [0x8870, 'Jumbo LLC'],
  [0x8874, 'Broadcom tag'],
  [0x887b, 'Homeplug'],
  [0x8881, 'CDMA2000 A10 Unstructured byte stream'],
  [0x8884, 'ATM over Ethernet'],
  [0x888e, '802.1X Authentication'],
  [0x8892, 'PROFINET'],
  [0x8899, 'Realtek Layer 2 Protocols'],
  [0x889b, 'CSM_ENCAPS Protocol'],
  [0x88a1, 'Telkonet powerline'],
  [0x88a2, 'ATA over Ethernet'],
  [0x88a4, 'EtherCAT frame'],
  [0x88a8, '802.1ad Provider Bridge (Q-in-Q)'],
  [0x88ab, 'ETHERNET Powerlink v2'],
  [0x88ad, 'XiMeta Technology'],
  [0x88b4, 'WAI Authentication Protocol'],
  [0x88b5, 'Local Experimental Ethertype 1'],
  [0x88b6, 'Local Experimental Ethertype 2'],
  [0x88b7, 'IEEE 802a OUI Extended Ethertype'],
  [0x88b8, 'IEC 61850/GOOSE'],
  [0x88b9, 'IEC 61850/GSE management services'],
  [0x88ba, 'IEC 61850/SV (Sampled Value Transmission'],
  [0x88c7, '802.11i Pre-Authentication'],
  [0x88ca, 'Transparent Inter Process Communication'],
  [0x88cc, '802.1 Link Layer Discovery Protocol (LLDP)'],
  [0x88d2, 'CDMA2000 A10 3GPP2 Packet'],
  [0x88d8, 'Circuit Emulation Services over Ethernet (MEF8)'],
  [0x88d9, 'Link Layer Topology Discovery (LLTD)'],
  [0x88dc, '(WAVE) Short Message Protocol (WSM)'],
  [0x88de, 'VMware Lab Manager'],
  [0x88e1, 'Homeplug AV'],
  [0x88e3, 'MRP'],
  [0x88e5, '802.1AE (MACsec)'],
  [0x88e7, '802.1ah Provider Backbone Bridge (mac-in-mac)'],
  [0x88ee, 'Ethernet Local Management Interface (MEF16)'],
  [0x88f6, '802.1ak Multiple Mac Registration Protocol'],
  [0x88f7, 'PTPv2 over Ethernet (IEEE1588)'],
  [0x88f8, 'Network Controller Sideband Interface'],
  [0x88fb, 'Parallel Redundancy Protocol (PRP) and HSR Supervision (IEC62439 Part 3)'],
  [0x8901, 'Flow Layer Internal Protocol'],
  [0x8902, 'IEEE 802.1ag Connectivity Fault Management (CFM) protocol'],
  [0x8903, 'Data Center Ethernet (DCE) protocol(Cisco)'],
  [0x8906, 'Fibre Channel over Ethernet'],
  [0x8909, 'CiscoMetaData'],
  [0x890d, 'IEEE 802.11 data encapsulation'],
  [0x8911, 'LINX IPC Protocol'],
  [0x8914, 'FCoE Initialization Protocol'],
  [0x8915, 'RDMA over Converged Ethernet'],
  [0x8917, 'Media Independent Handover Protocol'],
  [0x891d, 'TTEthernet Protocol Control Frame'],
  [0x8926, 'VN-Tag'],
  [0x892b, 'Schweitzer Engineering Labs Layer 2 Protocol'],
  [0x892d, 'bluecom Protocol'],
  [0x892f, 'High-availability Seamless Redundancy (IEC62439 Part 3)'],
  [0x893a, '1905.1a Convergent Digital Home Network for Heterogenous Technologies'],
  [0x893f, '802.1br Bridge Port Extension E-Tag'],
  [0x8947, 'GeoNetworking'],
  [0x894f, 'Network Service Header'],
  [0x8988, 'PA HB Backup'],
  [0x9000, 'Loopback'],
  [0x9021, 'Real-Time Media Access Control'],
  [0x9022, 'Real-Time Configuration Protocol'],
  [0x9100, 'QinQ: old non-standard 802.1ad'],
  [0x9104, 'EERO Broadcast Packet'],
  [0x99fe, 'Technically Enhanced Capture Module Protocol (TECMP)'],
  [0xa0ed, '6LoWPAN'],
  [0xaefe, 'eCPRI'],
  [0xb4e3, 'CableLabs Layer-3 Protocol'],
  [0xc021, 'PPP Link Control Protocol'],
  [0xc023, 'PPP Password Authentication Protocol'],
  [0xc0de, 'eXpressive Internet Protocol'],
  [0xc0df, 'Neighborhood Watch Protocol'],
  [0xcafe, 'Veritas Low Latency Transport (not officially registered)'],
  [0xd00d, 'Digium TDM over Ethernet Protocol'],
  [0xd28b, 'Arista Timestamp'],
  [0xe555, 'EXos internal Extra Header'],
  [0xf1c1, '802.1CB Frame Replication and Elimination for Reliability'],
  [0xfff2, 'Cisco ACI ARP gleaning'],
]);
