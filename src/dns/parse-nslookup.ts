/**
 * Reads nslookup's text (the layout dns/format.ts prints, and nslookup -debug's QUESTIONS
 * blocks) back: the server asked, the names and addresses answered, the names it could not
 * find (`** server can't find compeng.example.home: NXDOMAIN`), the questions it sent.
 */
export interface ParsedLookup {
  server?: string;
  answers: { name: string; address: string }[];
  notFound: { name: string; rcode: string }[];
  questions: { name: string; type: string }[];
}

export function parseNslookup(lines: readonly string[]): ParsedLookup {
  const out: ParsedLookup = { answers: [], notFound: [], questions: [] };
  let name: string | undefined;
  let inQuestions = false;
  for (const raw of lines) {
    const line = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^Server:\s+(\S+)/.exec(line))) {
      out.server ??= m[1];
      name = undefined;
    } else if ((m = /^Name:\s+(\S+)/.exec(line))) name = m[1].replace(/\.$/, '');
    else if ((m = /^Address(?: \d+)?:\s+(\S+)/.exec(line))) {
      if (name !== undefined) out.answers.push({ name, address: m[1] });
    } else if ((m = /^\*\* server can't find (\S+?)\.?: (\S+)/.exec(line))) out.notFound.push({ name: m[1], rcode: m[2] });
    else if (line === 'QUESTIONS:') inQuestions = true;
    else if (inQuestions && (m = /^(\S+?)\.?, type = (\S+?),/.exec(line))) out.questions.push({ name: m[1], type: m[2] });
    else if (/^[A-Z ]+:$/.test(line) || line.startsWith('---')) inQuestions = false;
  }
  return out;
}
