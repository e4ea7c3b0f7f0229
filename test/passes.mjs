/**
 * Which test runs in which pass: the one place that says it, read by vitest.config.ts (the passes
 * of `npm test` as vitest projects), vitest.quick.config.ts (`npm run test:quick`) and
 * scripts/test.mjs (which projects each pass runs, on which Node). A suite that must run alone, or
 * skip a Node, is one edit here. Paths are from the repository's root.
 *
 * `npm test`'s passes (scripts/test.mjs):
 * 1. Node 24, `@google/genai` 2.x: the suites of `ALONE`, two at a time among themselves, in two
 *    rounds (the floods beside the Node ones, then the other browser suites).
 * 2. Node 24: every other suite, two files at a time (`REST`), with `EXAMPLES` beside them.
 * 3. Node 26, SDK 3.x: `NODE26_SUBSET` of the Node suites (no `*.browser.test.ts`) but
 *    `FIRST_PASS_ONLY` and `EXAMPLES`, then those of `ALONE` that are Node suites (but
 *    `FIRST_PASS_ONLY`), each alone. Without a subset (`node scripts/test-on-node.mjs 26`), every one.
 *    Beside pass 2's `REST`, once `EXAMPLES` is done.
 * 4. Node 22, SDK 3.x: `NODE22_SUBSET`, as pass 3 runs them, after it.
 */

/** Every test. */
const ALL = 'test/**/*.test.ts';
/** Tests that drive a browser are named `*.browser.test.ts`; every other test runs in Node alone. */
const BROWSER = '**/*.browser.test.ts';
const isBrowserSuite = (file) => file.endsWith('.browser.test.ts');

/**
 * Suites that bound the host's pauses or time stops against each other: they run first, on Node
 * 24, two at a time among themselves and beside no other suite, so that no other suite's browsers
 * and interpreters (nor one left behind) count against them. Each reads its bounds against a
 * control measured in the same run, and they pass beside heavy other work; one at a time, they
 * left about 40 % of both cores idle (470-500 s of a fresh clone's run; two at a time 230-255 s).
 * `name` is its vitest project. `round`: the floods run in the first beside the Node suites only,
 * the browser suites in the second. Beside another browser suite (the hostile index's, then the
 * saved state's), Chromium floods paused the page 315-1,070 ms in two clean clones, a CI run and
 * a run of this pass, each failing its bound twice (the same floods 30-60 ms beside the Node
 * suites; the idle and twin controls 0-27 ms): the neighbour's bursts come and go between the
 * controls and the flood.
 */
export const ALONE = [
  /** The host's pauses under floods (≤ 200 ms). */
  { name: 'floods', files: ['test/browser/floods.browser.test.ts'], round: 0 },
  { name: 'hostile-worker', files: ['test/sandbox/hostile-worker.test.ts'], round: 0 },
  /** The host's pauses while a 100 MB session is saved through the Deno boundary (≤ 200 ms). */
  { name: 'save-pauses', files: ['test/sandbox/saved-state-pauses.test.ts'], round: 0 },
  /** The page's pauses under a hostile package index (≤ 200 ms). */
  { name: 'index-pauses', files: ['test/browser/hostile-index.browser.test.ts'], round: 1 },
  /** WebKit's stops that terminate, timed against each other, and its process's CPU read. */
  { name: 'webkit-stops', files: ['test/browser/webkit-stops.browser.test.ts'], round: 1 },
  /** The page's pauses while it receives and stores a saved interpreter, in every engine (≤ 200 ms beyond a control). */
  { name: 'saved-state', files: ['test/browser/saved-state.browser.test.ts'], round: 1 },
];
/** How many rounds `ALONE` takes. */
const ALONE_ROUNDS = Math.max(...ALONE.map((suite) => suite.round)) + 1;

/** The project of the first pass's other suites. */
export const REST = 'suites';

/**
 * Node suites that share a process per vitest worker (`isolate: false`), a project of their own
 * beside `REST` (and beside the later passes' other Node suites): the agent loops' and the
 * widget's, which import the SDK and the agent stack (1.3-1.6 s a file on a slow day, where most
 * of their tests take a fraction of that) and leave nothing behind. A suite here that needs a
 * module replaced spies on it and restores it (`vi.spyOn`, not `vi.mock`, which a shared module
 * graph would not honour). Their 60 files alone: 54 s each in a process of its own, 36 s shared.
 */
export const SHARED = { name: 'suites-shared', files: ['test/agent/!(*.browser).test.ts', 'test/ui/!(*.browser).test.ts'] };

/**
 * Installs and builds example apps (npm, webpack, Next.js): minutes of most of both cores, so last
 * in a plain `vitest run`; `npm test` runs it beside `REST` instead.
 */
export const EXAMPLES = { name: 'examples', files: ['test/package/examples.test.ts'] };

/**
 * Node suites the later passes (another Node, SDK 3.x) leave to the first: their subject is the
 * same bytes and checks on every Node (the snapshot store and the shipped snapshot's choice, which
 * every other suite's boot restores from on both; the package index, wheel checks and download
 * bounds, whose fetches packages.test.ts and package-download-bytes.test.ts make on both; the
 * working directory's walk, which is Python's; the escape attempts from inside the Deno boundary,
 * directly and through the MCP server and the ADK executor, which Deno's permissions answer
 * whatever Node starts it; the tasks a cell leaves between runs, which the worker's scheduler
 * holds; Python's own libraries; the MCP protocol's eras, tasks and skills folder and the
 * balancer's routing, which the MCP SDK and HAProxy answer, over the same HTTP and stdio that
 * mcp-http.test.ts and mcp-stdio.test.ts take on both; restart points and idle saves, whose
 * packing, checks and stores saved-state.test.ts and idle-give-back.test.ts take on both; a
 * hostile worker's messages, which the host's checks answer; a handle's race with its own
 * close and save, and a refused save's note, which the MCP server's own code answers;
 * checkpoints, rewinds and forks, which restart points' saves and saved-state.test.ts's restores
 * make, directly and through the MCP tools; the chart app's resource and tool metadata, which
 * the MCP SDK serves; a hostile downstream server, whose stream the gateway's own checks leave
 * unread and bounded; what a disposed sandbox leaves reachable and what the host keeps of a
 * dropped result, which are our own references; the Deno boundary's side of a run and of a save,
 * which is Deno whatever Node starts it, while mcp-stdio.test.ts and mcp-http.test.ts start it
 * from both; a restored save's memory bounds, which the host's own unpacking answers; the MCP
 * server's own bookkeeping of task ids, boots in line, evictions' saves and the gateway's
 * sessions, over the same HTTP that mcp-http.test.ts takes on both; a bench helper's reading of
 * /proc). About 700 s of a test file at a time there.
 */
export const FIRST_PASS_ONLY = [
  'test/sandbox/snapshot.test.ts',
  'test/sandbox/shipped-snapshot.test.ts',
  'test/sandbox/package-index.test.ts',
  'test/sandbox/wheel-verification.test.ts',
  'test/sandbox/package-download-stops.test.ts',
  'test/sandbox/workdir-walk.test.ts',
  'test/sandbox/deno-escape.test.ts',
  'test/integrations/mcp-escape.test.ts',
  'test/integrations/adk-escape.test.ts',
  'test/sandbox/run-leftovers.test.ts',
  'test/python/real-libraries.test.ts',
  'test/integrations/mcp-eras.test.ts',
  'test/integrations/mcp-gateway-eras.test.ts',
  'test/integrations/mcp-tasks.test.ts',
  'test/integrations/mcp-skills-folder.test.ts',
  'test/integrations/mcp-balancer.test.ts',
  'test/sandbox/restart-point.test.ts',
  'test/integrations/mcp-idle-save.test.ts',
  'test/sandbox/hostile-worker.test.ts',
  'test/integrations/mcp-state-rollback.test.ts',
  'test/integrations/mcp-state-bounds.test.ts',
  'test/sandbox/timeline.test.ts',
  'test/integrations/mcp-timeline.test.ts',
  'test/integrations/mcp-apps.test.ts',
  'test/integrations/mcp-hostile-downstream.test.ts',
  'test/sandbox/collected.test.ts',
  'test/sandbox/dropped-results.test.ts',
  'test/sandbox/deno-isolation.test.ts',
  'test/sandbox/saved-state-pauses.test.ts',
  'test/sandbox/saved-state-host-memory.test.ts',
  'test/integrations/mcp-restore-memory.test.ts',
  'test/integrations/mcp-tasks-handle.test.ts',
  'test/integrations/boot-admission.test.ts',
  'test/integrations/closing-save.test.ts',
  'test/integrations/mcp-gateway-sessions.test.ts',
  'test/bench/cpu-throttle.test.ts',
];

/**
 * Node 22, the oldest supported, runs the suites that take the library's main paths end to end
 * (runs, files, packages, code mode, the AI SDK tool, the MCP server on both transports, the packed
 * package in a new project) and those that branch on JSPI, which Node 22 lacks (the page's
 * functions, the late standard library): 65-125 s of two files at once.
 */
export const NODE22_SUBSET = [
  'test/sandbox/run.test.ts',
  'test/sandbox/files.test.ts',
  'test/sandbox/packages.test.ts',
  'test/sandbox/sandbox-functions.test.ts',
  'test/worker/late-stdlib.test.ts',
  'test/worker/blocking-wait.test.ts',
  'test/agent/local-loop.test.ts',
  'test/agent/code-mode.test.ts',
  'test/integrations/ai-sdk.test.ts',
  'test/integrations/mcp-stdio.test.ts',
  'test/integrations/mcp-http.test.ts',
  'test/package/new-user.test.ts',
];

/**
 * Node 26, the newest, with SDK 3.x, the current one: `NODE22_SUBSET` (the library's main paths
 * end to end) and the suites whose subject is the SDK's own types and calls: the agent loops
 * (generateContent, Interactions, Live), the widget's state and rendering in Node, and the
 * adapters on top (the AI SDK, the ADK, the Gemini CLI over MCP). Node 24 and 26 both have JSPI,
 * so the sandbox takes the same paths on both, and its other Node suites run on Node 24 only: the
 * full Node 26 pass took about 240 s of a 2-core machine, this one about 100. Entries are vitest
 * filters (a path's start names a folder's suites); `FIRST_PASS_ONLY` stays out.
 */
export const NODE26_SUBSET = [
  ...NODE22_SUBSET,
  'test/agent/',
  'test/ui/',
  'test/integrations/ai-sdk',
  'test/integrations/adk',
  'test/integrations/mcp-gemini-cli',
];

/**
 * `npm run test:quick`, the inner loop, leaves out the Node suites that take minutes (package
 * installs, hostile floods, second interpreters) and runs `QUICK_CHROMIUM` as its one browser pass.
 */
export const QUICK_SKIPS = [
  'test/package/examples.test.ts',
  'test/package/new-user.test.ts',
  'test/integrations/mcp-packed.test.ts',
  'test/integrations/mcp-gemini-cli.test.ts',
  'test/sandbox/hostile-worker.test.ts',
  'test/sandbox/snapshot.test.ts',
  'test/sandbox/shipped-snapshot.test.ts',
  'test/sandbox/deno-isolation.test.ts',
  'test/integrations/mcp-escape.test.ts',
  'test/integrations/adk-escape.test.ts',
];
/** The sandbox and the widget in Chromium. */
export const QUICK_CHROMIUM = ['test/browser/sandbox.browser.test.ts', 'test/ui/widget.browser.test.ts'];

const project = (name, include, exclude, groupOrder, isolate) => ({
  extends: true,
  test: {
    name,
    include,
    ...(exclude && { exclude }),
    ...(groupOrder !== undefined && { sequence: { groupOrder } }),
    ...(isolate !== undefined && { isolate }),
  },
});
const aloneFiles = ALONE.flatMap((suite) => suite.files);

/** The first pass's vitest projects, in the order they run: `ALONE`, `REST` beside `SHARED`, `EXAMPLES`. */
export function firstPassProjects() {
  return [
    ...ALONE.map((suite) => project(suite.name, suite.files, undefined, suite.round)),
    project(REST, [ALL], [...aloneFiles, ...EXAMPLES.files, ...SHARED.files], ALONE_ROUNDS),
    project(SHARED.name, SHARED.files, undefined, ALONE_ROUNDS, false),
    project(EXAMPLES.name, EXAMPLES.files, undefined, ALONE_ROUNDS + 1),
  ];
}

/** The later passes' vitest projects: the Node suites, then those of `ALONE` that run in Node (but `FIRST_PASS_ONLY`), each alone. */
export function nodePassProjects() {
  const inNode = (file) => !isBrowserSuite(file) && !FIRST_PASS_ONLY.includes(file);
  const aloneInNode = ALONE.map((suite) => ({ ...suite, files: suite.files.filter(inNode) })).filter((suite) => suite.files.length > 0);
  return [
    project('node', [ALL], [BROWSER, ...aloneFiles, ...EXAMPLES.files, ...FIRST_PASS_ONLY, ...SHARED.files], 0),
    project('node-shared', SHARED.files, FIRST_PASS_ONLY, 0, false),
    ...aloneInNode.map((suite, order) => project(suite.name, suite.files, undefined, order + 1)),
  ];
}

/** `npm run test:quick`'s projects. */
export function quickProjects() {
  return [project('node', [ALL], [BROWSER, ...QUICK_SKIPS]), project('chromium', QUICK_CHROMIUM)];
}
