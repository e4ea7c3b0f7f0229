/**
 * Loads the packages a cell imports, from the lock file, before the cell runs. Pyodide's own
 * loader only logs a failed download and resolves anyway, so the result is checked against
 * `loadedPackages` and a failure names the package.
 */
import type { PyodideInterface } from 'pyodide';
import { PROGRESS } from '../src/progress-messages.js';
import type { LoadProgress } from '../src/types.js';
import { WHEEL_HASH_MISMATCH } from '../src/wheel-refusal.js';

interface LockPackage {
  name: string;
  imports?: string[];
}

export interface PackageFailure {
  packages: string[];
  message: string;
}

/** Maps top-level import names (e.g. `sklearn`) to lock-file package names (e.g. `scikit-learn`). */
export class PackageIndex {
  private readonly byImport = new Map<string, string>();
  /** The import names of lock-file packages not loaded yet (with how many were loaded when it was made). */
  private unloaded: { loadedCount: number; names: Set<string> } | undefined;

  /** `staging`: Node's folder for Pyodide's downloads, made before each load and emptied after it (node-paths.ts). */
  constructor(
    private readonly pyodide: PyodideInterface,
    private readonly staging?: { beforeLoad(): Promise<void>; afterLoad(): Promise<void> },
  ) {
    const lock = (pyodide as unknown as { lockfile?: { packages?: Record<string, LockPackage> } }).lockfile;
    for (const [key, pkg] of Object.entries(lock?.packages ?? {})) {
      for (const name of pkg.imports ?? []) this.byImport.set(name, pkg.name ?? key);
    }
  }

  /**
   * Whether an import statement in `code` may name a lock-file package not loaded yet. Most
   * cells name none, and then need no parse (`find_imports` takes ~1 ms on a HumanEval program).
   */
  private mentionsUnloaded(code: string): boolean {
    const loaded = this.pyodide.loadedPackages as Record<string, string>;
    const loadedCount = Object.keys(loaded).length;
    if (this.unloaded?.loadedCount !== loadedCount) {
      const names = [...this.byImport].filter(([, packageName]) => !(packageName in loaded)).map(([importName]) => importName);
      this.unloaded = { loadedCount, names: new Set(names) };
    }
    const { names } = this.unloaded;
    return names.size > 0 && wordsOfImportStatements(code).some((word) => names.has(word));
  }

  /** Lock-file packages imported by `code` and not yet loaded. */
  missingFor(code: string): Array<{ importName: string; packageName: string }> {
    if (!this.mentionsUnloaded(code)) return [];
    const findImports = this.pyodide.pyimport('pyodide.code').find_imports;
    let imports: string[];
    try {
      const proxy = findImports(code);
      imports = proxy.toJs();
      proxy.destroy();
    } catch {
      return []; // a syntax error: the run itself will report it
    } finally {
      findImports.destroy();
    }
    const loaded = this.pyodide.loadedPackages as Record<string, string>;
    const wanted = new Map<string, string>();
    for (const importName of imports) {
      const packageName = this.byImport.get(importName.split('.')[0]);
      if (packageName && !(packageName in loaded) && !wanted.has(packageName)) wanted.set(packageName, importName);
    }
    return [...wanted].map(([packageName, importName]) => ({ importName, packageName }));
  }

  /** Loads what `code` imports; returns a failure naming the packages that did not load. */
  async loadFor(code: string, onProgress: (p: LoadProgress) => void, packageBaseUrl: string): Promise<PackageFailure | undefined> {
    const missing = this.missingFor(code);
    if (missing.length === 0) return undefined;
    const names = missing.map((m) => m.packageName);
    const errors: string[] = [];
    try {
      await this.staging?.beforeLoad();
      await this.pyodide.loadPackage(names, {
        messageCallback: (message) => onProgress({ phase: 'packages', message }),
        errorCallback: (message) => errors.push(message),
      });
    } catch (error) {
      errors.push((error as Error)?.message ?? String(error));
    } finally {
      await this.staging?.afterLoad().catch(() => undefined);
    }
    const loaded = this.pyodide.loadedPackages as Record<string, string>;
    const failed = missing.filter((m) => !(m.packageName in loaded));
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
    const line = /(?:[^\n\\]|\\(?:\r\n|[^]))*/y;
    line.lastIndex = keyword.index;
    line.exec(code);
    scanned = line.lastIndex;
    for (const word of code.slice(keyword.index, scanned).matchAll(/[A-Za-z_]\w*/g)) words.push(word[0]);
  }
  return words;
}
