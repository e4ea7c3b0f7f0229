/**
 * The demo page: registers the widget (through the widget bundle itself, so the page is its first
 * embedder), applies `?theme=light|dark`, and installs the offline service worker.
 */
// The widget itself comes from widget.js (a separate script tag), as on any embedding page.

const theme = new URLSearchParams(location.search).get('theme');
if (theme === 'light' || theme === 'dark') {
  document.documentElement.dataset.theme = theme;
  for (const element of document.querySelectorAll('code-exec-chat, python-scratchpad')) element.setAttribute('theme', theme);
}

// Only the built site has a service worker (sw.js is in public/; the dev server would cache stale modules).
if ('serviceWorker' in navigator && !import.meta.env.DEV) {
  navigator.serviceWorker.register('./sw.js').catch((error: unknown) => console.warn('Offline support is unavailable:', error));
}
