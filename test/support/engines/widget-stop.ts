import { expect } from 'vitest';

/** What stopping the widget's run left (see {@link stopWidgetRunInPage}). */
export interface StoppedWidgetRun {
  /** Model turns shown as stopped. */
  stoppedTurns: number;
  /** The transcript's text after the stop. */
  transcript: string;
  /**
   * Every run of the widget's sandbox: the first set `x`, then the stopped loop, unless the Stop
   * came before the loop reached Python (its message's first cell waits for the checkpoint of the
   * state before it, which a busy machine can take longer to make than the test waits).
   */
  runs: { outcome: string; stateLost: boolean }[];
  /** `x + 1` run in the widget's sandbox after the stop. */
  next: { result?: string; stateLost: boolean };
}

/**
 * In a page with one `<code-exec-chat>` playing test/ui/pages/stop.recording.json: sends its first
 * message (the cell sets `x = 41`), then its second (the cell loops for ever), clicks Stop while
 * that cell runs, and runs `x + 1` in the widget's sandbox. Each run's result is recorded from
 * the sandbox (a stopped run's `stateLost` never reaches the transcript). Walks shadow roots
 * itself, as the engines' drivers have no locators that pierce them; sent to the page as source
 * (`EnginePage.evaluate`): it must not use anything from this module's scope.
 */
export async function stopWidgetRunInPage(timeoutMs: number): Promise<StoppedWidgetRun> {
  const started = performance.now();
  const roots = (): (Document | ShadowRoot)[] => {
    const all: (Document | ShadowRoot)[] = [document];
    for (let i = 0; i < all.length; i++) for (const el of all[i].querySelectorAll('*')) if (el.shadowRoot) all.push(el.shadowRoot);
    return all;
  };
  const find = (selector: string) =>
    roots()
      .map((root) => root.querySelector<HTMLElement>(selector))
      .find(Boolean) ?? null;
  const count = (selector: string) => roots().reduce((sum, root) => sum + root.querySelectorAll(selector).length, 0);
  const until = async <T>(what: string, probe: () => T | null | undefined | false): Promise<T> => {
    for (;;) {
      const value = probe();
      if (value) return value;
      if (performance.now() - started > timeoutMs)
        throw new Error(`timed out waiting for ${what}; the transcript ends: ${(find('.transcript')?.innerText ?? '').slice(-500)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  type Run = (code: string, options?: unknown) => Promise<{ outcome: string; stateLost: boolean; result?: string }>;
  const chat = await until('the chat', () => document.querySelector<HTMLElement & { sandbox?: { run: Run } }>('code-exec-chat'));
  const sandbox = await until("the chat's Python", () => chat.sandbox);
  const runs: StoppedWidgetRun['runs'] = [];
  const run = sandbox.run.bind(sandbox);
  sandbox.run = async (code, options) => {
    const r = await run(code, options);
    runs.push({ outcome: r.outcome, stateLost: r.stateLost });
    return r;
  };
  const idle = () => !find('[aria-busy="true"]') && (find('cec-composer') as (HTMLElement & { busy?: boolean }) | null)?.busy === false;
  for (const message of ['first', 'second']) {
    await until(`the ${message} message in the composer`, () => (find('textarea') as HTMLTextAreaElement | null)?.value);
    (await until('an enabled Send button', () => find('button[aria-label="Send message"]:not([disabled]):not([aria-disabled="true"])'))).click();
    if (message === 'first') await until('the first answer', () => count('.cell .badge.ok') === 1 && idle());
  }
  await until('the loop to run', () => count('.cell.running') === 1);
  // Python is inside the loop, past the line that prints.
  await new Promise((resolve) => setTimeout(resolve, 300));
  (await until('the Stop button', () => find('button[aria-label="Stop"]'))).click();
  await until('the run to stop', () => count('.turn.model.stopped') === 1 && idle());
  const next = await run('x + 1');
  return {
    stoppedTurns: count('.turn.model.stopped'),
    transcript: find('.transcript')?.innerText ?? '',
    runs,
    next: { result: next.result, stateLost: next.stateLost },
  };
}

/** The stop kept the interpreter: neither run lost the state, and the next run reads `x`. */
export function expectStateKept(stopped: StoppedWidgetRun): void {
  expect(stopped.stoppedTurns).toBe(1);
  expect(stopped.runs[0]).toEqual({ outcome: 'OUTCOME_OK', stateLost: false });
  expect(stopped.runs.slice(1)).toEqual(stopped.runs.length === 2 ? [{ outcome: expect.any(String), stateLost: false }] : []);
  expect(stopped.transcript).not.toContain('Python restarted');
  expect(stopped.next).toEqual({ result: '42', stateLost: false });
}
