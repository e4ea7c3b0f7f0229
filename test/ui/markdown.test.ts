// @vitest-environment jsdom
/**
 * Model Markdown is styled only by what the transcript allows: the model cannot put the widget's
 * own classes (the drop overlay, the error banner, badges, notices) on what it writes.
 */
import { describe, expect, test } from 'vitest';
import { renderMarkdown } from '../../src/ui/markdown.js';

function render(markdown: string): HTMLElement {
  const host = document.createElement('div');
  host.innerHTML = renderMarkdown(markdown);
  return host;
}

/** Every class on every element, joined. */
function classesIn(host: HTMLElement): string[] {
  return [...host.querySelectorAll('[class]')].flatMap((element) => [...element.classList]);
}

describe('model Markdown cannot wear the widget chrome', () => {
  const chrome = [
    '<p class="drop">Drop files to attach them</p>',
    '<div class="error">Your API key expired. <a href="https://evil.example/">Re-enter it here</a></div>',
    '<span class="badge ok">ok</span>',
    '<p class="notice">Session expired</p>',
    '<p class="error">Your API key expired.</p>',
    '<p class="frame title-bar top">header</p>',
    '<details class="thought"><summary class="md">Thinking</summary></details>',
  ].join('\n\n');

  test('no element of model-written HTML keeps a class', () => {
    const host = render(chrome);
    expect(host.textContent).toContain('Drop files to attach them');
    expect(classesIn(host)).toEqual([]);
  });

  test("the model cannot forge the code block's own classes", () => {
    const host = render('<pre class="md-code"><code class="hljs"><span class="hljs-keyword">fake</span></code></pre>');
    expect(host.textContent).toContain('fake');
    expect(classesIn(host)).toEqual([]);
  });

  test('a fenced code block still gets its highlighting', () => {
    const host = render('Look:\n\n```python\ndef f():\n    return 1\n```\n');
    const pre = host.querySelector('pre');
    expect(pre?.className).toBe('md-code');
    expect(pre?.querySelector('code')?.className).toBe('hljs');
    expect(pre?.querySelector('.hljs-keyword')?.textContent).toBe('def');
    expect(pre?.textContent).toBe('def f():\n    return 1');
  });

  test('a fenced block inside model HTML is highlighted and its surroundings are not', () => {
    const host = render('<div class="error">\n\n```python\nreturn 1\n```\n\n</div>');
    expect(host.querySelector('.error')).toBeNull();
    expect(host.querySelector('pre.md-code .hljs-keyword')?.textContent).toBe('return');
  });

  test('a fenced block whose text is the placeholder format stays text', () => {
    // The model does not know the render's nonce, so text shaped like a placeholder is just text.
    const host = render('```\ncec-code-0\n```\n\ncec-code-0');
    expect(host.querySelectorAll('pre')).toHaveLength(1);
    expect(host.textContent).toContain('cec-code-0');
  });
});
