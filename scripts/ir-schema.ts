// Generates compiler/ir/schema.json from compiler/ir/types.ts: `npm run schema` writes it,
// test/compiler/schema.test.ts checks that the checked-in file is what this produces. The TSDoc
// tags in types.ts (@minimum, @minItems, @asType integer, ...) carry what TypeScript cannot say.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';

const root = fileURLToPath(new URL('..', import.meta.url));
export const SCHEMA_PATH = `${root}compiler/ir/schema.json`;

/** The schema text, as checked in. */
export function irSchemaText(): string {
  const schema = createGenerator({
    path: `${root}compiler/ir/types.ts`,
    type: 'IrDocument',
    skipTypeCheck: true,
    additionalProperties: false,
    // 'extended' reads @asType (integers); the TSDoc prose becomes each field's description.
    jsDoc: 'extended',
    topRef: true,
  }).createSchema('IrDocument');
  const out = {
    $schema: schema.$schema,
    $id: 'https://gtv.dev/schema/ir-1.json',
    title: 'gtv IR, version 1 (generated from compiler/ir/types.ts by npm run schema)',
    $ref: schema.$ref,
    definitions: schema.definitions,
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_PATH, irSchemaText());
  console.log(`wrote ${SCHEMA_PATH}`);
}
