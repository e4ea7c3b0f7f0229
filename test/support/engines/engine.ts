/**
 * One browser engine, as the cross-engine suite sees it: a page of a given URL whose
 * `window.harness` (test/browser/pages/harness.js) can be called. Each engine speaks its own
 * protocol underneath (Firefox: WebDriver BiDi; WebKit: WebDriver classic).
 */
export interface EnginePage {
  /** `window.harness[method](...args)` in the page; its result, or its error rethrown here. */
  call<T>(method: string, ...args: unknown[]): Promise<T>;
  close(): Promise<void>;
}

export interface Engine {
  /** As the tests are titled, e.g. 'WebKit (no SharedArrayBuffer)'. */
  name: string;
  /** What is not installed here (the suite is skipped, saying so), or undefined. */
  missing: string | undefined;
  /** Opens `url` in a fresh page and waits until its harness is installed. */
  open(url: string): Promise<EnginePage>;
  /** Closes the browser (pages first). */
  close(): Promise<void>;
}

/** The script a WebDriver page runs to call its harness (executeAsyncScript): the result or the error, as plain data. */
export const CALL_HARNESS = `
const [method, args, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
if (!window.harness) done({ error: window.harnessError || 'harness not installed' });
else Promise.resolve().then(() => window.harness[method](...args)).then(
  (value) => done({ value: value === undefined ? null : value }),
  (error) => done({ error: String(error) + (error && error.stack ? '\\n' + error.stack : '') }));`;

export type CallAnswer = { value: unknown } | { error: string };

export function unwrap<T>(answer: CallAnswer, method: string): T {
  if ('error' in answer) throw new Error(`harness.${method}: ${answer.error}`);
  return answer.value as T;
}
