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
// It is registered after the chat's Python is up, once the first answer is complete or 10 s later,
// whichever comes first: its precache, fetched beside the page's own first download, took
// connections the page was waiting for (and, while it held Pyodide's runtime, 6.6 MB more on the
// phone bench's 9 Mbit/s link), and its install would compete with a first answer waiting for
// Python. By then the files are in the HTTP cache, so precaching them is a revalidation. A boot
// that never comes still registers it, a minute on.
if ('serviceWorker' in navigator && !import.meta.env.DEV) {
  let registered = false;
  const register = () => {
    if (registered) return;
    registered = true;
    navigator.serviceWorker.register('./sw.js').catch((error: unknown) => console.warn('Offline support is unavailable:', error));
  };
  document.addEventListener(
    'cec-sandbox-ready',
    () => {
      document.addEventListener('cec-message-complete', register, { once: true });
      setTimeout(register, 10_000);
    },
    { once: true },
  );
  setTimeout(register, 60_000);
}
