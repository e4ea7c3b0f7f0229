/**
 * Emscripten's `PATH.basename` and `PATH.dirname` are regexes (`/([^\/]+|\/)\/*$/`, and
 * `splitPath`'s lazy one) tried from every position, each try scanning on to the next slash: a
 * path of long names costs time in the square of its length, about 0.75 ms for 800 characters.
 * The file system calls `basename` for every file it creates (5,000 empty files under four
 * folders of 200-character names took 4.4 s in Pyodide, 3.9 s of it in that regex) and `dirname`
 * for every `..` and relative symlink it follows. These are the same functions in one pass.
 */

/** What `PATH.basename` answers: the last name, trailing slashes aside; `/` for slashes only; a falsy path as is. */
export function basename(path: string): string {
  if (!path) return path;
  const end = endOfLastName(path);
  if (end === 0) return '/';
  return path.slice(path.lastIndexOf('/', end - 1) + 1, end);
}

/** What `PATH.dirname` answers: the path before the last name, without its last slash; `.` for none, `/` for the root. */
export function dirname(path: string): string {
  const root = path.startsWith('/') ? '/' : '';
  const slash = path.lastIndexOf('/', Math.max(endOfLastName(path), root.length) - 1);
  return slash >= root.length ? path.slice(0, slash) : root || '.';
}

/** Where the last name ends: the path's length less its trailing slashes. */
function endOfLastName(path: string): number {
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 0x2f) end--;
  return end;
}

/** Puts these in place of the runtime's own, where the runtime exports `PATH`. */
export function useLinearPaths(module: { PATH?: { basename?: unknown; dirname?: unknown } }): void {
  const { PATH } = module;
  if (typeof PATH?.basename === 'function') PATH.basename = basename;
  if (typeof PATH?.dirname === 'function') PATH.dirname = dirname;
}
