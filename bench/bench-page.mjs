/** Chromium side of the bench: browser contexts and the bench page (pages/bench.html) in them. */

/**
 * Runs `fn(context)` in a fresh browser context: empty HTTP cache, code cache and Cache Storage,
 * i.e. a first visit. Pages opened in the same context are return visits.
 */
export async function withContext(browser, fn) {
  const context = await browser.newContext();
  try {
    return await fn(context);
  } finally {
    await context.close();
  }
}

/**
 * Opens the bench page in `context`, runs `fn(page)`, closes the page (which ends its workers).
 * `log` receives the page's `bench …` console lines; `beforeGoto(page)` runs before it loads.
 */
export async function withBenchPage(context, site, fn, log, beforeGoto, { isolated = true } = {}) {
  const page = await context.newPage();
  try {
    await beforeGoto?.(page);
    if (log) page.on('console', (message) => message.text().startsWith('bench ') && log(message.text().slice(6)));
    await page.goto(`${site.origin}/bench/pages/bench.html`);
    await page.waitForFunction(() => window.bench ?? window.benchError);
    const state = await page.evaluate(() => ({ error: window.benchError, isolated: crossOriginIsolated }));
    if (state.error) throw new Error(`bench page failed to load: ${state.error}`);
    if (state.isolated !== isolated) throw new Error(`bench page is ${state.isolated ? '' : 'not '}cross-origin isolated`);
    return await fn(page);
  } finally {
    await page.close();
  }
}

/** The bench page in a fresh context of its own; `options.isolated: false` for a page served without COOP/COEP. */
export function withFreshBenchPage(browser, site, fn, log, options) {
  return withContext(browser, (context) => withBenchPage(context, site, fn, log, undefined, options));
}
