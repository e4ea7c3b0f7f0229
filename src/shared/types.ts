/**
 * Public types shared by every layer: the sandbox handle, the agent loop and the UI.
 * Types only; no runtime code lives here.
 */

/**
 * The outcomes a local run can have: the @google/genai `Outcome` values less `OUTCOME_UNSPECIFIED`
 * (spelled out, so the sandbox's types need no @google/genai; parts.ts checks they match).
 */
export type RunOutcome = 'OUTCOME_OK' | 'OUTCOME_FAILED' | 'OUTCOME_DEADLINE_EXCEEDED';

/** Charts (Vega-Lite specs as JSON text) one run returns at most; the worker skips more, with a note. */
export interface ChartLimits {
  /** Charts per run. */
  maxCharts: number;
  /** Characters of one chart's JSON text (ASCII: characters are bytes). */
  maxChartChars: number;
  /** Characters of all of one run's charts together. */
  maxTotalChartChars: number;
}

/** An exception raised by the user's code. User errors are data on the result, never thrown. */
export interface PythonErrorInfo {
  /** Exception class name, e.g. `ZeroDivisionError`. */
  name: string;
  /** `str(exception)`. */
  message: string;
  /** Traceback trimmed to the user's own frames (no Pyodide or sandbox internals). */
  traceback: string;
}

/** An image the code produced (a matplotlib figure, or an object passed to `display()`). */
export interface ImageOutput {
  mimeType: string;
  /** Base64, without a `data:` prefix. */
  data: string;
}

/** The media types of a chart: a Vega-Lite spec of version 5 or 6. */
export type ChartMimeType = 'application/vnd.vegalite.v5+json' | 'application/vnd.vegalite.v6+json';

/**
 * A chart the code produced: a Vega-Lite spec passed to `display()` (a dict, or an object whose
 * `_repr_mimebundle_` gives one, as Altair's does), or such an object as the cell's last
 * expression. The host checked it before handing it on (`checkChart`): inline data only, nothing
 * it names is fetched, no links or user metadata, bounded expressions, size and nesting.
 */
export interface ChartOutput {
  mimeType: ChartMimeType;
  /** The spec as JSON text, as checked (what was removed is in `note`). */
  spec: string;
  /** What the host removed from the spec, or why it could not draw it, one sentence; absent when neither. */
  note?: string;
  /**
   * The chart drawn as a PNG for a model that sees images, where the host draws charts (Node:
   * `drawCharts`); absent until then. A renderer that knows charts draws the spec instead.
   */
  image?: ImageOutput;
}

/**
 * A file the run created or changed in the working directory. Its place is `path`, as for an
 * attachment and in `listFiles()`.
 */
export interface FileOutput {
  /** Path relative to the working directory, `/`-separated. */
  path: string;
  mimeType: string;
  /**
   * Base64 contents (a result is plain JSON data); `fileOutputBytes(file)` decodes them. Empty
   * when `omitted` says why.
   */
  data: string;
  /** Size in bytes of the file in the sandbox. */
  size: number;
  /** Set when the contents were not returned (over `limits.maxFileBytes`). */
  omitted?: string;
}

/** One piece of live output. */
export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  text: string;
}

/** What one `run` returns. Mirrors Gemini's `codeExecutionResult` plus what a UI needs. */
export interface RunResult {
  outcome: RunOutcome;
  /** stdout and stderr interleaved in the order written (capped, head and tail kept). */
  output: string;
  stdout: string;
  stderr: string;
  /** Set when the code raised (or was stopped, or the interpreter died). */
  error?: PythonErrorInfo;
  /** `repr()` of the trailing expression's value, REPL style, when there is one and it is not None. */
  result?: string;
  images: ImageOutput[];
  /** Charts (Vega-Lite), checked by the host; a refused one is left out, with a note in the output. */
  charts: ChartOutput[];
  files: FileOutput[];
  /** True when the interpreter was replaced during this run: globals from earlier runs are gone. */
  stateLost: boolean;
  durationMs: number;
  /** The sandbox's count of runs, this one's: 1 for its first (a fork counts its own). `Checkpoint.run` names the run a checkpoint holds. */
  run?: number;
  /**
   * Set on the first result after the sandbox's state went back to an earlier one (a `rewind`, or
   * the first run of a `fork`): what this run started from. Work done after that state is gone here.
   */
  restoredFrom?: RestoredFrom;
}

/** Where a run's state came from when it went back to an earlier one (`RunResult.restoredFrom`). */
export interface RestoredFrom {
  /** `checkpoint`: `rewind(id)`; `fork`: this sandbox is a fork; `save`: a saved state older than the work before it. */
  source: 'checkpoint' | 'fork' | 'save';
  /** The checkpoint's id, when the state is one. */
  id?: string;
  /** When that state was saved (ISO 8601). */
  savedAt: string;
  /** One sentence for a person or a model: what the state is, and that later work is gone. */
  note: string;
}

/** One kept state of the interpreter and its working directory, right after a run (`PythonSandbox.checkpoints()`). */
export interface Checkpoint {
  /** What `rewind` and `fork` take; unique within the sandbox, never reused. */
  id: string;
  /** The last run the state holds (`RunResult.run`); 0: the state the sandbox started from (`savedState`, a fork). */
  run: number;
  /** Its packed size, held in memory. */
  bytes: number;
  /** When it was saved (ISO 8601). */
  savedAt: string;
}

/** `SandboxOptions.checkpoints`: the most checkpoints kept, by count and by packed bytes; the oldest go first. */
export interface CheckpointBounds {
  /** Default 20. */
  maxCount?: number;
  /** Default 64 MiB. */
  maxBytes?: number;
}

/** Resource limits, one object. Units are in the names. */
export interface SandboxLimits {
  /** Wall time per run (Gemini's server-side limit is 30 s). */
  timeoutMs: number;
  /** Output bytes kept per run (head and tail); more is cut with a visible note. */
  maxOutputBytes: number;
  /** Largest single file returned in `RunResult.files`. */
  maxFileBytes: number;
  /** All files returned by one run together; also what the handle keeps of runs' files to restore into a replaced interpreter. */
  maxTotalFileBytes: number;
  /**
   * WebAssembly memory the interpreter may keep after a run. Wasm memory never shrinks, so an
   * interpreter over this is replaced after the run (freeing it; the run reports `stateLost`).
   * A single allocation past ~4 GB fails inside the run as `MemoryError`.
   */
  maxMemoryBytes: number;
  /** Python's recursion limit. */
  recursionLimit: number;
  /**
   * After an interrupt, how long Python gets to stop before the worker is terminated. Counted in
   * time the host ran: where the host's timers come late for want of CPU (the worker is as short of
   * it), the grace lasts longer on the wall, at most ten times as long.
   */
  interruptGraceMs: number;
  /** Python boot must finish within this, or `create()` fails. */
  bootTimeoutMs: number;
  /**
   * How long the worker may take to answer a file call or `reset()`, and to take a run it was
   * sent. A worker that does not is taken as hung or gone: it is replaced and the call fails.
   * Counted in time the host ran, as `interruptGraceMs` is.
   */
  callTimeoutMs: number;
  /**
   * How long one call of a `RunOptions.functions` handler may take; then Python's call raises and
   * the handler's signal aborts. The wait for a function's `confirm` does not count: a person may
   * take long, so only the run's own deadline and a stop bound it.
   */
  functionTimeoutMs: number;
  /** Calls of `RunOptions.functions` one run may make; the call over it raises in Python and its handler does not run. */
  maxFunctionCalls: number;
  /** Handlers of `RunOptions.functions` running at once; calls over it wait their turn (so `asyncio.gather` of many still works). */
  maxConcurrentFunctionCalls: number;
}

/** Progress while Python or packages load. */
export interface LoadProgress {
  phase: 'boot' | 'packages' | 'ready';
  message: string;
  /**
   * While a boot downloads Pyodide's runtime and the shipped snapshot (browsers): bytes received
   * so far and the expected total, as they come over the wire (compressed files count compressed).
   */
  bytes?: { loaded: number; total: number };
}

/** How the current interpreter started: from the boot snapshot, a full boot, or from a saved state (`savedState`, `restoreState`, a restart point). */
export type BootPath = 'snapshot' | 'fresh' | 'saved';

/** Where Pyodide and its packages come from. All optional: defaults work in Node and browsers. */
export interface PyodideSource {
  /** Folder (URL or, in Node, path) with `pyodide.mjs`, `pyodide.asm.wasm`, `python_stdlib.zip`. Default: the copy shipped beside the library. */
  indexURL?: string;
  /** Where wheels are fetched. Default: the official CDN of the exact Pyodide version. */
  packageBaseUrl?: string;
  /** A custom lock file (URL); default: the one in `indexURL`. */
  lockFileURL?: string;
  /** A custom lock file's JSON text (wins over `lockFileURL`). */
  lockFileContents?: string;
}

/**
 * Where boot snapshots are kept. `auto` (default): Cache Storage in browsers (about 16 MB, and
 * with frame isolation also Pyodide's 13 MB runtime, which the host hands to the frame), memory
 * in Node. `memory`: this page or process only. `{ directory }`: files in that folder (Node).
 * `off`: none.
 */
export type SnapshotCache = 'auto' | 'memory' | 'off' | { directory: string };

export interface SandboxOptions extends PyodideSource {
  /** Override the worker script (rarely needed: it is found beside the library). */
  workerUrl?: string | URL;
  limits?: Partial<SandboxLimits>;
  /** Boot and package-load progress. */
  onProgress?: (progress: LoadProgress) => void;
  /** Restore Python from a memory snapshot instead of booting it (about 5x faster). Default `auto`. */
  snapshotCache?: SnapshotCache;
  /**
   * Restore the first boot from the snapshot built into the package when `snapshotCache` holds
   * none yet (a first visit): about 0.6 s instead of a 2.5 s boot, for 3.7 MB more to download.
   * Default true; used only with the package's own runtime (not with `indexURL`), and only if it
   * fits this exact build (otherwise Python boots normally).
   */
  shippedSnapshot?: boolean;
  /**
   * Keep a second interpreter booted, so that a restart after a kill takes ~30 ms instead of a
   * restore from the snapshot (~0.35–0.5 s), for about 90 MB of memory. `true`: from the start.
   * `false`: never. `'auto'` (default): from the start where a stop must terminate the worker
   * (a page that is not cross-origin isolated, in an engine without JSPI) and `restartPoints`
   * are off (kept, a stop restores the point instead), and in Node (but for a sandbox that keeps
   * `checkpoints` or restart points: it stages a worker for restores from its first run instead,
   * see below); where
   * `interrupt()` keeps the interpreter (a cross-origin isolated page, or JSPI's yields), only
   * after the first replacement (code that ignored KeyboardInterrupt, C code that never returns
   * to Python, a fatal error, the memory limit). Unless `false`, a sandbox that has restored a
   * saved interpreter (`rewind`, a stop that restored a restart point) also keeps a worker staged
   * for the next restore, started after the next run: Pyodide loaded and waiting for the state, so
   * that restore waits only for the state to be written (Chromium: about 0.15 s instead of
   * 0.5-0.7 s; a Node worker thread 0.1 s instead of 0.3-0.5 s; states over 16 MiB in Node boot a
   * worker of their own). With `true` (and Node's `'auto'`), a sandbox that keeps `checkpoints` or
   * restart points stages one from its first run, so its first restore is as fast.
   */
  warmSpare?: boolean | 'auto';
  /**
   * Save the interpreter when the sandbox is idle after a run (once it has been idle for 100 ms,
   * and not when another call is queued by then), and keep it in memory (packed: ~0.1 MB for an idle
   * session, the pages that differ from the boot snapshot), so that a stop or crash that must replace the worker restores it: the variables from
   * before the stopped run come back, and the run reports `stateLost: false` with a note that what
   * it changed is undone (`stateLost: true` if runs since the save are undone too). `true`,
   * `false`, or `'auto'` (default): where a stop cannot keep the interpreter (a page that is not
   * cross-origin isolated, in an engine without JSPI: every stop replaces the worker); elsewhere a
   * replacement is rare and each save holds the worker ~20-50 ms (Node; longer in a page).
   */
  restartPoints?: boolean | 'auto';
  /**
   * Start from a saved interpreter (`saveState`'s bytes, of this build): one boot, where
   * `create()` then `restoreState(bytes)` boots twice. Checked as `restoreState` checks them
   * (default bounds); refused or failed bytes reject `create` with `SandboxStateError`.
   */
  savedState?: Uint8Array;
  /**
   * Keep a checkpoint after runs, for `rewind` and `fork` (see `PythonSandbox.checkpoints`): the
   * interpreter and its working directory saved (as `saveState` saves them) when the sandbox is
   * idle after a run, the same save a restart point makes, so never between a run and its
   * answer nor between runs sent back to back (those share one checkpoint, after the last).
   * `true`: up to 20, and up to 64 MiB packed; bounds of your own; `false` (default): none.
   */
  checkpoints?: boolean | CheckpointBounds;
  /**
   * Where Python runs, and so what its code can reach (see SECURITY.md and docs/node.md).
   *
   * Browsers: `frame` (default): the worker runs in a sandboxed, opaque-origin iframe whose
   * Content Security Policy allows no network; the host hands in Pyodide and serves wheels.
   * `worker`: a plain same-origin worker (trusted code only).
   *
   * Node: `worker` (default, and what `frame` means there): a worker thread, no boundary at all
   * (trusted code only: Python can reach files, environment, network and processes through `js`).
   * `deno`: a Deno process whose permissions are the boundary: no file outside the runtime's
   * folders, no environment variable, no network, no subprocess, unless `deno` opens them. For
   * untrusted code; needs Deno (`npm install deno`, or `deno.path`).
   */
  isolation?: 'frame' | 'worker' | 'deno';
  /** With `isolation: 'deno'` (Node): where Deno is and what the process may reach beyond the runtime. */
  deno?: DenoBoundary;
  /**
   * Packages to download as soon as the runtime is known (in parallel with the first runs), e.g.
   * `['numpy', 'pandas', 'matplotlib']`. Imports are still loaded on demand; this only starts the
   * downloads early. Isolated (browser) mode.
   */
  preloadPackages?: string[];
  /**
   * A Python package index (PEP 691 JSON simple API root, e.g. `https://pypi.org/simple/`) for
   * imports the lock file does not provide, or `false` (default): off. The host resolves such an
   * import (the import name, or the distribution a small table maps it to, e.g. `docx` →
   * `python-docx`) and its dependencies from the index, downloads each wheel, checks it against the
   * index's SHA-256, and loads it before the code runs; only pure-Python and Pyodide-platform wheels
   * install. Off by default: the names the code imports reach the index's server, a channel the
   * code chooses (see SECURITY.md). The index must answer with CORS in browsers.
   */
  packageIndex?: string | false;
}

/**
 * What a Deno process running Python (`isolation: 'deno'`) may reach beyond the package's own
 * runtime files. Everything is closed unless listed here.
 */
export interface DenoBoundary {
  /** The Deno executable. Default: the `deno` npm package beside this one, else `deno` on the PATH. */
  path?: string;
  /** Network access: `true` for any host, or a list of `host` / `host:port`. Default: none. */
  allowNet?: boolean | readonly string[];
  /**
   * Folders (absolute paths) the process may also read; Python reads them with `fetch` of their
   * `file:` URLs (the worker has neither `Deno` nor `process`, so nothing can write). Default: none.
   */
  allowRead?: readonly string[];
}

/** The options of one `run()`. */
export interface RunOptions {
  /** Overrides `limits.timeoutMs` for this run. */
  timeoutMs?: number;
  /** Aborting stops the run (same path as `interrupt()`). */
  signal?: AbortSignal;
  /** Live output while the code runs; everything also lands in the result. */
  onOutput?: (chunk: OutputChunk) => void;
  /**
   * The page's functions this run's Python may call, as `await default_api.name(...)` (see
   * {@link SandboxFunction}). Checked when the run starts: a bad entry throws before anything runs.
   */
  functions?: readonly SandboxFunction[];
}

/**
 * A function of the page that the sandbox's Python calls with `await default_api.<name>(...)`.
 * Arguments and results cross as JSON; arguments are checked against `parameters` before the
 * handler runs.
 */
export interface SandboxFunction {
  /** An ASCII Python identifier, not a keyword, not starting with `_`, none of `default_api`'s own names (`AwaitRequired`, `FunctionCallError`, `search_tools`). */
  name: string;
  /** Shown by Python's `help()`. */
  description?: string;
  /** A JSON Schema for the arguments object (`type: 'object'`, `properties`, `required`); positional arguments follow `properties`' order. */
  parameters?: Record<string, unknown>;
  /**
   * Runs the call. Its value is sent back as JSON (`undefined` is `None`); a throw becomes
   * `default_api.FunctionCallError` in Python with its message. `signal` aborts when the call times
   * out (`limits.functionTimeoutMs`) or the run is stopped or ends.
   */
  handler(args: Record<string, unknown>, context: { signal: AbortSignal }): unknown;
  /**
   * Asked before each call's handler runs, once the call has passed the host's checks (name, size,
   * JSON, schema): only `true` lets it run. `false` (or anything else) and a throw keep the handler
   * from running, and Python's call raises `default_api.FunctionCallError` saying the user declined
   * (for a throw: its message). Omit it for a function that needs no approval (one that only reads).
   */
  confirm?: ConfirmCall;
}

/**
 * The approval of one call from the sandbox's Python, before its handler runs: `call` is the
 * function's name and its checked arguments; `signal` aborts when the run is stopped or ends (its
 * deadline bounds the wait, `limits.functionTimeoutMs` does not). Resolve `true` to let it run.
 * The arguments come from the model's code: show them to a person as text, never as markup.
 */
export type ConfirmCall = (call: { name: string; args: Record<string, unknown> }, context: { signal: AbortSignal }) => boolean | PromiseLike<boolean>;

/** Options of one `readFile` call. */
export interface ReadFileOptions {
  /**
   * The most bytes the file may have. A larger one is refused inside the interpreter before any
   * of it is copied, and the call rejects with `SandboxFileTooLargeError` (its `size` says how
   * large). Without it, and never above it, the bound is 128 MiB, the most one message from the
   * worker may carry: a larger file is refused the same way, and the interpreter keeps its state.
   */
  maxBytes?: number;
}

/** An entry of `listFiles()`. */
export interface FileInfo {
  path: string;
  size: number;
}
