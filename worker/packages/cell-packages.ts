/**
 * Loads the packages a cell imports before the cell runs: from the lock file, and, where the
 * sandbox has a package index (`packageIndex`), imports that neither the lock file nor the
 * interpreter provides, which the host resolves and checks (src/sandbox/packages/package-broker.ts).
 * Pyodide's own loader only logs a failed download and resolves anyway, so the result is checked
 * against `loadedPackages` and a failure names the package.
 */
import type { PyodideInterface } from 'pyodide';
import { PROGRESS } from '../../src/shared/progress-messages.js';
import type { LoadProgress } from '../../src/shared/types.js';
import { INDEX_WHEEL_PREFIX, WHEEL_HASH_MISMATCH } from '../../src/shared/wheel-refusal.js';
import { refuseIndexNames } from './index-names.js';
import { VIRTUAL_PACKAGE_URL } from './package-url.js';

interface LockPackage {
  name: string;
  imports?: string[];
}

export interface PackageFailure {
  packages: string[];
  message: string;
  /** The error's name, when not `PackageLoadError`. */
  name?: string;
  /** The run was stopped while it waited for the host's package index: it ends as interrupted, its interpreter kept. */
  interrupted?: boolean;
}

/** The wait for the host's package index was ended by a stop (an interrupt, the deadline). */
export class IndexWaitStopped extends Error {
  constructor() {
    super('the run was stopped while the host resolved its packages from the package index');
    this.name = 'KeyboardInterrupt';
  }
}

/** What the host's package index said to load (see `IndexResponse`). */
export interface IndexPackages {
  lock: string[];
  wheels: string[];
}

/** Words of import statements that are never module names to look up. */
const KEYWORDS = new Set(['import', 'from', 'as']);

/** Maps top-level import names (e.g. `sklearn`) to lock-file package names (e.g. `scikit-learn`). */
export class PackageIndex {
  private readonly byImport = new Map<string, string>();
  /** The import names of lock-file packages not loaded yet (with how many were loaded when it was made). */
  private unloaded: { loadedCount: number; names: Set<string> } | undefined;

  /** `staging`: Node's folder for Pyodide's downloads, made before each load and emptied after it (node-paths.ts). */
  /** Top-level names known importable without the index (the standard library, and names found before). */
  private available: Set<string> | undefined;

  constructor(
    private readonly pyodide: PyodideInterface,
    private readonly staging?: { beforeLoad(): Promise<void>; afterLoad(): Promise<void> },
    private readonly askIndex?: (names: string[]) => Promise<IndexPackages>,
  ) {
    const lock = (pyodide as unknown as { lockfile?: { packages?: Record<string, LockPackage> } }).lockfile;
    for (const [key, pkg] of Object.entries(lock?.packages ?? {})) {
      for (const name of pkg.imports ?? []) this.byImport.set(name, pkg.name ?? key);
    }
  }

  /**
   * Whether an import statement (of `words`, {@link wordsOfImportStatements}) may name a
   * lock-file package not loaded yet. Most cells name none, and then need no parse
   * (`find_imports` takes ~1 ms on a HumanEval program).
   */
  private mentionsUnloaded(words: string[]): boolean {
    const loaded = this.pyodide.loadedPackages as Record<string, string>;
    const loadedCount = Object.keys(loaded).length;
    if (this.unloaded?.loadedCount !== loadedCount) {
      const names = [...this.byImport].filter(([, packageName]) => !(packageName in loaded)).map(([importName]) => importName);
      this.unloaded = { loadedCount, names: new Set(names) };
    }
    const { names } = this.unloaded;
    return names.size > 0 && words.some((word) => names.has(word));
  }

  /**
   * With a package index: whether an import statement (of `words`) may name a module the
   * interpreter does not have (a word that is neither the standard library's nor found before).
   */
  private mentionsUnknown(words: string[]): boolean {
    if (!this.askIndex) return false;
    this.available ??= new Set(this.pyodide.runPython('import sys; [*sys.stdlib_module_names, *sys.builtin_module_names]').toJs() as string[]);
    return words.some((word) => !KEYWORDS.has(word) && !this.available!.has(word) && !this.byImport.has(word));
  }

  /** Top-level modules `code` imports (none for a syntax error: the run itself reports it). */
  private importsOf(code: string): string[] {
    const findImports = this.pyodide.pyimport('pyodide.code').find_imports;
    try {
      const proxy = findImports(code);
      const imports = proxy.toJs() as string[];
      proxy.destroy();
      return [...new Set(imports.map((name) => name.split('.')[0]))];
    } catch {
      return [];
    } finally {
      findImports.destroy();
    }
  }

  /** Imports of `code` that neither the lock file nor the interpreter (its path, the working directory) provides. */
  private unknownIn(imports: string[]): string[] {
    const findSpec = this.pyodide.pyimport('importlib.util').find_spec;
    try {
      return imports.filter((name) => {
        if (this.available!.has(name) || this.byImport.has(name)) return false;
        let spec: unknown;
        try {
          spec = findSpec(name);
        } catch {
          return false; // a module whose spec cannot be read is there
        }
        (spec as { destroy?(): void } | undefined)?.destroy?.();
        // Found now, it is there for good (a file the code later deletes is its own doing).
        if (spec !== undefined && spec !== null) this.available!.add(name);
        return spec === undefined || spec === null;
      });
    } finally {
      findSpec.destroy();
    }
  }

  /** Lock-file packages imported by `code` and not yet loaded. */
  missingFor(code: string): Array<{ importName: string; packageName: string }> {
    if (!this.mentionsUnloaded(wordsOfImportStatements(code))) return [];
    return this.missingAmong(this.importsOf(code));
  }

  private missingAmong(imports: string[]): Array<{ importName: string; packageName: string }> {
    const loaded = this.pyodide.loadedPackages as Record<string, string>;
    const wanted = new Map<string, string>();
    for (const importName of imports) {
      const packageName = this.byImport.get(importName.split('.')[0]);
      if (packageName && !(packageName in loaded) && !wanted.has(packageName)) wanted.set(packageName, importName);
    }
    return [...wanted].map(([packageName, importName]) => ({ importName, packageName }));
  }

  /** Loads what `code` imports; returns a failure naming the packages that did not load. */
  /** Whether `code` may need a package loaded before it runs (no parse: see `loadFor`). */
  mayLoadFor(code: string): boolean {
    const words = wordsOfImportStatements(code);
    return this.mentionsUnloaded(words) || this.mentionsUnknown(words);
  }

  async loadFor(code: string, onProgress: (p: LoadProgress) => void, packageBaseUrl: string): Promise<PackageFailure | undefined> {
    const words = wordsOfImportStatements(code);
    const fromLock = this.mentionsUnloaded(words);
    const fromIndex = this.mentionsUnknown(words);
    if (!fromLock && !fromIndex) return undefined;
    const imports = this.importsOf(code);
    const missing = fromLock ? this.missingAmong(imports) : [];
    const unknown = fromIndex ? this.unknownIn(imports) : [];
    let index: IndexPackages = { lock: [], wheels: [] };
    if (unknown.length > 0) {
      const refused = refuseIndexNames(unknown);
      if (refused) return { packages: unknown, ...refused };
      onProgress({ phase: 'packages', message: PROGRESS.askingIndex });
      try {
        index = await this.askIndex!(unknown);
      } catch (error) {
        onProgress({ phase: 'ready', message: PROGRESS.packagesFailed });
        if (error instanceof IndexWaitStopped) return { packages: unknown, name: error.name, message: error.message, interrupted: true };
        const list = unknown.map((name) => `"import ${name}"`).join(', ');
        return { packages: unknown, message: `Could not install a package for ${list} from the package index: ${(error as Error)?.message ?? error}` };
      }
    }
    if (missing.length === 0 && index.lock.length === 0 && index.wheels.length === 0) return undefined;
    const names = [...new Set([...missing.map((m) => m.packageName), ...index.lock])];
    const wheelUrls = index.wheels.map(
      (fileName) => `${VIRTUAL_PACKAGE_URL}${INDEX_WHEEL_PREFIX}${encodeURIComponent(fileName.slice(INDEX_WHEEL_PREFIX.length))}`,
    );
    const errors: string[] = [];
    try {
      await this.staging?.beforeLoad();
      await this.pyodide.loadPackage([...names, ...wheelUrls], {
        messageCallback: (message) => onProgress({ phase: 'packages', message }),
        errorCallback: (message) => errors.push(message),
      });
    } catch (error) {
      errors.push((error as Error)?.message ?? String(error));
    } finally {
      await this.staging?.afterLoad().catch(() => undefined);
    }
    const loaded = this.pyodide.loadedPackages as Record<string, string>;
    const failed = [...missing, ...index.lock.map((packageName) => ({ packageName, importName: unknown.join(', ') }))].filter(
      (m) => !(m.packageName in loaded),
    );
    const loadedUrls = new Set(Object.values(loaded));
    const failedWheels = wheelUrls.filter((url) => !loadedUrls.has(url));
    if (failedWheels.length > 0 && failed.length === 0) {
      onProgress({ phase: 'ready', message: PROGRESS.packagesFailed });
      const list = failedWheels.map((url) => decodeURIComponent(url.slice(url.lastIndexOf('/') + 1))).join(', ');
      return { packages: unknown, message: `Could not install ${list} from the package index.${errors.length ? `\n${errors.join('\n')}` : ''}` };
    }
    // Pyodide's own messages said what loaded; this only ends the packages phase.
    onProgress({ phase: 'ready', message: failed.length ? PROGRESS.packagesFailed : PROGRESS.packagesReady });
    if (failed.length === 0) return undefined;
    const list = failed.map((m) => `${m.packageName} (for "import ${m.importName}")`).join(', ');
    const detail = errors.length ? `\n${errors.join('\n')}` : '';
    const refused = errors.some((error) => error.includes(WHEEL_HASH_MISMATCH));
    return {
      packages: failed.map((m) => m.packageName),
      message: refused
        ? `Could not load package ${list}: the SHA-256 of a wheel ${packageBaseUrl} served did not match the lock file, so it was not installed (the package source may have been tampered with).${detail}`
        : `Could not load package ${list} from ${packageBaseUrl}. The package source may be unreachable (offline?) or misconfigured (packageBaseUrl / lockFileURL).${detail}`,
    };
  }
}

/**
 * Every word of every line that holds an `import` or `from` keyword, from the keyword on (a line
 * goes on past a backslash at its end): a superset of the module names `find_imports` can
 * return, found without parsing. A module name always comes on the keyword's own line or a
 * continuation of it (in `from a import (b,\n c)` only `a` is a module). Words elsewhere do not
 * count, so "six" in a docstring costs no parse; "from" in prose is a false positive at worst.
 */
export function wordsOfImportStatements(code: string): string[] {
  const words: string[] = [];
  let scanned = 0; // a second keyword on a line already taken adds nothing (and keeps this linear)
  for (const keyword of code.matchAll(/\b(?:import|from)\b/g)) {
    if (keyword.index < scanned) continue;
    const line = /(?:[^\n\\]|\\(?:\r\n|[\s\S]))*/y;
    line.lastIndex = keyword.index;
    line.exec(code);
    scanned = line.lastIndex;
    for (const word of code.slice(keyword.index, scanned).matchAll(/[A-Za-z_]\w*/g)) words.push(word[0]);
  }
  return words;
}
