// Maps `@google/genai` to the SDK build the page's ?sdk= names: 2 (the default) or 3, bundled by
// test/support/browser/genai-sdks.ts. A classic script, loaded before any module, so the map is
// in place before the first import.
{
  const sdk = new URLSearchParams(location.search).get('sdk') === '3' ? '3' : '2';
  const map = document.createElement('script');
  map.type = 'importmap';
  map.textContent = JSON.stringify({ imports: { '@google/genai': `/test-results/genai-browser/sdk${sdk}/genai.js` } });
  document.currentScript.after(map);
}
