/**
 * The accessibility suite: axe-core (injected into the page; it walks open
 * shadow roots by itself) over the widget in each state people meet it in, light and dark, on a
 * third-party-like page with its own `header`, `main` and `h1` (test/ui/pages/host.html), and
 * the demo page's scratchpad. Violations of impact moderate or above fail, listed with their nodes.
 *
 * Needs the built site (`npm run build`).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { expectNoViolations } from '../support/axe.js';
import { launchChromium } from '../support/chromium.js';
import { type StaticServer, startStaticServer } from '../support/static-server.js';
import { DIST, SERVE_ROOT, blockNonLocal, pickDemo, requireBuild, sendAndWait, waitForSandbox } from '../support/widget-page.js';

const TIMEOUT_MS = 120_000;
const HOST = '/test/ui/pages/host.html';
const PLAIN = '/test/ui/pages/plain.html';
const DEMOS = '/dist/demos/index.json';
let browser: Browser;
let site: StaticServer;
let root: StaticServer;
let context: BrowserContext | undefined;

beforeAll(async () => {
  requireBuild();
  [browser, site, root] = await Promise.all([
    launchChromium(),
    startStaticServer({ root: DIST, crossOriginIsolated: true }),
    startStaticServer({ root: SERVE_ROOT, crossOriginIsolated: true }),
  ]);
}, TIMEOUT_MS);

afterAll(async () => {
  await Promise.all([browser?.close(), site?.close(), root?.close()]);
});

afterEach(async () => {
  await context?.close();
  context = undefined;
});

async function open(url: string, colorScheme: 'light' | 'dark', options: { reducedMotion?: 'reduce'; forcedColors?: 'active' } = {}): Promise<Page> {
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme, ...options });
  await blockNonLocal(context);
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => Boolean(customElements.get('code-exec-chat')));
  return page;
}

function hostPage(colorScheme: 'light' | 'dark', query = `demos-url=${DEMOS}`): Promise<Page> {
  return open(`${root.origin}${HOST}?${query}`, colorScheme);
}

/** Plays a demo from the welcome's picker to its answer. */
async function playDemo(page: Page, id: string): Promise<void> {
  await waitForSandbox(page, '#chat0');
  await expect.poll(() => page.locator('#chat0 .welcome cec-demo-picker button[data-demo]').count(), { timeout: 20_000 }).toBe(3);
  await pickDemo(page, id, '#chat0');
  await sendAndWait(page, '#chat0');
}

/** CSS transitions still running in the page and in every shadow root. */
function runningTransitions(): number {
  const roots: (Document | ShadowRoot)[] = [document];
  for (const root of roots) for (const el of root.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
  return roots.flatMap((root) => root.getAnimations()).filter((a) => a instanceof CSSTransition && a.playState === 'running').length;
}

/**
 * Axe in the light theme, then in the dark one, on the same page: the themes are CSS media
 * queries, so once the switch's transitions (120 ms) have ended the page is what a fresh page in
 * that scheme shows, for one Python boot and one played demo instead of two.
 */
async function expectNoViolationsInEitherTheme(page: Page): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    // 120 ms of transitions, but a saturated machine once kept one running past the default 1 s.
    await expect.poll(() => page.evaluate(runningTransitions), { timeout: 15_000 }).toBe(0);
    await expectNoViolations(page);
  }
}

describe('axe, light and dark themes: no violation of impact moderate or above', { timeout: TIMEOUT_MS }, () => {
  test('the welcome, embedded in a page with its own header, main and h1', async () => {
    const page = await hostPage('light');
    await expect.poll(() => page.locator('#chat0 .welcome cec-demo-picker button[data-demo]').count(), { timeout: 20_000 }).toBe(3);
    await expectNoViolationsInEitherTheme(page);
  });

  test('a played chart demo (sales), then its figure enlarged in its dialog', async () => {
    const page = await hostPage('light');
    await playDemo(page, 'sales');
    expect(await page.locator('#chat0 img.figure').count()).toBeGreaterThan(0);
    await expectNoViolationsInEitherTheme(page);
    await page.locator('#chat0 button.enlarge').first().click();
    await expect.poll(() => page.locator('#chat0 dialog.figure-viewer').evaluate((d) => (d as HTMLDialogElement).open)).toBe(true);
    await expectNoViolationsInEitherTheme(page);
  });

  test('a played download demo (loan)', async () => {
    const page = await hostPage('light');
    await playDemo(page, 'loan');
    expect(await page.locator('#chat0 a.file').count()).toBeGreaterThan(0);
    await expectNoViolationsInEitherTheme(page);
  });

  test('the welcome after a message sent without a key (its note and the focused key field)', async () => {
    const page = await hostPage('light');
    await page.locator('#chat0 cec-composer textarea').fill('What is 2 + 2?');
    await page.locator('#chat0 cec-composer textarea').press('Enter');
    await expect.poll(() => page.locator('#chat0 .welcome .need-key').count()).toBe(1);
    await expectNoViolationsInEitherTheme(page);
  });

  test('the settings dialog open', async () => {
    const page = await hostPage('light');
    await page.locator('#chat0 button[aria-label="Settings"]').click();
    await expect.poll(() => page.locator('#chat0 cec-settings dialog').evaluate((d) => (d as HTMLDialogElement).open)).toBe(true);
    await expectNoViolationsInEitherTheme(page);
  });

  test('the demo page with its scratchpad, its keyboard hint shown', async () => {
    const page = await open(`${site.origin}/index.html`, 'light');
    await waitForSandbox(page);
    expect(await page.locator('python-scratchpad .hint').isVisible()).toBe(true);
    await page.locator('python-scratchpad textarea').fill('print(6 * 7)');
    await page.locator('python-scratchpad button[aria-label="Run code"]').click();
    await expect.poll(() => page.locator('python-scratchpad pre.output').innerText()).toContain('42');
    await expectNoViolationsInEitherTheme(page);
  });
});

describe('screen readers', { timeout: TIMEOUT_MS }, () => {
  /** Every element in the widget's shadow roots that a screen reader treats as live: `[aria-live]`, status, alert, log. */
  function liveRegions(page: Page): Promise<{ role: string; inTranscript: boolean; text: string }[]> {
    return page.evaluate(() => {
      const found: { role: string; inTranscript: boolean; text: string }[] = [];
      const walk = (root: ShadowRoot, inTranscript: boolean) => {
        for (const el of root.querySelectorAll('*')) {
          const inside = inTranscript || Boolean(el.closest('.transcript'));
          const role = el.getAttribute('role') ?? '';
          if (el.hasAttribute('aria-live') || ['status', 'alert', 'log'].includes(role))
            found.push({ role: role || `aria-live=${el.getAttribute('aria-live')}`, inTranscript: inside, text: (el.textContent ?? '').trim().slice(0, 60) });
          if (el.shadowRoot) walk(el.shadowRoot, inside);
        }
      };
      walk(document.querySelector('#chat0')!.shadowRoot!, false);
      return found;
    });
  }

  /**
   * These only read the page a played answer leaves, so they share one: a played demo is a Python
   * boot and a conversation (about 7 s of two loaded cores each).
   */
  describe('after a played answer', () => {
    let played: Promise<Page> | undefined;
    let playedContext: BrowserContext | undefined;
    /** The page with the played answer, played in the first test that asks (expect.poll needs a test). */
    const playedPage = () =>
      (played ??= (async () => {
        const page = await hostPage('light');
        // Taken from the per-test `context` (closed after each test): this one is closed after the block.
        [playedContext, context] = [context, undefined];
        await playDemo(page, 'primes');
        return page;
      })());
    afterAll(async () => {
      await playedContext?.close();
    });

    test('the transcript is not a live region and holds none', async () => {
      const page = await playedPage();
      expect(await page.locator('#chat0 .transcript').getAttribute('aria-live')).toBeNull();
      expect((await liveRegions(page)).filter((region) => region.inTranscript)).toEqual([]);
    });

    test('each turn is headed by who speaks, one level below the title', async () => {
      const chat = (await playedPage()).locator('#chat0');
      expect(await chat.getByRole('heading', { name: 'Python chat', level: 2 }).count()).toBe(1);
      expect(await chat.locator('.transcript').getByRole('heading', { name: 'You', exact: true, level: 3 }).count()).toBe(1);
      expect(await chat.locator('.transcript').getByRole('heading', { name: 'Gemini', exact: true, level: 3 }).count()).toBe(1);
    });

    test('code and output boxes are in the tab order and named', async () => {
      const boxes = await (await playedPage())
        .locator('#chat0 .transcript :is(pre.code, pre.output)')
        .evaluateAll((els) => els.map((el) => ({ tabIndex: (el as HTMLElement).tabIndex, name: el.getAttribute('aria-label') })));
      expect(boxes.length).toBeGreaterThan(1);
      expect(boxes.filter((box) => box.tabIndex !== 0 || !box.name)).toEqual([]);
    });
  });

  test('one polite status region announces the phases: "Running code", then "Answer ready"', async () => {
    const page = await hostPage('light');
    await waitForSandbox(page, '#chat0');
    await expect.poll(() => page.locator('#chat0 .welcome cec-demo-picker button[data-demo]').count(), { timeout: 20_000 }).toBe(3);
    await pickDemo(page, 'primes', '#chat0');
    const regions = await liveRegions(page);
    expect(regions.map((region) => region.role)).toEqual(['status']);
    // Records what the region says each time it changes, as a screen reader would hear it.
    await page.evaluate(() => {
      const region = document.querySelector('#chat0')!.shadowRoot!.querySelector('[role=status]')!;
      const said: string[] = ((window as unknown as { said: string[] }).said = []);
      new MutationObserver(() => {
        const text = (region.textContent ?? '').trim();
        if (text && said.at(-1) !== text) said.push(text);
      }).observe(region, { childList: true, subtree: true, characterData: true });
    });
    await sendAndWait(page, '#chat0');
    const said = await page.evaluate(() => (window as unknown as { said: string[] }).said);
    expect(said).toContain('Running code');
    expect(said.at(-1)).toBe('Answer ready');
    // Phases, not the transcript: a handful of short messages, no code and no partial sentences.
    expect(said.length).toBeLessThanOrEqual(8);
  });

  test("heading-level sets the title's level, and the welcome's heading is one below", async () => {
    const page = await hostPage('light', `heading-level=4&demos-url=${DEMOS}`);
    const chat = page.locator('#chat0');
    await expect.poll(() => chat.getByRole('heading', { name: 'Python chat', level: 4 }).count()).toBe(1);
    expect(await chat.getByRole('heading', { name: 'Ask a question that needs code', level: 5 }).count()).toBe(1);
  });

  test('in a sidebar, the widget adds no main landmark and no h1 to the page', async () => {
    const page = await hostPage('light');
    await expect.poll(() => page.locator('#chat0 .welcome cec-demo-picker button[data-demo]').count(), { timeout: 20_000 }).toBe(3);
    // The page's own: one main, one h1.
    expect(await page.getByRole('main').count()).toBe(1);
    expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
  });

  test('straight in the body of a page without landmarks, the widget adds none: no main, banner or contentinfo', async () => {
    const page = await open(`${root.origin}${PLAIN}`, 'light');
    await page.waitForFunction(() => Boolean(document.querySelector('#chat0')?.shadowRoot?.querySelector('.transcript')));
    expect({
      main: await page.getByRole('main').count(),
      banner: await page.getByRole('banner').count(),
      contentinfo: await page.getByRole('contentinfo').count(),
    }).toEqual({ main: 0, banner: 0, contentinfo: 0 });
  });

  test('straight in the body of a page, the open settings dialog adds no banner', async () => {
    const page = await open(`${root.origin}${PLAIN}`, 'light');
    await page.locator('#chat0 button[aria-label="Settings"]').click();
    await expect.poll(() => page.locator('#chat0 cec-settings dialog').evaluate((d) => (d as HTMLDialogElement).open)).toBe(true);
    // The chat's own title bar is no banner either (see the test above); this is the dialog's head.
    expect(await page.locator('#chat0 cec-settings dialog').getByRole('banner').count()).toBe(0);
  });
});

describe('contrast', { timeout: TIMEOUT_MS }, () => {
  for (const scheme of ['light', 'dark'] as const) {
    test(`${scheme}: outcome badges and code token colours reach 4.5:1 on their backgrounds`, async () => {
      const page = await open(`${root.origin}${HOST}`, scheme);
      await page.waitForFunction(() => Boolean(document.querySelector('#chat0')?.shadowRoot?.querySelector('.transcript .column')));
      // A cell drawn with the widget's own styles, every badge tone and token kind in it (a demo shows only some).
      const below = await page.evaluate(() => {
        const column = document.querySelector('#chat0')!.shadowRoot!.querySelector('.transcript .column')!;
        const probe = document.createElement('div');
        probe.innerHTML = `<div class="cell"><div class="cell-head">${['ok', 'failed', 'timeout', 'running', 'idle'].map((tone) => `<span class="badge ${tone}">${tone}</span>`).join('')}</div><pre class="code"><code class="hljs">${['comment', 'string', 'number', 'keyword', 'title', 'built_in', 'meta'].map((kind) => `<span class="hljs-${kind}">${kind}</span>`).join(' ')}</code></pre></div>`;
        column.append(probe);
        const rgb = (colour: string) => (colour.match(/[\d.]+/g) ?? []).map(Number);
        const luminance = ([r, g, b]: number[]) => {
          const [R, G, B] = [r!, g!, b!].map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4));
          return 0.2126 * R! + 0.7152 * G! + 0.0722 * B!;
        };
        const backdrop = (el: Element): string => {
          for (let at: Element | null = el; at; at = at.parentElement ?? (at.getRootNode() as ShadowRoot).host ?? null) {
            const colour = getComputedStyle(at).backgroundColor;
            if (rgb(colour)[3] !== 0) return colour;
          }
          return 'rgb(255, 255, 255)';
        };
        const found: string[] = [];
        for (const el of probe.querySelectorAll('.badge, [class^="hljs-"]')) {
          const [a, b] = [luminance(rgb(getComputedStyle(el).color)), luminance(rgb(backdrop(el)))];
          const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
          if (ratio < 4.5) found.push(`${el.className} ${ratio.toFixed(2)}:1`);
        }
        probe.remove();
        return found;
      });
      expect(below).toEqual([]);
    });
  }
});

describe('motion and forced colours', { timeout: TIMEOUT_MS }, () => {
  /** The animation of a spinner and a typing dot drawn with the widget's own styles. */
  function animations(page: Page): Promise<{ spinner: string; typing: string }> {
    return page.evaluate(() => {
      const column = document.querySelector('#chat0')!.shadowRoot!.querySelector('.transcript .column')!;
      const probe = document.createElement('div');
      probe.innerHTML = '<span class="spinner"></span><div class="typing"><span></span><span></span><span></span></div>';
      column.append(probe);
      const result = {
        spinner: getComputedStyle(probe.querySelector('.spinner')!).animationName,
        typing: getComputedStyle(probe.querySelector('.typing span')!).animationName,
      };
      probe.remove();
      return result;
    });
  }

  test('with prefers-reduced-motion, the spinner and the typing dots stand still', async () => {
    const page = await open(`${root.origin}${HOST}`, 'light', { reducedMotion: 'reduce' });
    await page.waitForFunction(() => Boolean(document.querySelector('#chat0')?.shadowRoot?.querySelector('.transcript .column')));
    expect(await animations(page)).toEqual({ spinner: 'none', typing: 'none' });
  });

  for (const scheme of ['light', 'dark'] as const) {
    test(`in forced-colours mode (${scheme}), the selected execution mode looks different from the other`, async () => {
      const page = await open(`${root.origin}${HOST}`, scheme, { forcedColors: 'active' });
      const radios = page.locator('#chat0 .segmented [role=radio]');
      await expect.poll(() => radios.count()).toBe(2);
      // Marked = something visible sets it off from what is behind it: an outline, a border, or a
      // background other than its surroundings' (forced colours drop shadows and turn both to Canvas).
      const marked = await radios.evaluateAll((buttons) => {
        const transparent = (colour: string) => colour === 'transparent' || /rgba\(.*,\s*0\)$/.test(colour);
        const backdrop = (start: Element | null): string => {
          for (let el = start; el; el = el.parentElement ?? (el.getRootNode() as ShadowRoot).host ?? null) {
            const colour = getComputedStyle(el).backgroundColor;
            if (!transparent(colour)) return colour;
          }
          return 'Canvas';
        };
        return Object.fromEntries(
          buttons.map((b) => {
            const style = getComputedStyle(b);
            const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 && !transparent(style.outlineColor);
            const border = style.borderTopStyle !== 'none' && parseFloat(style.borderTopWidth) > 0 && !transparent(style.borderTopColor);
            return [b.getAttribute('aria-checked'), outline || border || backdrop(b) !== backdrop(b.parentElement)];
          }),
        );
      });
      expect(marked).toEqual({ true: true, false: false });
    });
  }
});
