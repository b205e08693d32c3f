/**
 * DNS name compression (RFC 1035 §4.1.4) as a pass over an uncompressed message from
 * dns-packet (which does not compress): owner names, and names inside CNAME, NS, PTR, MX and
 * SOA data, become pointers to earlier occurrences, so replies have the sizes real servers
 * send (and captures show the lengths Wireshark shows for them).
 */

const T = { NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15 } as const;

/** Reads an uncompressed name at `off`: its labels and the offset after it. */
function readName(buf: Buffer, off: number): { labels: Buffer[]; end: number } {
  const labels: Buffer[] = [];
  for (;;) {
    const len = buf[off];
    if (len === 0) return { labels, end: off + 1 };
    if (len & 0xc0) throw new Error('message is already compressed');
    labels.push(buf.subarray(off + 1, off + 1 + len));
    off += 1 + len;
  }
}

class Writer {
  private parts: Buffer[] = [];
  length = 0;
  private seen = new Map<string, number>();

  bytes(b: Buffer): void {
    this.parts.push(b);
    this.length += b.length;
  }

  /** Writes a name, pointing at the longest suffix written before. */
  name(labels: Buffer[]): void {
    for (let i = 0; i < labels.length; i++) {
      const key = labels
        .slice(i)
        .map((l) => l.toString('latin1').toLowerCase())
        .join('.');
      const at = this.seen.get(key);
      if (at !== undefined) {
        const p = Buffer.alloc(2);
        p.writeUInt16BE(0xc000 | at);
        this.bytes(p);
        return;
      }
      if (this.length < 0x4000) this.seen.set(key, this.length);
      this.bytes(Buffer.concat([Buffer.from([labels[i].length]), labels[i]]));
    }
    this.bytes(Buffer.from([0]));
  }

  result(): Buffer {
    return Buffer.concat(this.parts, this.length);
  }
}

/** Returns `msg` with its names compressed; the message means exactly the same. */
export function compressMessage(msg: Buffer): Buffer {
  const w = new Writer();
  w.bytes(msg.subarray(0, 12));
  const qd = msg.readUInt16BE(4);
  const rrs = msg.readUInt16BE(6) + msg.readUInt16BE(8) + msg.readUInt16BE(10);
  let off = 12;
  for (let i = 0; i < qd; i++) {
    const n = readName(msg, off);
    w.name(n.labels);
    w.bytes(msg.subarray(n.end, n.end + 4));
    off = n.end + 4;
  }
  for (let i = 0; i < rrs; i++) {
    const n = readName(msg, off);
    w.name(n.labels);
    const type = msg.readUInt16BE(n.end);
    const rdlen = msg.readUInt16BE(n.end + 8);
    const rdata = n.end + 10;
    w.bytes(msg.subarray(n.end, n.end + 8));
    const rdlength = Buffer.alloc(2); // filled in once the (compressed) data is written
    w.bytes(rdlength);
    const start = w.length;
    if (type === T.NS || type === T.CNAME || type === T.PTR) w.name(readName(msg, rdata).labels);
    else if (type === T.MX) {
      w.bytes(msg.subarray(rdata, rdata + 2));
      w.name(readName(msg, rdata + 2).labels);
    } else if (type === T.SOA) {
      const m = readName(msg, rdata);
      const r = readName(msg, m.end);
      w.name(m.labels);
      w.name(r.labels);
      w.bytes(msg.subarray(r.end, r.end + 20));
    } else w.bytes(msg.subarray(rdata, rdata + rdlen));
    rdlength.writeUInt16BE(w.length - start);
    off = rdata + rdlen;
  }
  return w.result();
}
