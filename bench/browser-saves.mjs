/**
 * Saved state in each browser engine, on a page without cross-origin isolation (most static
 * hosts): the save the widget makes after each answer (the worker's work is the restart point's
 * idle save too) and the restore a widget reload makes (a booted sandbox given the saved bytes),
 * for an idle session and one holding ~36 MB (`list(range(1_000_000))`). Per engine and session:
 * the save's time and packed bytes, the restore's time, and the longest pause of the page's main
 * thread during each (sampled every 10 ms, as the floods suite does). Runs on the tests' host page
 * (test/browser/pages/host.html) with the bench's frozen build.
 *
 * Alone: `node bench/browser-saves.mjs` (after `npm run build`; `BENCH_QUICK=1` for one round).
 * In the whole bench: `BENCH_ONLY=browser-saves npm run bench`.
 */
import { onPlainPages } from './plain-page-engines.mjs';
import { runAloneIfMain } from './run-alone.mjs';
import { median } from './suite.mjs';

export const BROWSER_SAVES_COUNTS = { rounds: 3 };
export const BROWSER_SAVES_QUICK_COUNTS = { rounds: 1 };

const SESSIONS = {
  idle: { code: 'x = 41', check: 'x + 1' },
  '36 MB': { code: 'x = 41\ndata = list(range(1_000_000))', check: 'x + len(data) // 1_000_000' },
};

/** Every sample, by engine and session; `root`: the frozen build's (frozen-build.mjs). */
export async function benchBrowserSaves({ root, counts, log }) {
  const engines = await onPlainPages(
    { root, rounds: counts.rounds, log, label: 'browser saves' },
    {
      start: () => Object.fromEntries(Object.keys(SESSIONS).map((name) => [name, []])),
      round: async (page, n, samples) => {
        for (const [name, session] of Object.entries(SESSIONS)) samples[name].push(await measure(page, `${name}-${n}`, session));
      },
      summarize: (samples) => Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, summarize(s)])),
    },
  );
  return { counts, engines };
}

/** One save and its restore into a second sandbox of the same page, each with the page's longest pause. */
async function measure(page, id, { code, check }) {
  // No restart points: their own idle saves would run beside the measured one.
  const options = { restartPoints: false };
  await page.call('create', options, id);
  const ran = await page.call('run', code, {}, id);
  if (ran.outcome !== 'OUTCOME_OK') throw new Error(`${code}: ${ran.outcome}`);
  await page.call('whenIdle', id);
  const during = async (fn) => {
    await page.call('watchStalls');
    const value = await fn();
    return { value, pauseMs: await page.call('longestStallMs') };
  };
  const save = await during(() => page.call('saveState', id, id));
  const into = `${id}-restored`;
  await page.call('create', options, into);
  await page.call('whenIdle', into);
  const restore = await during(() => page.call('restoreState', id, {}, into));
  if ('error' in restore.value) throw new Error(`restore: ${restore.value.error.message}`);
  const back = await page.call('run', check, {}, into);
  if (back.result !== '42') throw new Error(`the restored session read ${back.result ?? back.error?.message}, not 42`);
  return { saveMs: save.value.ms, bytes: save.value.bytes, savePauseMs: save.pauseMs, restoreMs: restore.value.ms, restorePauseMs: restore.pauseMs };
}

function summarize(samples) {
  const of = (key) => Math.round(median(samples.map((s) => s[key])));
  return {
    samples,
    saveMs: of('saveMs'),
    bytes: of('bytes'),
    savePauseMs: of('savePauseMs'),
    restoreMs: of('restoreMs'),
    restorePauseMs: of('restorePauseMs'),
  };
}

/** The Markdown table (medians). */
export function browserSavesTable(results) {
  if (!results) return '';
  const rows = [
    `### Saved state in the browser engines, plain page (${results.counts.rounds} rounds, medians)`,
    '',
    '| engine | session | save | packed | longest pause (save) | restore | longest pause (restore) |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const [engine, sessions] of Object.entries(results.engines)) {
    if (sessions.skipped) {
      rows.push(`| ${engine} | skipped: ${sessions.skipped} | | | | | |`);
      continue;
    }
    for (const [name, s] of Object.entries(sessions))
      rows.push(
        `| ${engine} | ${name} | ${s.saveMs} ms | ${(s.bytes / 2 ** 20).toFixed(2)} MiB | ${s.savePauseMs} ms | ${s.restoreMs} ms | ${s.restorePauseMs} ms |`,
      );
  }
  return rows.join('\n');
}

await runAloneIfMain(import.meta.url, {
  bench: benchBrowserSaves,
  table: browserSavesTable,
  counts: BROWSER_SAVES_COUNTS,
  quickCounts: BROWSER_SAVES_QUICK_COUNTS,
});
