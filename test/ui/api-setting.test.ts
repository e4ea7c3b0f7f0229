// @vitest-environment jsdom
/**
 * The widget's Settings offer the API messages go through: a labelled native select, showing
 * the current choice and saying the reader's; while a demo plays it says demos replay on
 * generateContent.
 */
import { afterEach, describe, expect, test } from 'vitest';
import '../../src/ui/cec-settings/define.js';
import type { CecSettings } from '../../src/ui/cec-settings/cec-settings.js';

afterEach(() => {
  document.body.replaceChildren();
});

async function settings(properties: Partial<Pick<CecSettings, 'api' | 'demoPlaying'>> = {}): Promise<CecSettings> {
  const element = Object.assign(document.createElement('cec-settings') as CecSettings, properties);
  document.body.append(element);
  await element.updateComplete;
  return element;
}

const select = (element: CecSettings) => element.shadowRoot!.querySelector<HTMLSelectElement>('select[name="api"]')!;

describe('the API in Settings', () => {
  test('is a select labelled API, described by its hint, on generateContent by default', async () => {
    const element = await settings();
    const control = select(element);
    expect(control.closest('label')?.textContent).toMatch(/^\s*API/);
    expect(control.value).toBe('generateContent');
    expect([...control.options].map((option) => [option.value, option.textContent])).toEqual([
      ['generateContent', 'generateContent'],
      ['interactions', 'Interactions'],
    ]);
    expect(element.shadowRoot!.getElementById(control.getAttribute('aria-describedby')!)?.textContent).toContain('starts the model afresh');
  });

  test("shows the current choice and says the reader's", async () => {
    const element = await settings({ api: 'interactions' });
    const control = select(element);
    expect(control.value).toBe('interactions');
    const chosen: string[] = [];
    element.addEventListener('cec-api-change', (e) => chosen.push(e.detail.api));
    control.value = 'generateContent';
    control.dispatchEvent(new Event('change'));
    expect(chosen).toEqual(['generateContent']);
  });

  test('says that a demo replays on generateContent while one plays', async () => {
    const element = await settings({ api: 'interactions', demoPlaying: true });
    expect(element.shadowRoot!.getElementById('api-hint')?.textContent).toContain('replay on generateContent');
  });
});
