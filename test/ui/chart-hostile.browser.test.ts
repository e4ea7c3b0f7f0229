/**
 * Hostile charts in a page, in Chromium: a saved conversation (IndexedDB, which anything on the
 * page could have written, so no run checked it) whose charts name outside URLs and a
 * `javascript:` link, nest 10,000 deep, are 50 MB, call an expression function whose cost grows
 * with its arguments, or ask for a billion bins. The widget draws the first without those parts
 * and says so under it, and refuses the rest with a one-line note; the canary gets no request, no
 * script of the spec's runs, and the page pauses no more than 1 s beyond its pause with an honest
 * chart, measured in the same run.
 *
 * Needs the built site (`npm run build`).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { expectNoViolations } from '../support/axe.js';
import { type CanaryServer, startCanaryServer } from '../support/canary-server.js';
import { lineChartSpec } from '../support/chart-specs.js';
import { useStaticServer } from '../support/use-static-server.js';
import { SERVE_ROOT, putConversation, useChromium } from '../support/widget-page.js';

const TIMEOUT_MS = 150_000;
const V6 = 'application/vnd.vegalite.v6+json';
/** How much longer than with an honest chart the page may pause with the hostile ones. */
const PAUSE_ALLOWANCE_MS = 1000;

const chromiumPages = useChromium(TIMEOUT_MS);
const site = useStaticServer({ root: SERVE_ROOT, crossOriginIsolated: true });
let canary: CanaryServer;
beforeAll(async () => {
  canary = await startCanaryServer();
});
afterAll(() => canary?.close());

/** What the page's init script keeps: its longest pause, and what a followed `javascript:` link of a spec would set. */
declare global {
  interface Window {
    __pwned?: boolean;
    __longestPauseMs: number;
  }
}

/** The hostile specs, built in the page (the 50 MB one is not sent over the driver's channel). */
type Specs = { name: string; spec?: unknown; text?: 'deep' | 'huge' }[];

function hostileSpecs(canaryUrl: string): Specs {
  const wave = lineChartSpec(100);
  return [
    {
      name: 'outside',
      spec: {
        title: 'Outside parts',
        data: { url: `${canaryUrl}/data.csv` },
        layer: [
          {
            data: { values: [{ x: 1, y: 2 }] },
            mark: 'point',
            encoding: { x: { field: 'x' }, y: { field: 'y' }, href: { value: 'javascript:window.top.__pwned=true' } },
          },
          { data: { values: [{ x: 1, y: 2 }] }, mark: { type: 'image', url: `${canaryUrl}/i.png` }, encoding: { url: { value: `${canaryUrl}/j.png` } } },
        ],
      },
    },
    { name: 'deep', text: 'deep' },
    { name: 'huge', text: 'huge' },
    { name: 'costly expression', spec: { ...wave, transform: [{ calculate: 'length(sequence(0, 1e12))', as: 'n' }] } },
    {
      name: 'a billion bins',
      spec: { ...wave, mark: 'bar', encoding: { x: { field: 'x', bin: { step: 1e-7 }, type: 'quantitative' }, y: { aggregate: 'count' } } },
    },
  ];
}

/** Writes a saved conversation of one message whose answer shows `specs`, as the widget's own store keeps it. */
async function saveConversation(page: Page, specs: Specs): Promise<void> {
  await page.evaluate(
    async ({ specs, V6 }) => {
      const textOf = (entry: Specs[number]) =>
        entry.text === 'deep'
          ? '['.repeat(10_000) + ']'.repeat(10_000)
          : entry.text === 'huge'
            ? `{"mark":"point","data":{"values":[${'1,'.repeat(25_000_000)}1]}}`
            : JSON.stringify(entry.spec);
      const parts = [
        { executableCode: { code: 'display(chart)', language: 'PYTHON' } },
        { codeExecutionResult: { outcome: 'OUTCOME_OK', output: '' } },
        ...specs.map((entry) => ({ inlineData: { mimeType: V6, data: btoa(textOf(entry)) } })),
      ];
      (window as unknown as { __conversationRecord: unknown }).__conversationRecord = {
        format: 'code-exec-chat/conversation@1',
        savedAt: Date.now(),
        execution: 'local',
        entries: [
          { kind: 'user', text: 'Chart it.', attachments: [] },
          { kind: 'model', state: 'done', live: [], parts },
        ],
        history: [],
        sent: [{ text: 'Chart it.', attachments: [] }],
      };
    },
    { specs, V6 },
  );
  await page.evaluate(putConversation);
}

/** Each chart of the transcript once it is drawn or refused: its outcome and the note under it. */
function chartOutcomes(): { drawn: boolean; note: string }[] {
  const chat = document.querySelector('#chat0')!.shadowRoot!;
  return [...chat.querySelectorAll('cec-chart')].map((chart) => ({
    drawn: chart.querySelector('figure.cec-chart svg.marks') !== null,
    note: (chart.querySelector('.chart-note, .cec-chart-note') as HTMLElement | null)?.innerText ?? '',
  }));
}

/** Loads the host page again (the widget restores the saved conversation) and waits until `count` charts are drawn or refused; returns the page's longest pause meanwhile. */
async function reloadAndSettle(page: Page, count: number): Promise<{ pauseMs: number; outcomes: ReturnType<typeof chartOutcomes> }> {
  await page.goto(`${site.server.origin}/test/ui/pages/host.html`);
  await expect.poll(() => page.evaluate(chartOutcomes).then((all) => all.filter((chart) => chart.drawn || chart.note).length), { timeout: 60_000 }).toBe(count);
  // A frame more for what the last chart's drawing left to do.
  await page.waitForTimeout(300);
  return { pauseMs: await page.evaluate(() => window.__longestPauseMs), outcomes: await page.evaluate(chartOutcomes) };
}

describe('hostile charts in a saved conversation, in Chromium', () => {
  test(
    'are drawn without their outside parts or refused, each with a note; nothing is fetched or run, and the page pauses no more than with an honest chart',
    async () => {
      const { context } = await chromiumPages.open({ viewport: { width: 1280, height: 900 } });
      // The page's longest gap between 10 ms ticks, from its first script on.
      await context.addInitScript(() => {
        window.__longestPauseMs = 0;
        let last = performance.now();
        setInterval(() => {
          const now = performance.now();
          window.__longestPauseMs = Math.max(window.__longestPauseMs, now - last);
          last = now;
        }, 10);
      });
      const page = await context.newPage();
      await page.goto(`${site.server.origin}/test/ui/pages/host.html`);
      await page.waitForFunction(() => customElements.get('code-exec-chat'));

      await saveConversation(page, [{ name: 'honest', spec: lineChartSpec(1000) }]);
      const honest = await reloadAndSettle(page, 1);
      expect(honest.outcomes).toEqual([{ drawn: true, note: '' }]);

      const specs = hostileSpecs(canary.origin);
      await saveConversation(page, specs);
      canary.reset();
      const hostile = await reloadAndSettle(page, specs.length);
      await page.waitForTimeout(300); // a request in flight would arrive by now
      const [outside, deep, huge, costly, bins] = hostile.outcomes;
      expect(outside.drawn).toBe(true);
      expect(outside.note).toMatch(
        /^This chart was drawn without parts: removed what a chart may not hold .*: data\.url, layer\[0\]\.encoding\.href, layer\[1\]\.mark\.url, layer\[1\]\.encoding\.url\.$/,
      );
      expect(deep).toEqual({ drawn: false, note: 'The chart was refused: the spec nests deeper than 64 levels.' });
      expect(huge.drawn).toBe(false);
      expect(huge.note).toMatch(/^The chart was refused: the spec is [\d,]+ characters, over the limit of [\d,]+\.$/);
      expect(costly).toEqual({
        drawn: false,
        note: 'The chart was refused: the expression at transform[0].calculate calls sequence, which charts may not use.',
      });
      expect(bins.drawn).toBe(false);
      expect(bins.note).toMatch(/^The chart was refused: encoding\.x\.bin makes over 100,000 bins/);

      expect(canary.hits).toEqual([]);
      expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
      const javascriptLinks = await page.evaluate(() => document.querySelector('#chat0')!.shadowRoot!.querySelectorAll('a[href^="javascript:" i]').length);
      expect(javascriptLinks).toBe(0);
      expect(hostile.pauseMs, `longest pause ${Math.round(hostile.pauseMs)} ms; with an honest chart ${Math.round(honest.pauseMs)} ms`).toBeLessThan(
        honest.pauseMs + PAUSE_ALLOWANCE_MS,
      );
      await expectNoViolations(page);
    },
    TIMEOUT_MS,
  );
});
