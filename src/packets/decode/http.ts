/**
 * The part of Wireshark's HTTP dissector that shows in the packet list: the first line of a
 * request/response, whether the PDU (headers + Content-Length body) is complete in the segments
 * seen so far, and the media type of the body.
 */

/** TCP ports tshark 4.0 dissects as HTTP by default (that wirelab labs meet). */
export const HTTP_PORTS = new Set([80, 3128, 3132, 5985, 8000, 8080, 8088, 11371, 1900, 2869, 2710]);

const STARTS = ['GET ', 'POST ', 'HEAD ', 'PUT ', 'DELETE ', 'OPTIONS ', 'PATCH ', 'CONNECT ', 'TRACE ', 'HTTP/1.'];

/** What the start of an HTTP message told us. */
export interface HttpStart {
  firstLine: string;
  /** Bytes of the whole PDU (headers + body), or -1 if the headers are not complete yet. */
  total: number;
  /** Body media type without parameters ("text/html"), if there is a body. */
  mediaType?: string;
}

function ascii(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(b[i]);
  return s;
}

/** True if the payload starts like an HTTP request or response. */
export function looksLikeHttp(b: Uint8Array, o: number, end: number): boolean {
  const head = ascii(b, o, Math.min(end, o + 8));
  for (const s of STARTS) if (head.startsWith(s.slice(0, Math.min(8, s.length)))) return true;
  return false;
}

/** Parses the start of an HTTP message in b[o, end). */
export function parseHttpStart(b: Uint8Array, o: number, end: number): HttpStart {
  let eol = -1;
  for (let i = o; i + 1 < end; i++) {
    if (b[i] === 13 && b[i + 1] === 10) {
      eol = i;
      break;
    }
  }
  const firstLine = ascii(b, o, eol < 0 ? end : eol);
  let hdrEnd = -1;
  for (let i = Math.max(o, eol); i + 3 < end; i++) {
    if (b[i] === 13 && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10) {
      hdrEnd = i + 4;
      break;
    }
  }
  if (eol < 0 || hdrEnd < 0) return { firstLine, total: -1 };
  const headers = ascii(b, eol + 2, hdrEnd - 4).split('\r\n');
  let clen = 0;
  let mediaType: string | undefined;
  for (const h of headers) {
    const c = h.indexOf(':');
    if (c < 0) continue;
    const name = h.slice(0, c).trim().toLowerCase();
    const value = h.slice(c + 1).trim();
    if (name === 'content-length') clen = Number.parseInt(value, 10) || 0;
    else if (name === 'content-type') mediaType = value.split(';')[0].trim().toLowerCase();
  }
  const res: HttpStart = { firstLine, total: hdrEnd - o + clen };
  if (clen > 0 && mediaType) res.mediaType = mediaType;
  return res;
}
