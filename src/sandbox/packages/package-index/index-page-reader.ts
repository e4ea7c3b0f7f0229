/**
 * A project page's usable files. Read on a page's main thread, an 8 MB page held it for 300 ms
 * and more: `JSON.parse` cannot yield, and its garbage follows. So in browsers a throwaway worker
 * fetches, checks and parses the page, and answers in batches; the page only counts the request
 * and takes the files. Where no worker starts (Node; a CSP that forbids blob: workers; WebKit on
 * a cross-origin isolated page) the page is read here, its entries checked a slice at a time.
 */
import { Pacer } from '../../downloads/pacer.js';
import type { IndexFile } from './dependency-resolver.js';
import { checkedFile, fileEntries, pageBytes } from './index-page-files.js';
import IndexPageWorker from './index-page-worker-script.js?worker&inline';

/** What the page asks the worker: one project page (an absolute http(s) URL). */
export interface IndexPageRequest {
  url: string;
  project: string;
}

/**
 * What the worker answers: that the browser followed a redirect (one more request), then the
 * page's files in batches (the last `done`), or that the index has no such project, could not be
 * reached, or sent something that is not a page.
 */
export type IndexPageAnswer = { redirected: true } | { files: IndexFile[]; done?: true } | { absent: true } | { unreachable: string } | { error: string };

/** The index could not be reached (a network error, not an answer). */
export class IndexUnreachable extends Error {}

/** The client's request budget: `spend` throws past its bound; `refund` gives back a request not made. */
export interface RequestBudget {
  spend(): void;
  refund(): void;
}

/**
 * The usable files of `project`'s page at `url`; undefined when the index has no such project.
 * `budget` counts each request; `fetchHere` is the page's own (counted) fetch, used where no
 * worker runs. Throws `signal`'s reason once it aborts.
 */
export async function readIndexPage(
  url: string,
  project: string,
  signal: AbortSignal,
  budget: RequestBudget,
  fetchHere: () => Promise<Response>,
): Promise<IndexFile[] | undefined> {
  const inWorker = await readInWorker(url, project, signal, budget);
  if (inWorker !== 'no worker') return inWorker;
  const response = await fetchHere();
  const bytes = await pageBytes(response, url, project);
  if (!bytes) return undefined;
  const entries = fileEntries(bytes, project);
  // Tens of thousands of entries fit in a page: checked a slice at a time.
  const pacer = new Pacer(signal);
  const checked: IndexFile[] = [];
  for (const entry of entries) {
    await pacer.step();
    const file = checkedFile(entry, response.url || url);
    if (file) checked.push(file);
  }
  return checked;
}

function readInWorker(url: string, project: string, signal: AbortSignal, budget: RequestBudget): Promise<IndexFile[] | undefined | 'no worker'> {
  if (typeof Worker !== 'function') return Promise.resolve('no worker');
  let worker: Worker;
  try {
    worker = new IndexPageWorker({ name: 'python-sandbox-index-page' });
  } catch {
    return Promise.resolve('no worker'); // a CSP that throws instead of failing the load
  }
  return new Promise((resolve, reject) => {
    const files: IndexFile[] = [];
    let answered = false;
    const end = () => {
      worker.terminate();
      signal.removeEventListener('abort', aborted);
    };
    const aborted = () => {
      end();
      reject(signal.reason);
    };
    const fail = (error: unknown) => {
      end();
      reject(error);
    };
    signal.addEventListener('abort', aborted, { once: true });
    worker.onmessage = ({ data }: MessageEvent<IndexPageAnswer>) => {
      answered = true;
      try {
        if ('redirected' in data) budget.spend();
        else if ('absent' in data) end(), resolve(undefined);
        else if ('unreachable' in data) fail(new IndexUnreachable(data.unreachable));
        else if ('error' in data) fail(new Error(data.error));
        else {
          for (const file of data.files) files.push(file);
          if (data.done) end(), resolve(files);
        }
      } catch (error) {
        fail(error); // the redirect was one request too many
      }
    };
    // The script did not start (CSP, WebKit's COEP rule): the page reads it. A worker that died
    // after answering has failed the read.
    worker.onerror = (event) => {
      event.preventDefault();
      end();
      if (answered) return reject(new Error(`reading the index page of ${project} failed`));
      budget.refund();
      resolve('no worker');
    };
    try {
      budget.spend();
    } catch (error) {
      return fail(error);
    }
    worker.postMessage({ url, project } satisfies IndexPageRequest);
  });
}
