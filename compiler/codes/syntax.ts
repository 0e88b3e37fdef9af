import type { CodeInfo } from './types.js';

// GTV01xx: lexer and parser errors (owned by the grammar; emitted by compiler/parse.ts).
export const SYNTAX_CODES: CodeInfo[] = [
  {
    code: 'GTV0101',
    name: 'unexpected-token',
    severity: 'error',
    title: 'a token that cannot start or continue what came before',
    explain: `The parser found a token where none of the constructs it allows there can start.
The message says what was allowed and what was found.

Example:
  study s {
    seed = 1
    22.5deg          # a value on its own is not a statement
  }

Typical causes: a value left over from an edit on the line above, a setting written outside a
study block (at the top level write \`let name = value\` instead), \`sweep\`/\`plot\` outside a study,
an \`import\` inside a study (imports go at the top level), or a stray closing bracket.
Fix: remove the stray token or move the statement where it belongs.`,
  },
  {
    code: 'GTV0102',
    name: 'missing-token',
    severity: 'error',
    title: 'a required token is missing',
    explain: `The construct being parsed needs a specific token (a name, \`=\`, a string, ...) and found
something else.

Example:
  forward vp(beta_min = 0.1)     # expected \`=\` after the name \`vp\`

Every declaration is written \`kind name = value\`, every setting \`name = value\`, an import
\`import "path.gtv"\`, and a plot target \`to "file.svg"\`. Keywords (\`model\`, \`data\`, \`map\`, ...)
cannot be used as names.
Fix: insert the missing token, or rename a name that is a keyword (e.g. \`model_\`).`,
  },
  {
    code: 'GTV0103',
    name: 'unclosed-bracket',
    severity: 'error',
    title: 'a bracket is not closed',
    explain: `An opening \`(\`, \`[\` or \`{\` has no matching closing bracket where the parser needed one. The
related location points at the opening bracket.

Example:
  sweep P = [64, 128, 256        # expected \`]\` to close the list
  features phi = gauss(x, n = 16 # expected \`)\` to close the arguments of \`gauss\`

If the message says a value was found instead (\`[1 2]\`), a \`,\` between items is missing.
Fix: add the closing bracket (or the missing comma).`,
  },
  {
    code: 'GTV0104',
    name: 'unterminated-string',
    severity: 'error',
    title: 'a string has no closing quote',
    explain: `Strings are written in double quotes on one line; this one reaches the end of the line
without its closing \`"\`.

Example:
  import "lib/datasets.gtv       # missing "

Inside a string, write \`\\"\` for a quote and \`\\\\\` for a backslash.
Fix: add the closing \`"\` (or escape a quote that was meant to be part of the text).`,
  },
  {
    code: 'GTV0105',
    name: 'invalid-character',
    severity: 'error',
    title: 'a character that is not part of the language',
    explain: `The lexer found a character that starts no token: .gtv uses ASCII letters, digits, \`_\`,
the operators \`+ - * / ^ = .. ,\`, the brackets \`( ) [ ] { }\`, double-quoted strings and \`#\`
comments. Anything else (\`;\`, \`:\`, \`'\`, \`@\`, typographic quotes or a unicode minus sign) is an
error outside strings and comments.

Example:
  let w = 0.1;       # statements end at the end of the line: remove \`;\`
  seed: 1            # settings use \`=\`

Fix: remove the character or replace it with its ASCII form; the hint names the usual one.`,
  },
  {
    code: 'GTV0106',
    name: 'malformed-number',
    severity: 'error',
    title: 'a number literal that is not well formed',
    explain: `Numbers are \`12\`, \`1.5\`, \`.5\`, \`1e-4\` or \`2.5E+3\`, optionally followed directly by a unit
(\`22.5deg\`). A decimal point needs digits after it, and an exponent needs digits after its sign.

Example:
  let a = 1.         # write 1.0 or 1
  let b = 1e-        # write e.g. 1e-3

Fix: complete or shorten the number as the hint suggests.`,
  },
  {
    code: 'GTV0107',
    name: 'nesting-too-deep',
    severity: 'error',
    title: 'an expression is nested too deeply',
    explain: `To keep the compiler and the editor responsive on any input, brackets (calls, lists,
parentheses) may nest at most 32 deep and an expression at most 500 levels (each operator, sign or
bracket is one level). Deeper input is almost always generated or corrupted; the too-deep part is
treated as an error and parsing continues after it.

Example:
  let x = f(f(f(f( ... f(1) ... ))))    # 33 or more nested calls

Fix: split the expression into several \`let\` definitions.`,
  },
  {
    code: 'GTV0108',
    name: 'invalid-escape',
    severity: 'error',
    title: 'an unknown escape sequence in a string',
    explain: `Strings know two escapes: \`\\"\` (a quote) and \`\\\\\` (a backslash). Any other backslash
sequence is an error (it is kept as written).

Example:
  plot density(a) to "out\\new.svg"    # \\n is not an escape

Fix: write \`\\\\\` for a literal backslash, or use \`/\` in paths.`,
  },
  {
    code: 'GTV0109',
    name: 'too-many-errors',
    severity: 'info',
    title: 'further syntax errors were not reported',
    explain: `After 100 syntax errors in one file the rest are not listed: the file is probably not a .gtv
file, or one early mistake (an unclosed string or bracket) confuses everything after it.

Fix: correct the first errors and compile again.`,
  },
  {
    code: 'GTV0110',
    name: 'internal-parser-error',
    severity: 'error',
    title: 'the parser failed unexpectedly',
    explain: `The parser hit an internal error on this file. This is a bug in gtv, not in the study; the
message carries the internal error text.

Fix: please report it with the file attached; meanwhile, simplifying the line named may help.`,
  },
];
