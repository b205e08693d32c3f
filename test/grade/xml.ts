/**
 * A small strict XML parser for tests: elements, attributes, text, the XML declaration and
 * comments; the five predefined entities and character references. Throws on anything not
 * well-formed (mismatched or unclosed tags, duplicate attributes, bare & or <, illegal
 * characters, more than one root).
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string, at: number): string {
  if (ILLEGAL.test(s)) throw new Error(`illegal character near offset ${at}`);
  return s.replace(/&([^;&<]*);|&/g, (m, ent: string | undefined) => {
    if (ent === undefined) throw new Error(`bare & near offset ${at}`);
    if (ent in ENTITIES) return ENTITIES[ent];
    const num = /^#x([0-9a-fA-F]+)$/.exec(ent) ?? /^#([0-9]+)$/.exec(ent);
    if (num) return String.fromCodePoint(parseInt(num[1], ent[1] === 'x' ? 16 : 10));
    throw new Error(`unknown entity &${ent}; near offset ${at}`);
  });
}

export function parseXml(src: string): XmlElement {
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const skipMisc = () => {
    for (;;) {
      const ws = /^\s*/.exec(src.slice(i))![0].length;
      i += ws;
      if (src.startsWith('<!--', i)) {
        const end = src.indexOf('-->', i + 4);
        if (end < 0) throw new Error('unclosed comment');
        i = end + 3;
      } else return;
    }
  };
  if (src.startsWith('<?xml', 0)) {
    const end = src.indexOf('?>');
    if (end < 0) throw new Error('unclosed XML declaration');
    i = end + 2;
  }
  skipMisc();
  while (i < src.length) {
    if (stack.length === 0) {
      if (root) {
        skipMisc();
        if (i < src.length) throw new Error(`content after the root element at offset ${i}`);
        break;
      }
      if (src[i] !== '<') throw new Error(`text outside the root element at offset ${i}`);
    }
    if (src.startsWith('<!--', i)) {
      const end = src.indexOf('-->', i + 4);
      if (end < 0) throw new Error('unclosed comment');
      i = end + 3;
    } else if (src.startsWith('</', i)) {
      const m = NAME.exec(src.slice(i + 2));
      const top = stack.pop();
      if (!m || !top || m[0] !== top.name) throw new Error(`mismatched end tag at offset ${i}: </${m?.[0]}> for <${top?.name}>`);
      i += 2 + m[0].length;
      i += /^\s*/.exec(src.slice(i))![0].length;
      if (src[i] !== '>') throw new Error(`bad end tag at offset ${i}`);
      i++;
    } else if (src[i] === '<') {
      const m = NAME.exec(src.slice(i + 1));
      if (!m) throw new Error(`bad tag name at offset ${i}`);
      const el: XmlElement = { name: m[0], attrs: {}, children: [], text: '' };
      i += 1 + m[0].length;
      for (;;) {
        const ws = /^\s*/.exec(src.slice(i))![0].length;
        i += ws;
        if (src.startsWith('/>', i) || src[i] === '>') break;
        if (!ws) throw new Error(`attributes need white space before them at offset ${i}`);
        const a = /^([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(src.slice(i));
        if (!a) throw new Error(`bad attribute at offset ${i}`);
        if (a[1] in el.attrs) throw new Error(`duplicate attribute ${a[1]} at offset ${i}`);
        el.attrs[a[1]] = decode(a[3] ?? a[4], i);
        i += a[0].length;
      }
      if (stack.length) stack[stack.length - 1].children.push(el);
      else root = el;
      if (src.startsWith('/>', i)) i += 2;
      else {
        i++;
        stack.push(el);
      }
    } else {
      const end = src.indexOf('<', i);
      if (end < 0) throw new Error('unclosed element');
      const raw = src.slice(i, end);
      if (raw.includes(']]>')) throw new Error(`]]> in text at offset ${i}`);
      stack[stack.length - 1].text += decode(raw, i);
      i = end;
    }
  }
  if (stack.length) throw new Error(`unclosed element <${stack[stack.length - 1].name}>`);
  if (!root) throw new Error('no root element');
  return root;
}

/** All descendants named `name`. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  return el.children.flatMap((c) => [...(c.name === name ? [c] : []), ...findAll(c, name)]);
}
