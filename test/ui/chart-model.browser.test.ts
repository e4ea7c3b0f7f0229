/**
 * The model sees the charts its code makes, in a page too: the widget draws each chart as a PNG
 * (vega on the page's canvas, from the chart chunk) and sends it in the function response, as Node
 * draws it with resvg, while the transcript keeps the spec for the live chart. Chromium, against
 * the fake Gemini server.
 *
 * Needs the built site (`npm run build`).
 */
import { describe, expect, test } from 'vitest';
import type { CodeExecChat } from '../../src/ui/code-exec-chat/code-exec-chat.js';
import { functionResponses, reply, runPythonCall, text } from '../fake-gemini/scenarios.js';
import { lineChartSpec } from '../support/fixtures.js';
import { sendAndWait, transcriptText, useFakeGemini, waitForSandbox } from '../support/widget-page.js';

const TIMEOUT_MS = 90_000;
const world = useFakeGemini(TIMEOUT_MS);
const PNG_SIGNATURE = 'iVBORw0KGgo';

describe('a chart made in the page', { timeout: TIMEOUT_MS }, () => {
  test('reaches the model as a PNG inside the function response, and the transcript draws the live chart', async () => {
    const code = `display(${JSON.stringify(lineChartSpec(50))})\nprint("charted")`;
    world.fake.script([
      { reply: reply([runPythonCall(code)]) },
      {
        expect: (request) => {
          const [response] = functionResponses(request);
          const images = (response?.parts ?? []).filter((part) => part.inlineData?.mimeType === 'image/png');
          if (images.length !== 1 || !images[0]?.inlineData?.data?.startsWith(PNG_SIGNATURE)) throw new Error("the chart's PNG is not shown to the model");
        },
        reply: reply([text('A line of 50 points.')]),
      },
    ]);
    const context = await world.newContext({ viewport: { width: 1000, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${world.server.origin}/test/ui/pages/plain.html`);
    await page.waitForFunction(() => customElements.get('code-exec-chat'));
    await page.evaluate(() => {
      (document.querySelector('#chat0') as CodeExecChat).apiKey = 'test-key';
    });
    await waitForSandbox(page, '#chat0');
    await page.locator('#chat0 cec-composer textarea').fill('Chart it.');
    await sendAndWait(page, '#chat0');
    expect(world.fake.failures).toEqual([]);
    expect(await transcriptText(page, '#chat0')).toContain('A line of 50 points.');
    await expect.poll(() => page.locator('#chat0 cec-chart svg.marks .mark-line path').count(), { timeout: 30_000 }).toBe(1);
  });
});
