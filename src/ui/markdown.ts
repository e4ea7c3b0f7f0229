/**
 * Model text to safe HTML: Markdown (marked, GFM) sanitized with DOMPurify.
 *
 * Model output is untrusted: a prompt injection can make it emit `<script>`, `onerror=` handlers,
 * `javascript:` links, or images whose URL smuggles data out. Everything marked produces goes
 * through DOMPurify; remote images are dropped (only `data:` and `blob:` sources stay) and links
 * open in a new tab without an opener.
 */
import createDOMPurify, { type DOMPurify } from 'dompurify';
import { Marked } from 'marked';
import { highlightCode } from './highlight.js';

let markdown: Marked | undefined;
let purifier: DOMPurify | undefined;

const SANITIZE_CONFIG = {
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'option', 'iframe', 'object', 'embed', 'svg', 'math'],
  FORBID_ATTR: ['style', 'srcset', 'action', 'formaction'],
  ALLOW_DATA_ATTR: false,
};

function parser(): Marked {
  if (!markdown) {
    markdown = new Marked({
      gfm: true,
      breaks: false,
      renderer: {
        // Fenced code in prose gets the same highlighting as code cells.
        code({ text, lang }) {
          const language = (lang ?? '').split(/\s/)[0] || 'plaintext';
          return `<pre class="md-code"><code class="hljs">${highlightCode(text, language)}</code></pre>\n`;
        },
      },
    });
  }
  return markdown;
}

function sanitizer(): DOMPurify {
  if (!purifier) {
    // A private instance: hooks added here do not leak into the host page's DOMPurify.
    purifier = createDOMPurify(window);
    purifier.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A') {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer nofollow');
      }
      if (node.tagName === 'IMG' && !/^(data:image\/|blob:)/i.test(node.getAttribute('src') ?? '')) node.remove();
    });
  }
  return purifier;
}

/** Sanitized HTML for a Markdown string. Safe to insert with `unsafeHTML`. */
export function renderMarkdown(text: string): string {
  const html = parser().parse(text, { async: false });
  return sanitizer().sanitize(html, SANITIZE_CONFIG);
}
