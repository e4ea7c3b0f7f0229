/**
 * Model text to safe HTML: Markdown (marked, GFM) sanitized with DOMPurify.
 *
 * Model output is untrusted: a prompt injection can make it emit `<script>`, `onerror=` handlers,
 * `javascript:` links, or images whose URL smuggles data out. Everything marked produces goes
 * through DOMPurify with an allowlist that has no element or attribute that loads a resource;
 * images stay only with `data:`/`blob:` sources, and links (http, https, mailto) open in a new tab
 * without an opener. No `class` either: the Markdown is drawn inside the widget's shadow root, where
 * a model-written `class="error"` or `class="drop"` would look like (or cover) the widget's own
 * chrome. The only classes in the result are those of our own code blocks, put in after sanitizing.
 */
import createDOMPurify, { type DOMPurify } from 'dompurify';
import { Marked } from 'marked';
import { highlightCode } from './highlight.js';

let markdown: Marked | undefined;
let purifier: DOMPurify | undefined;
/**
 * The code blocks of the render in progress (parsing is synchronous). Each is replaced in the
 * Markdown by a placeholder that names it with this render's random nonce, which the model cannot
 * know, so only the blocks our renderer made are put back with their classes.
 */
let codeBlocks: { nonce: string; html: string[] } | undefined;

/**
 * An allowlist: the elements and attributes marked's GFM output uses, and nothing that loads a
 * resource by itself (no media, `background`, `srcset`, `poster`, `style`, `<link>`, `<base>`…).
 * Images stay only with `data:`/`blob:` sources and links only to http(s)/mailto (see the hook).
 */
const SANITIZE_CONFIG = {
  ALLOWED_TAGS: [
    'p',
    'br',
    'hr',
    'b',
    'i',
    'u',
    's',
    'mark',
    'small',
    'abbr',
    'dl',
    'dt',
    'dd',
    'details',
    'summary',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'blockquote',
    'ul',
    'ol',
    'li',
    'strong',
    'em',
    'del',
    'code',
    'pre',
    'span',
    'a',
    'img',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'sup',
    'sub',
    'kbd',
  ],
  ALLOWED_ATTR: ['href', 'title', 'alt', 'src', 'align', 'start'],
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
        // Fenced code in prose gets the same highlighting as code cells, put in after sanitizing.
        code({ text, lang }) {
          const language = (lang ?? '').split(/\s/)[0] || 'plaintext';
          const html = `<pre class="md-code" tabindex="0" role="group" aria-label="Code"><code class="hljs">${highlightCode(text, language)}</code></pre>`;
          if (!codeBlocks) return '';
          codeBlocks.html.push(html);
          return `<pre>${codeBlocks.nonce}-${codeBlocks.html.length - 1}</pre>\n`;
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

/** A fresh random token: 128 bits as hex (letters and digits, unchanged by sanitizing). */
function randomNonce(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Sanitized HTML for a Markdown string. Safe to insert with `unsafeHTML`. */
export function renderMarkdown(text: string): string {
  const blocks = { nonce: `cec-code-${randomNonce()}`, html: [] as string[] };
  codeBlocks = blocks;
  let html: string;
  try {
    html = parser().parse(text, { async: false });
  } finally {
    codeBlocks = undefined;
  }
  const clean = sanitizer().sanitize(html, SANITIZE_CONFIG);
  if (blocks.html.length === 0) return clean;
  // highlight.js escapes the code, so its spans are safe to put in after sanitizing.
  return clean.replace(new RegExp(`<pre>${blocks.nonce}-(\\d+)</pre>`, 'g'), (_, index: string) => blocks.html[Number(index)] ?? '');
}
