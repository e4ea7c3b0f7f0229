// @vitest-environment jsdom
/**
 * The widget's Settings offer the package index: off until the reader turns it on,
 * naming the server the package names go to, and remembered in this browser.
 */
import { afterEach, describe, expect, test } from 'vitest';
import '../../src/ui/cec-settings/define.js';
import type { CecSettings } from '../../src/ui/cec-settings/cec-settings.js';
import { PackageIndexChoice } from '../../src/ui/package-index-choice.js';

// Node 25+ has a localStorage of its own (undefined without --localstorage-file), and vitest puts
// no jsdom global over one that exists: these tests use jsdom's, as a page would have.
const { jsdom } = globalThis as unknown as { jsdom: { window: Window } };
Object.defineProperty(globalThis, 'localStorage', { value: jsdom.window.localStorage, configurable: true });

afterEach(() => {
  document.body.replaceChildren();
  localStorage.clear();
});

async function settings(attributes: Record<string, string>): Promise<CecSettings> {
  const element = document.createElement('cec-settings') as CecSettings;
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  document.body.append(element);
  await element.updateComplete;
  return element;
}

describe('the package index in Settings', () => {
  test('is off by default and names the host the package names are sent to', async () => {
    const element = await settings({ 'package-index': 'https://pypi.org/simple/' });
    const box = element.shadowRoot!.querySelector<HTMLInputElement>('input[name="package-index"]')!;
    expect(box.checked).toBe(false);
    expect(element.shadowRoot!.textContent).toContain('sent to pypi.org');
  });

  test('says the choice when the reader turns it on', async () => {
    const element = await settings({ 'package-index': 'https://pypi.org/simple/' });
    const chosen: boolean[] = [];
    element.addEventListener('cec-package-index-change', (e) => chosen.push(e.detail.on));
    const box = element.shadowRoot!.querySelector<HTMLInputElement>('input[name="package-index"]')!;
    box.click();
    expect(chosen).toEqual([true]);
  });

  test('offers nothing when the page names no index', async () => {
    const element = await settings({});
    expect(element.shadowRoot!.querySelector('input[name="package-index"]')).toBeNull();
  });

  test('the choice is remembered in this browser, and off until made', () => {
    expect(new PackageIndexChoice().on).toBe(false);
    new PackageIndexChoice().set(true);
    expect(new PackageIndexChoice().on).toBe(true);
    new PackageIndexChoice().set(false);
    expect(new PackageIndexChoice().on).toBe(false);
  });
});
