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

/** The digits a sized payload (`bytes: N`) repeats when no `text`/`hex` is given. */
export const FILL = '0123456789';

/**
 * A payload `repeat` times back to back, or repeated and cut to `size` bytes (`bytes:`); without
 * a unit of its own a sized payload repeats the digits 0-9.
 */
export function shaped(unit: Buffer | undefined, size: number | undefined, repeat: number | undefined): Buffer {
  if (size !== undefined) {
    const u = unit && unit.length > 0 ? unit : Buffer.from(FILL);
    return Buffer.alloc(size, u);
  }
  const u = unit ?? Buffer.alloc(0);
  return repeat !== undefined && repeat > 1 ? Buffer.concat(Array.from({ length: repeat }, () => u)) : u;
}

/** How a shaped payload is named in a step title: "6000 bytes", `"ab" ×3`. */
export function shapeNote(size: number | undefined, repeat: number | undefined): string {
  return size !== undefined ? ` cut to ${size} bytes` : repeat !== undefined && repeat > 1 ? ` ×${repeat}` : '';
}
