#!/usr/bin/env node
/**
 * `npm run docs`: the API reference in docs/api/ (gitignored), written by TypeDoc from the TSDoc of the
 * package's public entries, with the options in typedoc.json; it fails on an exported symbol without
 * a doc comment. Arguments are passed on to TypeDoc (`npm run docs -- --out /tmp/api`).
 *
 * TypeDoc drives TypeScript's compiler API, which TypeScript 7 (the repository's `typescript`, a native
 * compiler) no longer has. TypeDoc gets TypeScript 6 instead: the devDependency `typescript-api` (an npm
 * alias of typescript@6), which a resolve hook hands it wherever it imports `typescript`. The
 * `overrides` entry in package.json lets TypeDoc's peer dependency on typescript accept the 7.x
 * installed, so that npm ci resolves the tree as it is; nothing else loads TypeDoc.
 */
import module from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const FROM = 'typescript';
const TO = 'typescript-api';

function resolveHook(specifier, context, nextResolve) {
  if (specifier === FROM || specifier.startsWith(`${FROM}/`)) return nextResolve(TO + specifier.slice(FROM.length), context);
  return nextResolve(specifier, context);
}

if (module.registerHooks) {
  // Node 22.15+: in-thread hooks, which also cover require() (TypeDoc's createRequire look-ups).
  module.registerHooks({ resolve: resolveHook });
} else {
  // Node 20: the off-thread loader hooks (imports only; TypeDoc's imports of typescript are all imports).
  const source = `const FROM = ${JSON.stringify(FROM)}, TO = ${JSON.stringify(TO)};\nexport ${resolveHook.toString().replace(/^function resolveHook/, 'async function resolve')}`;
  module.register(`data:text/javascript,${encodeURIComponent(source)}`);
}

const require = module.createRequire(import.meta.url);
await import(pathToFileURL(join(dirname(require.resolve('typedoc/package.json')), 'dist/cli.js')).href);
