/** The `packageIndex` option, checked: the index's absolute http(s) URL (ending in `/`), or undefined when off. */
export function resolvePackageIndex(option: unknown, base: string): string | undefined {
  if (option === undefined || option === false) return undefined;
  if (typeof option !== 'string') throw new TypeError(`packageIndex must be a URL or false; got ${typeof option}`);
  let url: URL;
  try {
    url = new URL(option, base);
  } catch {
    throw new TypeError(`packageIndex is not a URL: ${option.slice(0, 200)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`packageIndex must be an http(s) URL; got ${url.protocol}`);
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}
