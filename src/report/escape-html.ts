/**
 * HTML escaping for report templates. One function serves text and (double- or single-quoted)
 * attribute values: `&`, `<`, `>`, `"` and `'` become entities, so no value can open a tag, close
 * a `<script>`, end an attribute or start an entity. Control characters other than tab and line
 * ends are shown as their Unicode control pictures (`␀`, `␛`…), since HTML forbids them.
 */
import { toText } from '../util/text.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function htmlEscape(value: unknown): string {
  return toText(value)
    .replace(/[&<>"']/g, (c) => ENTITIES[c])
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (c) =>
      c === '\u007f' ? '\u2421' : String.fromCharCode(0x2400 + c.charCodeAt(0)),
    );
}
