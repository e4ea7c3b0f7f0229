/**
 * A bench group's rounds in each browser engine on the tests' host page without cross-origin
 * isolation (test/browser/pages/host.html, the frozen build's): a fresh page per round, an engine
 * that is not installed named as skipped.
 */
import { testSupport } from './run-alone.mjs';

/**
 * Calls `round(page, round)` `rounds` times in Chromium, Firefox and WebKit (without
 * SharedArrayBuffer); resolves with each engine's `summarize(samples)` (what the rounds pushed
 * into the `samples` that `start()` made), or `{ skipped }`, by engine name.
 */
export async function onPlainPages({ root, rounds, log, label }, { start, round, summarize }) {
  const [{ startStaticServer }, { chromium }, { firefox }, { webkit }, { HOST_PAGE_PATH }] = await Promise.all(
    ['static-server.ts', 'engines/chromium.ts', 'engines/firefox.ts', 'engines/webkit.ts', 'browser/host-page.ts'].map(testSupport),
  );
  const server = await startStaticServer({ root, crossOriginIsolated: false });
  const engines = {};
  try {
    for (const engine of [chromium(), firefox(), webkit({ sharedArrayBuffer: false })]) {
      if (engine.missing) {
        engines[engine.name] = { skipped: engine.missing };
        continue;
      }
      const samples = start();
      try {
        for (let n = 0; n < rounds; n++) {
          log(`${label}, ${engine.name}, round ${n + 1}/${rounds}`);
          const page = await engine.open(`${server.origin}${HOST_PAGE_PATH}`);
          try {
            await round(page, n, samples);
          } finally {
            await page.close();
          }
        }
      } finally {
        await engine.close();
      }
      engines[engine.name] = summarize(samples);
    }
  } finally {
    await server.close();
  }
  return engines;
}
