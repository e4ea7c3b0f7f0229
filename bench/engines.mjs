/**
 * Firefox and WebKit beside Chromium: first and return visits of the default sandbox against a
 * cold raw Pyodide boot, per engine, on the cross-origin isolated bench page (the engines'
 * drivers: test/support/engines/). One round: raw Pyodide in a fresh profile; the sandbox in a
 * fresh profile (first visit), then the same page reloaded (return visit: runtime and snapshot
 * from Cache Storage). Where an engine's driver drops Cache Storage on reload (WebDriver
 * sessions in WebKit may), the return visit is instead a second `create()` in the same page, and
 * the sample says so (`returnIn: 'same page'`).
 */
export async function engineVisits({ engine, site, rounds, log }) {
  const out = { raw: [], first: [], return: [] };
  const url = `${site.origin}/bench/pages/bench.html`;
  const inFreshPage = async (fn) => {
    const page = await engine.open(url, 'bench');
    try {
      return await fn(page);
    } finally {
      await page.close();
    }
  };
  for (let round = 0; round < rounds; round++) {
    log(`${engine.name} visits, round ${round + 1}/${rounds}`);
    out.raw.push({ ...(await inFreshPage((page) => page.call('visit', 'raw'))), round });
    await inFreshPage(async (page) => {
      out.first.push({ ...(await page.call('visit', 'sandbox', {})), round });
      await page.reload();
      let again = await page.call('visit', 'sandbox', {});
      let returnIn = 'reloaded page';
      if (again.bootPath !== 'snapshot') {
        again = await page.call('visit', 'sandbox', {});
        returnIn = 'same page';
      }
      out.return.push({ ...again, returnIn, round });
    });
  }
  return out;
}
