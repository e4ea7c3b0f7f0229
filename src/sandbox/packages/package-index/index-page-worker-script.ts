/**
 * The index-page worker's script (see index-page-reader.ts): fetches one project page as the
 * page would (package-fetch.ts's request options), checks and parses it, and answers with its
 * usable files a batch at a time, so the page that takes them never deserializes more than a
 * batch in one task. Built into the library inline (Vite's `?worker&inline`).
 */
import { packageRequestInit } from '../../downloads/package-fetch.js';
import { checkedFile, fileEntries, PAGE_ACCEPT, pageBytes } from './index-page-files.js';
import type { IndexPageAnswer, IndexPageRequest } from './index-page-reader.js';

/** Files per message: a few milliseconds of structured-clone work for the page. */
const BATCH = 2_000;

const post = (answer: IndexPageAnswer) => postMessage(answer);

addEventListener('message', async (event: MessageEvent<IndexPageRequest>) => {
  const { url, project } = event.data;
  let response: Response;
  try {
    response = await fetch(url, packageRequestInit(PAGE_ACCEPT, undefined));
  } catch (error) {
    return post({ unreachable: (error as Error)?.message ?? String(error) });
  }
  if (response.redirected) post({ redirected: true });
  try {
    const bytes = await pageBytes(response, url, project);
    if (!bytes) return post({ absent: true });
    const entries = fileEntries(bytes, project);
    let batch: NonNullable<ReturnType<typeof checkedFile>>[] = [];
    for (const entry of entries) {
      const file = checkedFile(entry, response.url || url);
      if (file) batch.push(file);
      if (batch.length === BATCH) {
        post({ files: batch });
        batch = [];
      }
    }
    post({ files: batch, done: true });
  } catch (error) {
    post({ error: (error as Error).message });
  }
});
