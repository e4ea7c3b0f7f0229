/**
 * One browser engine, as the cross-engine suite and the bench see it: a page of a given URL whose
 * API object (`window.harness` of test/browser/pages/harness.js, `window.bench` of the bench
 * page) can be called. Each engine speaks its own
 * protocol underneath (Firefox: WebDriver BiDi; WebKit: WebDriver classic).
 */
export interface EnginePage {
  /** `window[api][method](...args)` in the page; its result, or its error rethrown here. */
  call<T>(method: string, ...args: unknown[]): Promise<T>;
  /** `fn(...args)` in the page (sent as source: no closures); its awaited result. */
  evaluate<T, A extends unknown[]>(fn: (...args: A) => T | Promise<T>, ...args: A): Promise<T>;
  /** Loads the page again (a return visit: same profile, caches kept where the engine keeps them) and waits for its API. */
  reload(): Promise<void>;
  /**
   * CPU seconds used so far by the processes that run the page's content, where the harness can
   * read them (WebKit: its WebKitWebProcess).
   */
  cpuSeconds?(): number;
  close(): Promise<void>;
}

export interface Engine {
  /** As the tests are titled, e.g. 'WebKit (no SharedArrayBuffer)'. */
  name: string;
  /** What is not installed here (the suite is skipped, saying so), or undefined. */
  missing: string | undefined;
  /**
   * Opens `url` in a fresh page of a fresh profile (empty caches and storage) and waits until
   * `window[api]` (default 'harness') is installed, or `window[api + 'Error']` says why not;
   * `api: null` waits for the page's load only.
   */
  open(url: string, api?: string | null): Promise<EnginePage>;
  /** Closes the browser (pages first). */
  close(): Promise<void>;
}

/** The script a WebDriver page runs to call its API (executeAsyncScript): the result or the error, as plain data. */
export const CALL_API = `
const [api, method, args, done] = [arguments[0], arguments[1], arguments[2], arguments[arguments.length - 1]];
if (!window[api]) done({ error: window[api + 'Error'] || api + ' not installed' });
else Promise.resolve().then(() => window[api][method](...args)).then(
  (value) => done({ value: value === undefined ? null : value }),
  (error) => done({ error: String(error) + (error && error.stack ? '\\n' + error.stack : '') }));`;

/** The script a WebDriver page runs for `evaluate` (executeAsyncScript). */
export const EVALUATE = `
const [source, args, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
Promise.resolve().then(() => (0, eval)('(' + source + ')')(...args)).then(
  (value) => done({ value: value === undefined ? null : value }),
  (error) => done({ error: String(error) + (error && error.stack ? '\\n' + error.stack : '') }));`;

export type CallAnswer = { value: unknown } | { error: string };

export function unwrap<T>(answer: CallAnswer, method: string): T {
  if ('error' in answer) throw new Error(`${method}: ${answer.error}`);
  return answer.value as T;
}
