/** Helpers for the bytes steps send and expect. */

export function hexToBytes(hex: string): Buffer {
  return Buffer.from(hex.replace(/[\s:]/g, ''), 'hex');
}

export function bytesToHex(b: Uint8Array): string {
  return Buffer.from(b)
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1 ');
}

/** Printable text (tabs, CR, LF allowed) round-trips through UTF-8. */
export function isText(b: Uint8Array): boolean {
  const s = Buffer.from(b).toString('utf8');
  return !s.includes('\uFFFD') && !/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(s);
}

/** A transcript entry's payload: text, plus hex when the bytes are not plain text. */
export function transcriptData(b: Uint8Array): { text: string; hex?: string } {
  const text = Buffer.from(b).toString('utf8');
  return isText(b) ? { text } : { text, hex: bytesToHex(b) };
}

/** A value shown in "expected vs received": quoted JSON so CR, LF and tabs are visible. */
export function show(s: string): string {
  return JSON.stringify(s);
}
