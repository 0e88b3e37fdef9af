// The one door to chevrotain. Its package entry (lib/src/api.js) pulls in lodash-es as about 640
// separate ES modules, which cost a fresh `gtv check` half a second of start-up; the package also
// ships the same sources bundled into one file (lib/chevrotain.mjs), which loads in a tenth of the
// time. Its `exports` map hides that file, so it is found next to the resolved entry. Every
// import of chevrotain goes through here (test/architecture/imports.test.ts): two copies of the
// library would disagree on token identities such as EOF.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

type Chevrotain = typeof import('chevrotain');

const entry = createRequire(import.meta.url).resolve('chevrotain');
const bundled = join(dirname(entry), '..', 'chevrotain.mjs');
// A chevrotain without the bundle (its layout is not part of its API) still loads, only slower.
const lib = (await import(existsSync(bundled) ? pathToFileURL(bundled).href : 'chevrotain')) as Chevrotain;

export const {
  createToken,
  createTokenInstance,
  CstParser,
  EOF,
  Lexer,
  tokenMatcher,
  createSyntaxDiagramsCode,
  generateCstDts,
} = lib;
export type {
  CstNode,
  ICstVisitor,
  ILexingError,
  IOrAlt,
  IParserErrorMessageProvider,
  IRecognitionException,
  IToken,
  TokenType,
} from 'chevrotain';
