/** What a played demo left on the page. */
export interface PlayedDemo {
  /** The transcript's text. */
  transcript: string;
  /** Cells whose outcome is OK. */
  okBadges: number;
  /** Elements in rendered answers that could load something: media, frames, styles, backgrounds, links and fake headings. */
  loaders: number;
}

/**
 * Plays a recorded demo of the widget inside the page: the `id` demo's button on the demo page,
 * or, with `id` null, the demo the page's widget was given (`?demo=`). The engines' drivers have
 * no locators that pierce shadow roots, so this walks them itself. Sent to the page as source
 * (`EnginePage.evaluate`): it must not use anything from this module's scope.
 */
export async function playDemoInPage(id: string | null, timeoutMs: number): Promise<PlayedDemo> {
  const started = performance.now();
  /** The first element matching `selector` in the document or any shadow root under it. */
  const find = (selector: string): HTMLElement | null => {
    const roots: (Document | ShadowRoot)[] = [document];
    while (roots.length > 0) {
      const root = roots.shift()!;
      const hit = root.querySelector<HTMLElement>(selector);
      if (hit) return hit;
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
    }
    return null;
  };
  const until = async <T>(what: string, probe: () => T | null | undefined | false): Promise<T> => {
    for (;;) {
      const value = probe();
      if (value) return value;
      if (performance.now() - started > timeoutMs) {
        const shown = (find('.transcript')?.innerText ?? '').slice(-500);
        throw new Error(`timed out waiting for ${what}; the transcript ends: ${shown}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const chat = await until('the chat', () => document.querySelector<HTMLElement & { sandbox?: unknown }>('code-exec-chat'));
  await until("the chat's Python", () => chat.sandbox);
  if (id !== null) (await until(`the ${id} demo's button`, () => find(`button[data-demo="${id}"]`))).click();
  await until('the demo prompt', () => (find('textarea') as HTMLTextAreaElement | null)?.value);
  (await until('an enabled Send button', () => find('button[aria-label="Send message"]:not([disabled]):not([aria-disabled="true"])'))).click();
  await until('the message on its way', () => find('[data-entry]'));
  await until('the answer', () => !find('[aria-busy="true"]') && (find('cec-composer') as (HTMLElement & { busy?: boolean }) | null)?.busy === false);
  const transcript = find('.transcript');
  // Whatever a late element might load has had a moment to ask.
  await new Promise((resolve) => setTimeout(resolve, 500));
  let okBadges = 0;
  let loaders = 0;
  const roots: (Document | ShadowRoot)[] = [document];
  while (roots.length > 0) {
    const root = roots.shift()!;
    okBadges += root.querySelectorAll('.cell .badge.ok').length;
    loaders += root.querySelectorAll(
      '.md :is(video, audio, source, track, picture, object, embed, iframe, frame, link, meta, base, input, svg, image, marquee), .md [background], .md [style], .md [srcset], .md [poster], .md [ping]',
    ).length;
    loaders += [...root.querySelectorAll('.md a')].filter((a) => /canary|127\.0\.0\.1/.test(a.getAttribute('href') ?? '')).length;
    loaders += [...root.querySelectorAll('.md :is(h1, h2, h3)')].filter((h) => /session expired/i.test(h.textContent ?? '')).length;
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
  }
  return { transcript: transcript?.innerText ?? '', okBadges, loaders };
}
