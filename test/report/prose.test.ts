import { describe, expect, it } from 'vitest';
import { mdProse, texProse } from '../../src/report/prose.js';

describe('the description as Markdown (issue 16: `**rejected**` printed literally)', () => {
  const description = [
    'The firewall **rejects** TCP port 8081 and *drops* `udp/53`;',
    'see [the RFC](https://www.rfc-editor.org/rfc/rfc793).',
    '',
    '- first item with 50% & $5 #tag',
    '- second_item',
    '',
    '1. one',
    '2. two',
  ].join('\n');

  it('renders emphasis, code, links and lists into Markdown', () => {
    expect(mdProse(description)).toBe(
      [
        'The firewall **rejects** TCP port 8081 and *drops* `udp/53`; see [the RFC](<https://www.rfc-editor.org/rfc/rfc793>).',
        '',
        '- first item with 50% \\& $5 #tag',
        '- second\\_item',
        '',
        '1. one',
        '2. two',
      ].join('\n'),
    );
  });

  it('renders them into LaTeX with every piece of text escaped', () => {
    expect(texProse(description)).toBe(
      [
        'The firewall \\textbf{rejects} TCP port 8081 and \\emph{drops} \\texttt{udp/53}; see the RFC (\\texttt{https://www.rfc-editor.o\\allowbreak{}rg/rfc/rfc793}).',
        '',
        '\\begin{itemize}',
        '\\item first item with 50\\% \\& \\$5 \\#tag',
        '\\item second\\_item',
        '\\end{itemize}',
        '',
        '\\begin{enumerate}',
        '\\item one',
        '\\item two',
        '\\end{enumerate}',
      ].join('\n'),
    );
  });

  it('keeps what is not Markdown it knows as escaped text: raw HTML, unclosed marks, odd links', () => {
    expect(mdProse('<script>alert(1)</script> **open')).toBe('\\<script>alert(1)\\</script> \\*\\*open');
    expect(texProse('\\textbf{x} **open } {')).toBe('\\textbackslash{}textbf\\{x\\} **open \\} \\{');
    expect(mdProse('[x](javascript:alert)')).toBe('x (javascript:alert)');
    expect(mdProse('# not a heading')).toBe('\\# not a heading');
  });
});
