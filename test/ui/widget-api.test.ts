/**
 * The widget's published types (src/ui/widget-api.ts, without Lit) and the bundle's exports
 * (src/ui/widget.ts) cannot drift apart: checked when the project type-checks (`npm run typecheck`
 * compiles this file), and the same names at run time of the built bundle's declarations.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, expectTypeOf, test } from 'vitest';
import type * as Bundle from '../../src/ui/widget.js';
import type * as Published from '../../src/ui/widget-api.js';
import { REPO } from '../support/packed-package.js';

/** `true` only when `A` fits `B`. */
type Fits<A, B> = [A] extends [B] ? true : false;
/** Every value the bundle exports is published with a type it fits, and nothing else is. */
const bundleFitsPublished: Fits<typeof Bundle, typeof Published> = true;
const nothingUnpublished: Exclude<keyof typeof Bundle, keyof typeof Published> extends never ? true : false = true;
const nothingExtra: Exclude<keyof typeof Published, keyof typeof Bundle> extends never ? true : false = true;

test("the bundle's exports fit the published types, name for name (a compile-time check)", () => {
  expect([bundleFitsPublished, nothingUnpublished, nothingExtra]).toEqual([true, true, true]);
});

test.skipIf(!existsSync(join(REPO, 'dist/ui/widget-api.d.ts')))('the published declarations import no Lit, in any file they reach', () => {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    expect(text, file).not.toMatch(/from ['"]lit(-html)?(\/[^'"]*)?['"]|import\(['"]lit/);
    for (const [, path] of text.matchAll(/(?:from|import) ['"](\.{1,2}\/[^'"]+)\.js['"]/g)) visit(join(file, '..', `${path}.d.ts`));
  };
  visit(join(REPO, 'dist/ui/widget-api.d.ts'));
  expect(seen.size).toBeGreaterThan(10);
});

test("the element's send takes the chat's attachments ({ path, mimeType, data }, as attachmentsFromFiles makes them)", () => {
  expectTypeOf<Published.CodeExecChat['send']>().parameter(1).toEqualTypeOf<readonly Published.Attachment[] | undefined>();
  expectTypeOf<Awaited<ReturnType<typeof Published.attachmentsFromFiles>>>().toExtend<Published.Attachment[]>();
});
