/**
 * Turns one DNS query message into the authoritative server's reply: header flags (QR, AA, RD
 * echoed, opcode echoed), the question echoed, EDNS OPT echoed when the query had one, and
 * truncation (TC) when a UDP reply exceeds 512 bytes or the client's EDNS size.
 */
import * as dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, OptAnswer } from 'dns-packet';
import { compressMessage } from './compress.js';
import { lookup } from './lookup.js';
import { answerJson, toAnswer, type RecordJson } from './rdata.js';
import type { Zone } from './zone.js';

/** What the server saw and sent, for the run record. */
export interface ServedTransaction {
  time: string;
  transport: 'udp' | 'tcp';
  client: { address: string; port: number };
  id: number;
  question: { name: string; type: string; class: string } | null;
  rd: boolean;
  edns: { udpSize: number; version: number } | null;
  rcode: string;
  aa: boolean;
  tc: boolean;
  answers: RecordJson[];
  authority: RecordJson[];
  additional: RecordJson[];
  /** Size of the reply in bytes (without the TCP length prefix). */
  size: number;
}

const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
type Rcode = keyof typeof RCODE;
/** The UDP payload size this server advertises and accepts at most. */
export const SERVER_UDP_SIZE = 1232;

function header(query: Buffer, rcode: Rcode): Buffer {
  const b = Buffer.alloc(12);
  query.copy(b, 0, 0, 2);
  b.writeUInt16BE(0x8000 | (query.readUInt16BE(2) & 0x7900) | RCODE[rcode], 2);
  return b;
}

type Decoded = DecodedPacket & { opcode?: string };
type Opt = { type: 'OPT'; udpPayloadSize: number; ednsVersion: number; flags: number };

/**
 * Answers `msg` from `zones`. Returns no reply for messages too short to answer or that are
 * themselves responses. `client` only goes into the transaction.
 */
export function respond(
  zones: Zone[],
  msg: Buffer,
  transport: 'udp' | 'tcp',
  client: ServedTransaction['client'],
): { reply: Buffer; tx: ServedTransaction } | undefined {
  if (msg.length < 12 || msg[2] & 0x80) return undefined;
  const tx: ServedTransaction = {
    time: new Date().toISOString(),
    transport,
    client,
    id: msg.readUInt16BE(0),
    question: null,
    rd: (msg[2] & 1) === 1,
    edns: null,
    rcode: 'FORMERR',
    aa: false,
    tc: false,
    answers: [],
    authority: [],
    additional: [],
    size: 12,
  };
  let q: Decoded;
  try {
    q = dnsPacket.decode(msg);
  } catch {
    return { reply: header(msg, 'FORMERR'), tx };
  }
  const question = q.questions?.length === 1 ? q.questions[0] : undefined;
  if (question) tx.question = { name: question.name.toLowerCase(), type: question.type, class: question.class ?? 'IN' };
  const opt = q.additionals?.find((a) => a.type === 'OPT') as Opt | undefined;
  if (opt) tx.edns = { udpSize: opt.udpPayloadSize, version: opt.ednsVersion };

  let rcode: Rcode = 'NOERROR';
  let aa = false;
  let answers: Answer[] = [],
    authorities: Answer[] = [],
    additionals: Answer[] = [];
  if (!question) rcode = 'FORMERR';
  else if (q.opcode !== 'QUERY') rcode = 'NOTIMP';
  else if (question.class && question.class !== 'IN' && question.class !== 'ANY') rcode = 'REFUSED';
  else if (!opt || opt.ednsVersion === 0) {
    const res = lookup(zones, question.name, question.type);
    rcode = res.rcode;
    aa = res.aa;
    answers = res.answers.map(toAnswer);
    authorities = res.authority.map(toAnswer);
    additionals = res.additional.map(toAnswer);
  }
  // an EDNS version we do not speak: BADVERS (extended rcode 16 = 1 << 4 | 0)
  const badvers = !!opt && opt.ednsVersion > 0;
  const optOut = opt
    ? [
        {
          type: 'OPT',
          name: '.',
          udpPayloadSize: SERVER_UDP_SIZE,
          extendedRcode: badvers ? 1 : 0,
          ednsVersion: 0,
          flags: opt.flags & 0x8000,
          flag_do: false, // the DO bit is in `flags`, copied from the query
          options: [],
        } satisfies OptAnswer,
      ]
    : [];
  const flags = (q.flags! & 0x7900) | (aa ? dnsPacket.AUTHORITATIVE_ANSWER : 0) | RCODE[rcode];
  const packet = {
    type: 'response' as const,
    id: q.id,
    flags,
    questions: question ? [question] : [],
    answers,
    authorities,
    additionals: [...additionals, ...optOut],
  };
  const encode = () => compressMessage(dnsPacket.encode(packet));
  let reply = encode();
  if (transport === 'udp') {
    const limit = opt ? Math.max(512, Math.min(opt.udpPayloadSize, SERVER_UDP_SIZE)) : 512;
    if (reply.length > limit) {
      packet.additionals = optOut;
      reply = encode();
    }
    if (reply.length > limit) {
      Object.assign(packet, { flags: flags | dnsPacket.TRUNCATED_RESPONSE, answers: [], authorities: [] });
      reply = encode();
      tx.tc = true;
    }
  }
  Object.assign(tx, {
    rcode: badvers ? 'BADVERS' : rcode,
    aa,
    answers: packet.answers.map(answerJson),
    authority: packet.authorities.map(answerJson),
    additional: packet.additionals.filter((a) => a.type !== 'OPT').map(answerJson),
    size: reply.length,
  });
  return { reply, tx };
}
