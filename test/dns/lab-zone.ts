/** The zones the DNS tests serve: the brief's lab zone, a reverse record, an empty `home` zone. */
import type { ZoneSpec } from '../../src/dns/zone.js';

export const LAB_ZONE: ZoneSpec = {
  origin: 'lab.example',
  ttl: 300,
  records: [
    { name: 'echo.lab.example', type: 'A', value: '203.0.113.10' },
    { name: 'echo.lab.example', type: 'AAAA', value: '2001:db8::10' },
    { name: 'www', type: 'CNAME', value: 'echo.lab.example' },
    { name: 'alias2', type: 'CNAME', value: 'www' },
    { name: 'dangling', type: 'CNAME', value: 'gone.lab.example' },
    { name: 'outside', type: 'CNAME', value: 'elsewhere.test.' },
    { name: 'lab.example', type: 'MX', value: { priority: 10, exchange: 'mail.lab.example' } },
    { name: 'mail', type: 'A', value: '203.0.113.25' },
    { name: 'lab.example', type: 'TXT', value: 'hello' },
    { name: 'lab.example', type: 'NS', value: 'ns1.lab.example' },
    { name: 'ns1', type: 'A', value: '203.0.113.53' },
    { name: 'host.deep.sub.lab.example', type: 'A', value: '203.0.113.77' },
    { name: 'v4only', type: 'A', value: '203.0.113.11', ttl: 60 },
    { name: '*.wild.lab.example', type: 'A', value: '203.0.113.99' },
    { name: '10.113.0.203.in-addr.arpa', type: 'PTR', value: 'echo.lab.example' },
    // 40 A records (~670 bytes compressed): over 512, under 1232
    ...Array.from({ length: 40 }, (_, i) => ({ name: 'big', type: 'A' as const, value: `198.51.100.${i + 1}` })),
    // 10 TXT records of 200 bytes: over 1232 bytes, so even EDNS UDP is truncated
    ...Array.from({ length: 10 }, (_, i) => ({ name: 'huge', type: 'TXT' as const, value: `${i}`.padEnd(200, 'x') })),
  ],
};

/** For the seed's search walk: `compeng.example` exists, anything under `home` does not. */
export const SEED_ZONES: ZoneSpec[] = [
  { origin: 'example', records: [{ name: 'compeng.example', type: 'A', value: '203.0.113.223' }] },
  { origin: 'home' },
];
