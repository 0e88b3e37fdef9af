import { expect } from 'chai';
import type { Span } from '../../compiler/ast.js';
import type { Diagnostic } from '../../compiler/diagnostics/types.js';
import { renderHuman, renderSummary } from '../../compiler/diagnostics/render-human.js';
import { renderCompact } from '../../compiler/diagnostics/render-compact.js';
import { renderJson } from '../../compiler/diagnostics/render-json.js';
import { sortDiagnostics } from '../../compiler/diagnostics/order.js';
import { displayWidth, MAX_LINE_CELLS } from '../../compiler/diagnostics/excerpt.js';

/** A span over `text` from `start` to `end` (offsets), with line/column as the parser makes them. */
function spanOf(file: string, text: string, start: number, end: number): Span {
  const pos = (offset: number) => {
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - (before.lastIndexOf('\n') + 1) + 1;
    return { offset, line, column };
  };
  return { file, start: pos(start), end: pos(end) };
}

/** Span of the first occurrence of `needle` in `text`. */
function spanAt(file: string, text: string, needle: string): Span {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`no ${needle}`);
  return spanOf(file, text, i, i + needle.length);
}

const FILE = 'studies/gap.gtv';
const SRC = [
  'study gap {',
  '  seed = 1',
  '  data d = points([0])',
  '  forward vp = vp_cosin(beta_min = 0.1)',
  '}',
  '',
].join('\n');

describe('human renderer', () => {
  it('matches the design.md layout: header, location, gutter, caret and hint', () => {
    const d: Diagnostic = {
      severity: 'error',
      code: 'GTV0204',
      message: 'unknown forward process `vp_cosin`',
      span: spanAt(FILE, SRC, 'vp_cosin'),
      hint: 'did you mean `vp_cosine`?',
    };
    const out = renderHuman([d], new Map([[FILE, SRC]]));
    expect(out).to.equal(
      [
        'error[GTV0204]: unknown forward process `vp_cosin`',
        '  --> studies/gap.gtv:4:16',
        '   |',
        ' 4 |   forward vp = vp_cosin(beta_min = 0.1)',
        '   |                ^^^^^^^^ did you mean `vp_cosine`?',
        '',
      ].join('\n'),
    );
  });

  it('renders related spans as notes with a `-` underline', () => {
    const d: Diagnostic = {
      severity: 'warning',
      code: 'GTV0701',
      message: 'dup',
      span: spanAt(FILE, SRC, 'vp ='),
      related: [
        { message: 'first here', span: spanOf(FILE, SRC, SRC.indexOf('d = points'), SRC.indexOf('d = points') + 1) },
      ],
    };
    const out = renderHuman([d], new Map([[FILE, SRC]]));
    expect(out).to.contain('warning[GTV0701]: dup');
    expect(out).to.contain(
      '   = note: first here\n  --> studies/gap.gtv:3:8\n   |\n 3 |   data d = points([0])\n   |        -\n',
    );
  });

  it('keeps carets aligned after tabs and wide characters', () => {
    const text = '\tdata 数据 = pts(1)\n';
    const d: Diagnostic = { severity: 'error', code: 'GTV0101', message: 'm', span: spanAt('a.gtv', text, 'pts') };
    const lines = renderHuman([d], new Map([['a.gtv', text]])).split('\n');
    const src = lines[3];
    const caret = lines[4];
    expect(src).to.equal(' 1 |     data 数据 = pts(1)');
    // "    data " is 9 cells, the two CJK characters 4, then " = " 3: pts starts at cell 16.
    expect(caret).to.equal('   | ' + ' '.repeat(16) + '^^^');
    expect(displayWidth('数据')).to.equal(4);
  });

  it('counts emoji as two cells and combining marks as none', () => {
    // "e\u0301" is one visible é; the emoji is a surrogate pair two cells wide.
    const text = 'let e\u0301 = "\u{1F600}" + bad\n';
    const d: Diagnostic = { severity: 'error', code: 'GTV0201', message: 'm', span: spanAt('e.gtv', text, 'bad') };
    const caret = renderHuman([d], new Map([['e.gtv', text]])).split('\n')[4];
    // `let é = "😀" + ` is 4 + 1 + 4 + 2 + 4 = 15 cells.
    expect(caret).to.equal('   | ' + ' '.repeat(15) + '^^^');
  });

  it('handles CRLF line endings without printing carriage returns', () => {
    const text = 'study s {\r\n  seed = oops\r\n}\r\n';
    const d: Diagnostic = { severity: 'error', code: 'GTV0301', message: 'm', span: spanAt('c.gtv', text, 'oops') };
    const out = renderHuman([d], new Map([['c.gtv', text]]));
    expect(out).not.to.contain('\r');
    expect(out).to.contain(' 2 |   seed = oops\n   |          ^^^^\n');
  });

  it('counts a lone carriage return as a line break, as the lexer does', () => {
    const text = 'a\rbad\n';
    const d: Diagnostic = {
      severity: 'error',
      code: 'GTV0105',
      message: 'm',
      span: { file: 'r.gtv', start: { offset: 2, line: 2, column: 1 }, end: { offset: 5, line: 2, column: 4 } },
    };
    expect(renderHuman([d], new Map([['r.gtv', text]]))).to.contain(' 2 | bad\n   | ^^^\n');
  });

  it('points one past the last character for a span at end of file', () => {
    const text = 'study s {\n  seed = 1';
    const d: Diagnostic = {
      severity: 'error',
      code: 'GTV0102',
      message: 'unterminated study block',
      span: spanOf('e.gtv', text, text.length, text.length),
      hint: 'add `}`',
    };
    const out = renderHuman([d], new Map([['e.gtv', text]]));
    expect(out).to.contain(' 2 |   seed = 1\n   |           ^ add `}`\n');
  });

  it('shows an empty last line for a span after a final newline', () => {
    const text = 'study s {\n';
    const d: Diagnostic = { severity: 'error', code: 'GTV0102', message: 'm', span: spanOf('e.gtv', text, 10, 10) };
    const out = renderHuman([d], new Map([['e.gtv', text]]));
    expect(out).to.contain(' 2 |\n   | ^\n');
  });

  it('shows the first and last line of a multi-line span, eliding the middle', () => {
    const text = 'a = f(1,\n  2,\n  3,\n  4)\n';
    const d: Diagnostic = {
      severity: 'error',
      code: 'GTV0301',
      message: 'm',
      span: spanOf('m.gtv', text, 4, text.indexOf('4)') + 2),
      hint: 'h',
    };
    const out = renderHuman([d], new Map([['m.gtv', text]]));
    expect(out).to.contain(' 1 | a = f(1,\n   |     ^^^^\n...\n 4 |   4)\n   |   ^^ h\n');
  });

  it('cuts a very long line to a window around the span', () => {
    const text = 'let w = ' + '1 + '.repeat(500) + 'oops + 1\n';
    const d: Diagnostic = { severity: 'error', code: 'GTV0201', message: 'm', span: spanAt('w.gtv', text, 'oops') };
    const lines = renderHuman([d], new Map([['w.gtv', text]])).split('\n');
    const src = lines[3];
    const caret = lines[4];
    expect(src.length).to.be.at.most(' 1 | '.length + MAX_LINE_CELLS);
    expect(src).to.match(/^ 1 \| \.\.\.1 \+ .*oops \+ 1$/);
    // The caret sits under `oops` in the cut line.
    expect(caret.indexOf('^')).to.equal(src.indexOf('oops'));
    expect(caret).to.match(/\^{4}$/);
  });

  it('cuts a long span at the window edge and keeps wide characters whole', () => {
    const text = '数'.repeat(300) + '\n';
    const d: Diagnostic = { severity: 'error', code: 'GTV0105', message: 'm', span: spanOf('u.gtv', text, 100, 300) };
    const [, , , src, caret] = renderHuman([d], new Map([['u.gtv', text]])).split('\n');
    const body = src.slice(' 1 | '.length);
    expect(body.startsWith('...数')).to.equal(true);
    expect(body.endsWith('数...')).to.equal(true);
    expect(displayWidth(body)).to.be.at.most(MAX_LINE_CELLS);
    const carets = caret.slice(caret.indexOf('^'));
    expect(carets).to.match(/^\^+$/);
    // Underline from the span start (after "..." and 40 cells of context) to the window's end.
    expect(caret.indexOf('^') - '   | '.length).to.equal(3 + 40);
    expect(3 + 40 + carets.length).to.equal(displayWidth(body) - 3);
  });

  it('aligns the continuation lines of a multi-line hint', () => {
    const d: Diagnostic = {
      severity: 'error',
      code: 'GTV0204',
      message: 'm',
      span: spanAt(FILE, SRC, 'vp_cosin'),
      hint: 'first\nsecond',
    };
    expect(renderHuman([d], new Map([[FILE, SRC]]))).to.contain(
      '   |                ^^^^^^^^ first\n   |                         second\n',
    );
  });

  it('replaces control characters so binary input cannot drive the terminal', () => {
    const text = 'x\x1b[31m\x00y\n';
    const d: Diagnostic = { severity: 'error', code: 'GTV0101', message: 'm', span: spanOf('b.gtv', text, 4, 5) };
    const out = renderHuman([d], new Map([['b.gtv', text]]));
    expect(out).not.to.match(/[\x00\x1b]/);
  });

  it('falls back to the location when the source is unavailable or the span is stale', () => {
    const d: Diagnostic = {
      severity: 'error',
      code: 'GTV0601',
      message: 'm',
      span: spanOf('gone.gtv', 'abc', 1, 2),
      hint: 'h',
    };
    expect(renderHuman([d], new Map())).to.equal('error[GTV0601]: m\n  --> gone.gtv:1:2\n   = h\n');
    const stale = renderHuman([{ ...d, span: spanOf('s.gtv', 'abcdef', 4, 6) }], new Map([['s.gtv', 'ab']]));
    expect(stale).to.equal('error[GTV0601]: m\n  --> s.gtv:1:5\n   = h\n');
  });

  it('colours only when asked to', () => {
    const d: Diagnostic = { severity: 'error', code: 'GTV0204', message: 'm', span: spanAt(FILE, SRC, 'vp_cosin') };
    expect(renderHuman([d], new Map([[FILE, SRC]]))).not.to.contain('\x1b[');
    expect(renderHuman([d], new Map([[FILE, SRC]]), { color: true })).to.contain('\x1b[1;31merror[GTV0204]');
  });

  it('widens the gutter for multi-digit line numbers', () => {
    const text = 'a\n'.repeat(120) + 'bad\n';
    const d: Diagnostic = { severity: 'error', code: 'GTV0101', message: 'm', span: spanAt('l.gtv', text, 'bad') };
    expect(renderHuman([d], new Map([['l.gtv', text]]))).to.contain(
      '    --> l.gtv:121:1\n     |\n 121 | bad\n     | ^^^\n',
    );
  });

  it('summarises counts', () => {
    const e: Diagnostic = { severity: 'error', code: 'A', message: 'm' };
    const w: Diagnostic = { severity: 'warning', code: 'B', message: 'm' };
    expect(renderSummary([e, e, w])).to.equal('2 errors, 1 warning\n');
    expect(renderSummary([w])).to.equal('1 warning\n');
    expect(renderSummary([])).to.equal('no problems\n');
  });
});

describe('compact and json renderers', () => {
  const d: Diagnostic = {
    severity: 'error',
    code: 'GTV0204',
    message: 'unknown\nname',
    span: spanAt(FILE, SRC, 'vp_cosin'),
    hint: 'did you mean `vp_cosine`?',
  };

  it('compact is one line per diagnostic', () => {
    expect(renderCompact([d, { severity: 'warning', code: 'GTV0701', message: 'no span' }])).to.equal(
      'studies/gap.gtv:4:16: error GTV0204: unknown name (did you mean `vp_cosine`?)\nwarning GTV0701: no span\n',
    );
  });

  it('json has the same keys for every diagnostic, nulls for absent values', () => {
    const parsed = JSON.parse(renderJson([d, { severity: 'warning', code: 'X', message: 'm' }]));
    expect(parsed).to.have.length(2);
    expect(Object.keys(parsed[0])).to.deep.equal(Object.keys(parsed[1]));
    expect(parsed[0].span).to.deep.equal({
      file: FILE,
      start: { line: 4, column: 16, offset: d.span!.start.offset },
      end: { line: 4, column: 24, offset: d.span!.end.offset },
    });
    expect(parsed[1]).to.deep.include({ span: null, hint: null, related: [] });
    expect(renderJson([])).to.equal('[]\n');
  });

  it('sorts by file of first appearance, then position, spanless last', () => {
    const a = (file: string, off: number, code: string): Diagnostic => ({
      severity: 'error',
      code,
      message: 'm',
      span: spanOf(file, 'x'.repeat(50), off, off + 1),
    });
    const none: Diagnostic = { severity: 'error', code: 'N', message: 'm' };
    const order = sortDiagnostics([none, a('b', 5, 'b5'), a('a', 9, 'a9'), a('b', 1, 'b1'), a('a', 2, 'a2')]);
    expect(order.map((x) => x.code)).to.deep.equal(['b1', 'b5', 'a2', 'a9', 'N']);
  });
});
