/**
 * Model text to safe HTML: Markdown (marked, GFM) sanitized with DOMPurify.
 *
 * Model output is untrusted: a prompt injection can make it emit `<script>`, `onerror=` handlers,
 * `javascript:` links, or images whose URL smuggles data out. Everything marked produces goes
 * through DOMPurify with an allowlist that has no element or attribute that loads a resource;
 * images stay only with `data:`/`blob:` sources, and links (http, https, mailto) open in a new tab
 * without an opener.
 */
import createDOMPurify, { type DOMPurify } from 'dompurify';
import { Marked } from 'marked';
import { highlightCode } from './highlight.js';

let markdown: Marked | undefined;
let purifier: DOMPurify | undefined;

/**
 * An allowlist: the elements and attributes marked's GFM output uses, and nothing that loads a
 * resource by itself (no media, `background`, `srcset`, `poster`, `style`, `<link>`, `<base>`…).
 * Images stay only with `data:`/`blob:` sources and links only to http(s)/mailto (see the hook).
 */
const SANITIZE_CONFIG = {
  ALLOWED_TAGS: ['p', 'br', 'hr', 'b', 'i', 'u', 's', 'mark', 'small', 'abbr', 'dl', 'dt', 'dd', 'details', 'summary', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'ul', 'ol', 'li', 'strong', 'em', 'del', 'code', 'pre', 'span', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'sup', 'sub', 'kbd'],
  ALLOWED_ATTR: ['href', 'title', 'alt', 'src', 'class', 'align', 'start'],
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#|data:image\/|blob:)/i,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
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
        if (!/^(?:https?:|mailto:|#)/i.test(node.getAttribute('href') ?? '')) node.removeAttribute('href');
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
