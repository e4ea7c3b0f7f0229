/**
 * Syntax highlighting for Python code cells: highlight.js core with the languages we show only
 * (the full bundle is ~1 MB). A private instance, so the page's own highlight.js is untouched.
 */
import hljs from 'highlight.js/lib/core';
import python from 'highlight.js/lib/languages/python';
import plaintext from 'highlight.js/lib/languages/plaintext';

type Highlighter = ReturnType<typeof hljs.newInstance>;
let instance: Highlighter | undefined;

function highlighter(): Highlighter {
  if (!instance) {
    instance = hljs.newInstance();
    instance.registerLanguage('python', python);
    instance.registerLanguage('plaintext', plaintext);
  }
  return instance;
}

/**
 * HTML for `code` with highlight.js token spans. highlight.js escapes the source, so the result
 * is safe to insert as HTML.
 */
export function highlightCode(code: string, language = 'python'): string {
  const hl = highlighter();
  const lang = hl.getLanguage(language.toLowerCase()) ? language.toLowerCase() : 'plaintext';
  return hl.highlight(code, { language: lang, ignoreIllegals: true }).value;
}
