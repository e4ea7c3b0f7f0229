/**
 * ADK for JavaScript in a page: `@google/adk` 2.0.0's browser build (`dist/web`, what a bundler
 * picks for a page) does not load as published, and this Vite plugin makes `vite build` of a page
 * that imports it work:
 * - each of its files imports Node's `module` and calls `createRequire` on load;
 * - it imports `node:async_hooks` (request labels), `node:net` (`isIP`, on load) and
 *   `node:fs/promises`, and Google Cloud's Node clients (Vertex AI, google-auth-library) and
 *   adm-zip, which read Node's `events`, `util` and more on load; a page uses none of them;
 * - its logger, winston, reads `process` and Node's `util` on load;
 * - `models/apigee_llm.js` calls `super` inside a generator function: a syntax error in every engine.
 * Each is given a stub (a class that throws where a page would need a Node client), winston is the
 * console, each chunk gets a `process` of its own, and ApigeeLlm's call is of its base class's method.
 */
import type { Plugin } from 'vite';

/** What a cloud-only class does in a page: refuse to be made. */
function throwingClasses(names: readonly string[]): string {
  return names.map((name) => `export class ${name} { constructor() { throw new Error('${name} is not available in a page'); } }`).join('\n');
}

const WINSTON = [
  'const noFormat = () => ({});',
  'export const format = Object.assign(() => noFormat, { combine: noFormat, label: noFormat, colorize: noFormat, timestamp: noFormat, printf: noFormat });',
  'export const transports = { Console: class {} };',
  "const write = (level) => (message) => console[level === 'error' || level === 'warn' ? level : 'log']('[ADK] ' + level + ': ' + message);",
  "export function createLogger() { return { log: (level, message) => write(['debug', 'info', 'warn', 'error'][Number(level)] ?? 'info')(message), debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') }; }",
].join('\n');

const UNAVAILABLE_FS = [
  "const unavailable = () => Promise.reject(new Error('node:fs/promises is not available in a page'));",
  'export const readFile = unavailable, writeFile = unavailable, mkdir = unavailable, readdir = unavailable, stat = unavailable, lstat = unavailable, rm = unavailable, access = unavailable, mkdtemp = unavailable, unlink = unavailable;',
].join('\n');

/** The modules given stubs, by the specifier ADK's web build imports. */
const STUBS: Record<string, string> = {
  module: "export function createRequire() { return () => { throw new Error('require() is not available in a page'); }; }",
  // Request labels: one store at a time in a page.
  'node:async_hooks':
    'export class AsyncLocalStorage { getStore() { return this.store; } run(store, fn, ...args) { const before = this.store; this.store = store; try { return fn(...args); } finally { this.store = before; } } }',
  'node:net': "export function isIP(text) { return /^\\d{1,3}(\\.\\d{1,3}){3}$/.test(text) ? 4 : String(text).includes(':') ? 6 : 0; }",
  'node:fs/promises': UNAVAILABLE_FS,
  winston: WINSTON,
  '@google-cloud/vertexai': `${throwingClasses(['Client'])}\nexport const Language = {};`,
  '@google-cloud/vertexai/build/src/genai/types.js': 'export const Language = {};',
  '@google-cloud/vertexai/build/src/genai/client.js': throwingClasses(['Client']),
  'google-auth-library': throwingClasses(['GoogleAuth', 'JWT']),
  'adm-zip': `${throwingClasses(['AdmZip'])}\nexport default AdmZip;`,
};

/** A `process` for a chunk's own modules where the page has none (winston's colors read `env`, `argv`, `platform`). */
const PROCESS = "var process = globalThis.process ?? { env: {}, argv: [], platform: 'browser', version: '', versions: {}, cwd: () => '/' };";

const STUB_PREFIX = '\0adk-web-build:';

/**
 * A Vite plugin for `vite build` of a page that imports `@google/adk` (2.0.x): ADK's browser build
 * as published does not load in a page (Node modules imported on load, a syntax error in
 * `apigee_llm.js`); with this it does, for `LlmAgent`, `Runner`, sessions, artifacts and `Gemini`.
 * Google Cloud's services (Vertex AI sessions and memory, Agent Engine, GCS) throw when made.
 *
 * ```ts
 * import { defineConfig } from 'vite';
 * import { adkWebBuild, pythonSandbox } from 'pyodide-code-execution/vite';
 * export default defineConfig({ plugins: [pythonSandbox(), adkWebBuild()] });
 * ```
 * @returns The plugin (its stubs, the `process` given to each chunk, the mended file).
 */
export function adkWebBuild(): Plugin {
  return {
    name: 'adk-web-build',
    enforce: 'pre',
    outputOptions: (options) => ({ ...options, intro: PROCESS }),
    resolveId: (source) => (Object.hasOwn(STUBS, source) ? `${STUB_PREFIX}${source}` : undefined),
    load: (id) => (id.startsWith(STUB_PREFIX) ? STUBS[id.slice(STUB_PREFIX.length)] : undefined),
    transform(code, id) {
      if (!id.replaceAll('\\', '/').endsWith('/@google/adk/dist/web/models/apigee_llm.js')) return undefined;
      return { code: code.replace('super.generateContentAsync(llmRequest,', 'Gemini.prototype.generateContentAsync.call(this, llmRequest,'), map: null };
    },
  };
}
