/**
 * The attributes of `<code-exec-chat>`: each one's property, its name in HTML, and what it does.
 * Lit turns the map into reactive accessors on the element; the interface types and documents them.
 */
import type { ExecutionMode, GeminiApi } from '../../agent/index.js';
import { SUGGESTED_MODEL } from '../../agent/model-name.js';

/**
 * The model used when the `model` attribute is absent: an alias Google does not retire, since an
 * embedded widget outlives any pinned model version.
 */
export const DEFAULT_MODEL = SUGGESTED_MODEL;

/** Lit's property declarations for {@link ChatAttributes}. */
export const chatProperties = {
  model: { type: String, attribute: 'model' },
  liveModel: { type: String, attribute: 'live-model' },
  execution: { type: String, attribute: 'execution' },
  api: { type: String, attribute: 'api' },
  pyodideUrl: { type: String, attribute: 'pyodide-url' },
  packagesUrl: { type: String, attribute: 'packages-url' },
  packageIndex: { type: String, attribute: 'package-index' },
  workerUrl: { type: String, attribute: 'worker-url' },
  apiKey: { type: String, attribute: 'api-key' },
  baseUrl: { type: String, attribute: 'base-url' },
  demo: { type: String, attribute: 'demo' },
  demosUrl: { type: String, attribute: 'demos-url' },
  theme: { type: String, attribute: 'theme', reflect: true },
  heading: { type: String, attribute: 'heading' },
  headingLevel: { type: Number, attribute: 'heading-level' },
  storageKey: { type: String, attribute: 'storage-key' },
  persist: { type: String, attribute: 'persist' },
} as const;

/** The element's attribute-backed properties (see `CodeExecChat`). */
export interface ChatAttributes {
  /** Gemini model name. */
  model: string;
  /** The Gemini Live model the microphone button talks to (default `gemini-3.8-live`). */
  liveModel: string;
  /** Where the model's code runs: `local` (this browser) or `server` (Gemini's code execution tool). */
  execution: ExecutionMode;
  /**
   * The Gemini API messages go through: `generateContent` (the default) or `interactions`.
   * Recorded demos replay on generateContent, the API they were recorded on. An Interactions
   * conversation's steps are saved with it and continue after a reload; across a change of API or
   * of where code runs the model starts afresh (the transcript stays). It cannot be saved as a demo.
   */
  api: GeminiApi;
  /** Folder with Pyodide's runtime files (`indexURL`). Default: `pyodide/` beside the widget script. */
  pyodideUrl: string | undefined;
  /** Where package wheels come from (`packageBaseUrl`). Default: the Pyodide CDN. */
  packagesUrl: string | undefined;
  /**
   * The Python package index Settings offers for imports the lock file does not provide
   * (`packageIndex`); the reader turns it on there (off by default, remembered in this browser).
   * Default: PyPI. `none`: Settings offers no index.
   */
  packageIndex: string | undefined;
  /** The sandbox worker script. Default: `worker.js` beside the widget script. */
  workerUrl: string | undefined;
  /**
   * The page's Gemini API key. Prefer setting the property from script: an `api-key` attribute is
   * visible in the page's HTML to anyone who can read it. The page's key is held in memory only,
   * never stored. A key the reader enters in the widget (the welcome or Settings) replaces it (this
   * property becomes `''`) and is kept in `localStorage` only when they tick "Remember on this
   * device". No key goes into a URL or to the sandbox.
   */
  apiKey: string;
  /** Gemini API base URL (e.g. a proxy that adds the key server-side). Default: Google's endpoint. */
  baseUrl: string | undefined;
  /** URL of a recorded demo to load (a `code-exec-chat/recording@1` JSON file). */
  demo: string | undefined;
  /** URL of a demo index (`[{ id, title, description, url }]`): offers the demos as a picker. */
  demosUrl: string | undefined;
  /** `light`, `dark`, or absent to follow the OS setting. */
  theme: 'light' | 'dark' | 'auto' | undefined;
  /** Title in the header. */
  heading: string;
  /**
   * The level of the title's heading (default 2: the host page keeps its own `h1`); the welcome and
   * each turn ("You", "Gemini") are headed one level below it.
   */
  headingLevel: number;
  /**
   * Under which key this widget's conversation is kept in the page's IndexedDB. Default: the
   * element's `id`, else `default`. Give each widget of a site its own key.
   */
  storageKey: string | undefined;
  /**
   * `off`: keep nothing in the browser's storage (the conversation lasts as long as the page);
   * `conversation`: keep the conversation but not Python's state (a reload starts Python afresh).
   */
  persist: string | undefined;
}
