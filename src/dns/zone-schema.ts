/**
 * JSON Schema (draft 2020-12) of a DNS zone as written in scenarios (`serve: dns`).
 * `zoneSchema` is a plain object so the scenario schema can embed it; the same text is in
 * schemas/dns-zone.schema.json (a test keeps the two equal).
 */
const hostName = {
  type: 'string',
  minLength: 1,
  maxLength: 254,
  pattern: '^(@|\\*|[A-Za-z0-9_*-]([A-Za-z0-9_-]{0,62})?)(\\.[A-Za-z0-9_-]{1,63})*\\.?$',
  description: 'A domain name. `@` is the origin; a single label (`www`) is relative to the origin; a name with a dot is absolute (a trailing dot is allowed).',
};
const ttl = { type: 'integer', minimum: 0, maximum: 2147483647, description: 'Time to live in seconds.' };
const u32 = { type: 'integer', minimum: 0, maximum: 4294967295 };

const valueFor = (type: string, value: object) => ({ if: { properties: { type: { const: type } } }, then: { properties: { value } } });

export const zoneSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'dns-zone.schema.json',
  title: 'DnsZone',
  description: 'Records served authoritatively by a `serve: dns` fixture. The server answers with the AA flag for names in the zone, NXDOMAIN or NODATA (with the SOA) for what is missing, and REFUSED for names outside every zone it serves.',
  type: 'object',
  additionalProperties: false,
  properties: {
    origin: {
      ...hostName,
      description: 'The zone apex, e.g. `lab.example`. `@` and single-label names are relative to it. Without it the apex is the SOA owner or the longest common suffix of the record names. Records outside the origin (such as PTR records under in-addr.arpa) make the server authoritative for their parent domain too.',
    },
    ttl: { ...ttl, description: 'TTL of records that give none (default 300); also the negative-caching TTL of a synthesised SOA.' },
    records: {
      type: 'array',
      description: 'The resource records. An SOA is synthesised for each apex that lacks one (`ns.<apex>`, `hostmaster.<apex>`, serial 1), so negative answers carry one.',
      items: {
        type: 'object',
        title: 'DnsRecord',
        additionalProperties: false,
        required: ['name', 'type', 'value'],
        properties: {
          name: { ...hostName, description: 'The owner name. `*.name` is a wildcard for names below `name` that do not exist.' },
          type: { enum: ['A', 'AAAA', 'CNAME', 'MX', 'NS', 'PTR', 'SOA', 'TXT'], description: 'The record type.' },
          ttl: { ...ttl, description: "This record's TTL (default: the zone's `ttl`)." },
          value: { description: 'The record data; its shape depends on `type`.' },
        },
        allOf: [
          valueFor('A', { type: 'string', pattern: '^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$', description: 'An IPv4 address, e.g. 203.0.113.10.' }),
          valueFor('AAAA', { type: 'string', pattern: '^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$', description: 'An IPv6 address, e.g. 2001:db8::10.' }),
          ...['CNAME', 'NS', 'PTR'].map((t) => valueFor(t, { ...hostName, description: 'The target name.' })),
          valueFor('TXT', {
            description: 'The text: one string, or a list of strings (character-strings). Strings over 255 bytes are split.',
            oneOf: [{ type: 'string' }, { type: 'array', minItems: 1, items: { type: 'string' } }],
          }),
          valueFor('MX', {
            type: 'object',
            additionalProperties: false,
            required: ['priority', 'exchange'],
            description: 'A mail exchanger.',
            properties: {
              priority: { type: 'integer', minimum: 0, maximum: 65535, description: 'Preference: lower is preferred.' },
              exchange: { ...hostName, description: 'The mail server name.' },
            },
          }),
          valueFor('SOA', {
            type: 'object',
            additionalProperties: false,
            required: ['mname', 'rname'],
            description: 'Start of authority; only at the apex.',
            properties: {
              mname: { ...hostName, description: 'The primary name server.' },
              rname: { ...hostName, description: 'The mailbox of the person responsible, with `@` written as a dot (hostmaster.lab.example).' },
              serial: { ...u32, description: 'Serial number (default 1).' },
              refresh: { ...u32, description: 'Seconds (default 3600).' },
              retry: { ...u32, description: 'Seconds (default 600).' },
              expire: { ...u32, description: 'Seconds (default 86400).' },
              minimum: { ...u32, description: "Negative-caching TTL (default: the zone's ttl)." },
            },
          }),
        ],
      },
    },
  },
} as const;
