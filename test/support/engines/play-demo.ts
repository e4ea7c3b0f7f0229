/**
 * Plays a recorded demo of the widget on the demo page, inside the page: the engines' drivers
 * have no locators that pierce shadow roots, so this walks them itself. Sent to the page as
 * source (`EnginePage.evaluate`): it must not use anything from this module's scope.
 */
export async function playDemoInPage(id: string, timeoutMs: number): Promise<{ transcript: string; okBadges: number }> {
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
        const shown = (find('main.transcript')?.innerText ?? '').slice(-500);
        throw new Error(`timed out waiting for ${what}; the transcript ends: ${shown}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const chat = await until('the chat', () => document.querySelector<HTMLElement & { sandbox?: unknown }>('code-exec-chat'));
  await until("the chat's Python", () => chat.sandbox);
  (await until(`the ${id} demo's button`, () => find(`button[data-demo="${id}"]`))).click();
  await until('the demo prompt', () => (find('textarea') as HTMLTextAreaElement | null)?.value);
  (await until('an enabled Send button', () => find('button[aria-label="Send message"]:not([disabled])'))).click();
  await until('the message on its way', () => find('[data-entry]'));
  await until('the answer', () => !find('[aria-busy="true"]') && (find('cec-composer') as (HTMLElement & { busy?: boolean }) | null)?.busy === false);
  const transcript = find('main.transcript');
  const badges: Element[] = [];
  const roots: (Document | ShadowRoot)[] = [document];
  while (roots.length > 0) {
    const root = roots.shift()!;
    badges.push(...root.querySelectorAll('.cell .badge.ok'));
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
  }
  return { transcript: transcript?.innerText ?? '', okBadges: badges.length };
}
