/**
 * Two builds into dist/:
 * - `vite build --mode lib`: the library (dist/index.js), the worker (dist/worker.js, one file with
 *   no imports, because isolated mode starts it from a blob: URL) and the Pyodide runtime copied to
 *   dist/pyodide/, so `import { PythonSandbox } from './dist/index.js'` works in Node and browsers
 *   with no configuration.
 * - `vite build` (site): the static demo page (index.html, assets/), the standalone widget bundle
 *   (widget.js) and the offline service worker (sw.js). Run it after the lib build.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, type Plugin, build, defineConfig } from 'vite';
import { shippedPython } from './scripts/shipped-python.js';

const root = dirname(fileURLToPath(import.meta.url));
/** The core runtime files of the pyodide npm package (it ships no wheels). */
export const PYODIDE_FILES = ['pyodide.mjs', 'pyodide.asm.mjs', 'pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json'];

/**
 * The runtime files also shipped gzipped (`<name>.gz` beside each): static hosts and `vite preview`
 * send files as they are, and these three are 10.9 MB as they are, 3.9 MB gzipped. The browser
 * build loads the `.gz` ones and decompresses them as they stream in (src/sandbox/downloads/byte-streams.ts);
 * Node, and a runtime set by `indexURL`, use the plain files. python_stdlib.zip is compressed already.
 */
export const GZIPPED_PYODIDE_FILES = ['pyodide.asm.mjs', 'pyodide.asm.wasm', 'pyodide-lock.json'];

const pyodideFile = (file: string) => readFileSync(join(root, 'node_modules/pyodide', file));

let gzipped: Map<string, Buffer> | undefined;
/** Each of GZIPPED_PYODIDE_FILES gzipped (level 9; deterministic: no name, no time), by its `.gz` name. */
function gzippedRuntime(): Map<string, Buffer> {
  gzipped ??= new Map(GZIPPED_PYODIDE_FILES.map((file) => [`${file}.gz`, gzipSync(pyodideFile(file), { level: 9 })]));
  return gzipped;
}

/**
 * The SHA-256 (hex) of each runtime file this build copies into dist/pyodide/, by file name (of
 * the plain files: a gzipped one is checked once decompressed). The library gets them as
 * `__PYODIDE_RUNTIME_SHA256__` and checks what the CDN fallback downloads, or a Cache Storage
 * copy of that, against them (src/sandbox/runtime/runtime-integrity.ts).
 */
export function pyodideRuntimeSha256(): Record<string, string> {
  return Object.fromEntries(PYODIDE_FILES.map((file) => [file, createHash('sha256').update(pyodideFile(file)).digest('hex')]));
}

/**
 * The size in bytes of each runtime file in dist/pyodide/, plain and gzipped, by file name: the
 * library's download progress uses them where a response has no usable Content-Length
 * (`__PYODIDE_RUNTIME_BYTES__`, src/sandbox/runtime/runtime-sizes.ts).
 */
export function pyodideRuntimeBytes(): Record<string, number> {
  const plain = PYODIDE_FILES.map((file) => [file, pyodideFile(file).length] as const);
  const packed = [...gzippedRuntime()].map(([name, bytes]) => [name, bytes.length] as const);
  return Object.fromEntries([...plain, ...packed]);
}

/** The build-time constants describing the runtime (its hashes and sizes), for the library and the tests. */
export function pyodideRuntimeDefines(): Record<string, string> {
  return { __PYODIDE_RUNTIME_SHA256__: JSON.stringify(pyodideRuntimeSha256()), __PYODIDE_RUNTIME_BYTES__: JSON.stringify(pyodideRuntimeBytes()) };
}

/** The build-time constants of the library's host code: which build it is, and the runtime's hashes and sizes. */
function libraryDefines(target: 'browser' | 'node' | 'any'): Record<string, string> {
  return { ...buildTarget(target), ...pyodideRuntimeDefines() };
}

function copyPyodideRuntime(outDir: string): Plugin {
  return {
    name: 'copy-pyodide-runtime',
    apply: 'build',
    writeBundle() {
      const target = join(outDir, 'pyodide');
      mkdirSync(target, { recursive: true });
      for (const file of PYODIDE_FILES) copyFileSync(join(root, 'node_modules/pyodide', file), join(target, file));
      for (const [name, bytes] of gzippedRuntime()) writeFileSync(join(target, name), bytes);
      // The npm package of Pyodide carries no license file; its files here are MPL-2.0 and unmodified.
      const { version, license } = JSON.parse(readFileSync(join(root, 'node_modules/pyodide/package.json'), 'utf8'));
      writeFileSync(
        join(target, 'NOTICE.md'),
        `# Pyodide ${version}\n\nThe files in this folder are Pyodide ${version}'s runtime from its npm package \`pyodide\`, unmodified (the \`.gz\` files are the same files gzipped; \`sandbox-snapshot.bin.gz\` is a memory image of it made by this package's build). License: ${license} (https://mozilla.org/MPL/2.0/). Source: https://github.com/pyodide/pyodide/tree/${version}\n`,
      );
    },
  };
}

export default defineConfig(({ mode }) => {
  const outDir = join(root, 'dist');
  if (mode === 'lib') {
    return {
      // public/ belongs to the site build.
      publicDir: false,
      define: libraryDefines('browser'),
      build: { ...libBuild(outDir, '[name].js'), emptyOutDir: true, license: { fileName: 'licenses/library.md' } },
      plugins: [copyPyodideRuntime(outDir), stripViteIgnore(), nodeLibrary(outDir), workerBundle(outDir), integrationEntries(outDir)],
    };
  }
  // Site: the demo page (index.html + assets/), the standalone widget bundle (widget.js) and the
  // offline service worker (sw.js). Run after the lib build (which empties dist/).
  return {
    base: './',
    define: libraryDefines('browser'),
    optimizeDeps: { exclude: ['pyodide'] },
    worker: { format: 'es' },
    build: { outDir, emptyOutDir: false, target: 'es2022', sourcemap: true },
    // `npm start` serves the built site cross-origin isolated, so Stop keeps Python's state.
    preview: { host: '127.0.0.1', port: SITE_PORT, strictPort: true, headers: ISOLATION_HEADERS },
    server: { headers: ISOLATION_HEADERS },
    plugins: [widgetDevAlias(), siteExtras(outDir)],
  };
});

/** Sets which build of the library this is (src/shared/is-node.ts): browser builds carry no Node code. */
function buildTarget(target: 'browser' | 'node' | 'any'): Record<string, string> {
  return { __SANDBOX_BUILD_TARGET__: JSON.stringify(target) };
}

/** What every build into dist/ beside another shares: nothing emptied, no public/, source maps. */
function besideOthers(outDir: string, minify = false): BuildOptions {
  return { outDir, emptyOutDir: false, target: 'es2022', minify, sourcemap: true, copyPublicDir: false };
}

/**
 * The library's entries: everything (index), the sandbox alone (sandbox, no @google/genai) and
 * the Vite plugin for apps (vite). Chunks sit beside the entries, because the sandbox finds its
 * worker and runtime relative to its own module (src/sandbox/runtime/bundled-assets.ts).
 * `@google/genai` is a peer dependency: the app's own copy, so its classes are the app's.
 */
function libBuild(outDir: string, fileNames: string, entries = ['index', 'sandbox', 'vite']): BuildOptions {
  const sources: Record<string, string> = { index: 'src/index.ts', sandbox: 'src/sandbox-entry.ts', vite: 'src/integrations/vite.ts' };
  return {
    ...besideOthers(outDir),
    lib: { entry: Object.fromEntries(entries.map((name) => [name, join(root, sources[name])])), formats: ['es'] },
    rollupOptions: {
      external: [/^node:/, /^@google\/genai($|\/)/, 'vite'],
      output: { entryFileNames: fileNames, chunkFileNames: fileNames.replace('[name]', '[name]-[hash]') },
    },
  };
}

/**
 * The same library built for Node (the `node` export condition): index.node.js, sandbox.node.js,
 * each typed as its browser twin (the d.ts files are for this repository's own tests; the
 * package's `types` conditions name the shared ones).
 */
function nodeLibrary(outDir: string): Plugin {
  return {
    name: 'node-library',
    apply: 'build',
    async closeBundle() {
      await build({
        configFile: false,
        logLevel: 'warn',
        define: libraryDefines('node'),
        build: { ...libBuild(outDir, '[name].node.js', ['index', 'sandbox']), license: { fileName: 'licenses/library.node.md' } },
        plugins: [stripViteIgnore()],
      });
      writeFileSync(join(outDir, 'index.node.d.ts'), "export * from './index.js';\n");
    },
  };
}

/**
 * The integrations, each built alone so that what it leaves out stays out: mcp.js and cli.js (the
 * MCP server and its command line, Node), ai-sdk.js (the AI SDK tool, any runtime) and adk.js /
 * adk.node.js (the ADK code executor, a page's and Node's). They reuse
 * run_python's text helpers, whose module also imports @google/genai for the Gemini parts: with
 * external modules taken as free of side effects, that unused import is dropped, so neither entry
 * needs @google/genai. The MCP server takes PythonSandbox from sandbox.node.js (one copy of the
 * sandbox, the same class an app imports from `pyodide-code-execution/sandbox`), the ADK executor
 * from sandbox.js or sandbox.node.js; the MCP SDK, `ai` and `@google/adk` are the app's own
 * (dependency and optional peers), never bundled.
 */
function integrationEntries(outDir: string): Plugin {
  const sandboxEntry = join(root, 'src/sandbox-entry.ts');
  const sandboxAsBuilt = (file: string): Plugin => ({
    name: 'sandbox-as-built',
    // Before Vite's own resolver, which would otherwise resolve the import to the source file.
    enforce: 'pre',
    async resolveId(source, importer, options) {
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      if (resolved?.id === sandboxEntry) return { id: `./${file}`, external: true };
      return resolved;
    },
  });
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string;
  const integration = (entries: Record<string, string>, target: 'node' | 'browser' | 'any', external: (string | RegExp)[], plugins: Plugin[] = []) =>
    build({
      configFile: false,
      logLevel: 'warn',
      define: { ...buildTarget(target), __PACKAGE_VERSION__: JSON.stringify(version) },
      plugins,
      build: {
        ...besideOthers(outDir),
        lib: { entry: Object.fromEntries(Object.entries(entries).map(([name, source]) => [name, join(root, source)])), formats: ['es'] },
        rollupOptions: {
          external: [/^node:/, /^@google\/genai($|\/)/, ...external],
          treeshake: { moduleSideEffects: 'no-external' },
          output: { entryFileNames: '[name].js', chunkFileNames: `${Object.keys(entries)[0].replace('.', '-')}-[name]-[hash].js` },
        },
      },
    });
  return {
    name: 'integration-entries',
    apply: 'build',
    async closeBundle() {
      const mcpEntries = { mcp: 'src/integrations/mcp/index.ts', cli: 'src/integrations/mcp/bin.ts' };
      await integration(mcpEntries, 'node', [/^@modelcontextprotocol\/(server|client|core)($|\/)/], [sandboxAsBuilt('sandbox.node.js')]);
      await buildChartApp(outDir);
      await integration({ 'ai-sdk': 'src/integrations/ai-sdk/index.ts' }, 'any', [/^ai($|\/)/]);
      // The ADK executor makes its sandboxes, so it is built twice, each on its build of the sandbox (as index.js and index.node.js are).
      const adk = 'src/integrations/adk/index.ts';
      await integration({ adk }, 'browser', [/^@google\/adk($|\/)/], [sandboxAsBuilt('sandbox.js')]);
      await integration({ 'adk.node': adk }, 'node', [/^@google\/adk($|\/)/], [sandboxAsBuilt('sandbox.node.js')]);
      // Typed for this repository's tests, as index.node.d.ts is; the package's `types` conditions name the d.ts files under integrations/.
      writeFileSync(join(outDir, 'mcp.d.ts'), "export * from './integrations/mcp/index.js';\n");
      writeFileSync(join(outDir, 'ai-sdk.d.ts'), "export * from './integrations/ai-sdk/index.js';\n");
      for (const name of ['adk', 'adk.node']) writeFileSync(join(outDir, `${name}.d.ts`), "export * from './integrations/adk/index.js';\n");
    },
  };
}

/**
 * dist/mcp-chart-app.html, the MCP server's chart app (src/integrations/mcp/apps/): one HTML file
 * with its script inline, because an MCP App host loads it into a sandboxed frame whose default
 * Content Security Policy lets it load nothing else (no chunk, stylesheet or font). The server
 * reads it from beside its own modules.
 */
async function buildChartApp(outDir: string): Promise<void> {
  const built = await build({
    configFile: false,
    logLevel: 'warn',
    define: { 'process.env.NODE_ENV': JSON.stringify('production'), ...buildTarget('browser') },
    // One zod for the app's SDK and the MCP types it validates with, so the App's "no eval" setting reaches both.
    resolve: { dedupe: ['zod'] },
    build: {
      ...besideOthers(outDir, true),
      write: false,
      sourcemap: false,
      lib: { entry: join(root, 'src/integrations/mcp/apps/chart-app-view.ts'), formats: ['es'], fileName: () => 'mcp-chart-app.js' },
      license: { fileName: 'licenses/mcp-chart-app.md' },
      rollupOptions: { output: { codeSplitting: false, minify: true } },
    },
  });
  const files = (Array.isArray(built) ? built[0] : (built as Extract<typeof built, { output: unknown }>)).output;
  const [script, ...assets] = files;
  if (script.type !== 'chunk') throw new Error('the chart app built no script');
  // Inside <script>, "</script" would end it early; "<\/script" means the same to JavaScript in a string, a template or a regular expression.
  const code = script.code.replaceAll('</script', '<\\/script');
  if (code.includes('<!--')) throw new Error('the chart app holds "<!--", which HTML reads specially inside <script>');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark"><title>Chart</title>
<style>body{margin:0;padding:8px;font:14px/1.4 var(--font-sans,system-ui,sans-serif);color:var(--color-text-primary,CanvasText);background:transparent}.chart{margin:0 0 16px}img{max-width:100%;height:auto}</style>
</head><body><main id="charts" aria-live="polite"></main><script type="module">${code}</script></body></html>
`;
  writeFileSync(join(outDir, CHART_APP_HTML), html);
  for (const asset of assets) if (asset.type === 'asset') writeFileSync(join(outDir, asset.fileName), asset.source);
}

/** The chart app's file name in dist/ (the server's `CHART_APP_FILE`). */
const CHART_APP_HTML = 'mcp-chart-app.html';

/**
 * The library names its worker and runtime with `new URL(/* @vite-ignore *\/ './…', import.meta.url)`
 * (src/sandbox/runtime/bundled-assets.ts): the comment stops this repository's builds from rewriting them,
 * and must not reach dist, where it would stop apps' Vite builds from copying the files.
 */
function stripViteIgnore(): Plugin {
  return {
    name: 'strip-vite-ignore',
    renderChunk: (code) => ({ code: code.replaceAll(/new URL\(\s*\/\* @vite-ignore \*\/\s*/g, 'new URL('), map: null }),
  };
}

/**
 * dist/worker.js as one self-contained classic script: isolated mode starts it from a blob: URL
 * inside an opaque-origin frame, where Chromium refuses module workers (classic ones, and their
 * dynamic import() of blob: modules, work). Node runs the same file as an ES module. Minified, and
 * its Python without docstrings (scripts/shipped-python.ts): an app's bundler copies it as it is,
 * and every first visit downloads it.
 */
function workerBundle(outDir: string): Plugin {
  return {
    name: 'worker-bundle',
    apply: 'build',
    async closeBundle() {
      await build({
        configFile: false,
        logLevel: 'warn',
        define: buildTarget('any'),
        build: {
          ...besideOthers(outDir, true),
          lib: { entry: join(root, 'worker/worker.ts'), formats: ['iife'], name: 'pythonSandboxWorker', fileName: () => 'worker.js' },
          rollupOptions: { external: [/^node:/], output: { codeSplitting: false } },
          license: { fileName: 'licenses/worker.md' },
        },
        plugins: [shippedPython()],
      });
    },
  };
}

/** The fixed port of `npm start` (vite preview). */
export const SITE_PORT = 4173;

/** Headers that make the page crossOriginIsolated (SharedArrayBuffer, so interrupts keep state). */
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * After the page is built: the widget bundle, then the service worker's precache list (which
 * lists the widget). One hook, because closeBundle hooks of different plugins run in parallel.
 */
function siteExtras(outDir: string): Plugin {
  return {
    name: 'site-extras',
    apply: 'build',
    async closeBundle() {
      await buildWidget(outDir);
      writePrecacheList(outDir);
    },
  };
}

/**
 * dist/widget.js: one self-contained ES module, so embedding is one script tag; and beside it
 * dist/widget-chart.js, the chart view (vega, vega-lite and vega-embed: bigger than the rest of the
 * widget), which widget.js imports relative to its own URL the first time a conversation shows a
 * chart (and the sandbox's check of a run's charts, the first time a run makes one). Each is built
 * alone (no shared chunks), so a page without charts loads one file. They
 * sit beside the lib build's worker.js and pyodide/ because the sandbox code inside finds both
 * relative to its own URL (import.meta.url). The page loads them like any embedder would.
 */
async function buildWidget(outDir: string): Promise<void> {
  const chartView = join(root, 'src/ui/charts/chart-view.ts');
  // The sandbox loads its chart check when a run makes a chart; the chart chunk re-exports it.
  const chartCheck = join(root, 'src/sandbox/charts/check-chart.ts');
  const checkLoader = join(root, 'src/sandbox/charts/checked-charts.ts');
  const one = (entry: string, fileName: string, plugins: Plugin[] = []) =>
    build({
      configFile: false,
      logLevel: 'warn',
      define: { 'process.env.NODE_ENV': JSON.stringify('production'), ...libraryDefines('browser') },
      plugins,
      build: {
        ...besideOthers(outDir, true),
        lib: { entry, formats: ['es'], fileName: () => fileName },
        license: { fileName: `licenses/${fileName.replace(/\.js$/, '.md')}` },
        rollupOptions: {
          // The sandbox's Node-only branch (worker_threads) is never taken in a browser.
          external: [/^node:/],
          output: { codeSplitting: false, minify: true },
        },
      },
    });
  const chartChunk: Plugin = {
    name: 'chart-view-as-built',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      if (resolved?.id === chartView || (resolved?.id === chartCheck && importer === checkLoader)) return { id: './widget-chart.js', external: true };
      return resolved;
    },
  };
  await one(join(root, 'src/ui/widget.ts'), 'widget.js', [chartChunk]);
  await one(chartView, 'widget-chart.js');
}

/**
 * The dev server (`npx vite`, after a lib build) serves the widget's source where the page expects
 * widget.js, and the built worker and Pyodide runtime where the sandbox's source looks for them
 * (beside src/sandbox/python-sandbox.ts).
 */
function widgetDevAlias(): Plugin {
  return {
    name: 'widget-dev-alias',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = req.url?.split('?')[0] ?? '';
        if (path === '/widget.js') req.url = '/src/ui/widget.ts';
        // Served as built, untouched: Vite's module transforms would break the worker and Pyodide.
        const built = /^\/src\/sandbox\/(worker\.js|pyodide\/[\w.-]+)$/.exec(path);
        if (built && existsSync(join(root, 'dist', built[1]))) {
          const type =
            { '.wasm': 'application/wasm', '.zip': 'application/zip', '.json': 'application/json', '.gz': 'application/gzip' }[extname(path)] ??
            'text/javascript';
          res.writeHead(200, { 'Content-Type': type, ...ISOLATION_HEADERS }).end(readFileSync(join(root, 'dist', built[1])));
          return;
        }
        next();
      });
    },
  };
}

/**
 * Fills public/sw.js's precache list and version with what the browser page loads, and nothing
 * else: the page and its chunks (index.html, assets/), the files copied from public/ (demos,
 * icon), the widget and the sandbox worker. The library's own entries (index.js, sandbox.js and
 * their chunks, the Node builds, the Vite plugin) sit in the same dist/ but no page loads them.
 * Nor is Pyodide's runtime here: the sandbox keeps the files it downloaded in Cache Storage itself
 * (src/sandbox/runtime/runtime-files.ts) and boots from them offline; precached, the runtime went down the
 * wire a second time on a first visit (6.5 MB).
 * Wheels vendored later by scripts/vendor-pyodide.mjs are cached on first use instead.
 */
function writePrecacheList(outDir: string): void {
  const swPath = join(outDir, 'sw.js');
  if (!existsSync(swPath)) return;
  const fromPublic = new Set(listFiles(join(root, 'public')));
  const pageLoads = (file: string) =>
    file === 'index.html' || file.startsWith('assets/') || fromPublic.has(file) || file === 'widget.js' || file === 'widget-chart.js' || file === 'worker.js';
  const urls = listFiles(outDir)
    .filter((file) => pageLoads(file) && !/\.(map|d\.ts)$/.test(file) && file !== 'sw.js')
    .map((file) => `./${file}`)
    .sort();
  const hash = createHash('sha256');
  for (const url of urls) hash.update(url).update(readFileSync(join(outDir, url)));
  const source = readFileSync(swPath, 'utf8')
    .replace(/\/\* __PRECACHE_URLS__ \*\/[^\]]*/, urls.map((url) => JSON.stringify(url)).join(', '))
    .replace(/'[^']*' \/\* __BUILD_VERSION__ \*\//, JSON.stringify(hash.digest('hex').slice(0, 12)));
  writeFileSync(swPath, source);
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? listFiles(dir, path) : [path];
  });
}
