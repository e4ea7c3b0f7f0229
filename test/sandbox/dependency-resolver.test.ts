/**
 * Resolving imports from a Python package index, on a made-up index: versions, wheel tags,
 * Requires-Python, PEP 508 markers evaluated for Pyodide, and the lock file's own packages.
 */
import { parsePipRequirementsLine } from 'pip-requirements-js';
import { describe, expect, test } from 'vitest';
import { environmentOf, evaluateMarker, wheelKind } from '../../src/sandbox/packages/package-index/target-environment.js';
import {
  type IndexFile,
  type IndexSource,
  ResolveError,
  parseMetadata,
  resolveFromIndex,
} from '../../src/sandbox/packages/package-index/dependency-resolver.js';

const env = environmentOf({ python: '3.14.2', abi_version: '2026_0', arch: 'wasm32', platform: 'emscripten_5_0_3' });
const LOCK = new Map([
  ['numpy', 'numpy'],
  ['pandas', 'pandas'],
  ['matplotlib', 'matplotlib'],
  ['pillow', 'Pillow'],
]);

interface FakeProject {
  [version: string]: { tags?: string[]; requires?: string[]; requiresPython?: string; yanked?: boolean };
}

function fakeIndex(projects: Record<string, FakeProject>): IndexSource & { asked: string[] } {
  const asked: string[] = [];
  const metadata = new Map<string, string>();
  return {
    asked,
    async files(project) {
      asked.push(project);
      const versions = projects[project];
      if (!versions) return undefined;
      return Object.entries(versions).flatMap(([version, spec]) =>
        (spec.tags ?? ['py3-none-any']).map((tag): IndexFile => {
          const filename = `${project.replace(/-/g, '_')}-${version}-${tag}.whl`;
          metadata.set(filename, [`Name: ${project}`, `Version: ${version}`, ...(spec.requires ?? []).map((r) => `Requires-Dist: ${r}`), ''].join('\n'));
          return {
            filename,
            url: `https://index.test/files/${filename}`,
            sha256: '0'.repeat(64),
            yanked: !!spec.yanked,
            requiresPython: spec.requiresPython,
            hasMetadata: true,
          };
        }),
      );
    },
    async metadata(file) {
      return metadata.get(file.filename)!;
    },
  };
}

const options = { env, lockName: (name: string) => LOCK.get(name), maxDistributions: 8 };
const marker = (text: string) => parsePipRequirementsLine(`x; ${text}`)!;
const holds = (text: string, extra = '') => {
  const requirement = marker(text);
  return 'environmentMarkerTree' in requirement && evaluateMarker(requirement.environmentMarkerTree!, env, extra);
};

describe('environment markers for Pyodide', () => {
  test('python_version compares as a version (3.14 is not below 3.11, nor below 3.9 as a string would say)', () => {
    expect(holds('python_version < "3.11"')).toBe(false);
    expect(holds('python_version >= "3.9"')).toBe(true);
  });
  test('the platform is Emscripten, not Windows or Linux', () => {
    expect(holds('sys_platform == "emscripten" and platform_system == "Emscripten"')).toBe(true);
    expect(holds('sys_platform == "win32" or platform_system == "Linux"')).toBe(false);
  });
  test('an extra holds only when it was asked for', () => {
    expect(holds('extra == "tests"')).toBe(false);
    expect(holds('extra == "tests"', 'tests')).toBe(true);
  });
});

describe('wheel tags', () => {
  test('pure-Python and Pyodide-platform wheels install; CPython platform wheels do not', () => {
    expect(wheelKind('a-1.0-py3-none-any.whl', env)).toBe('pure');
    expect(wheelKind('a-1.0-py2.py3-none-any.whl', env)).toBe('pure');
    expect(wheelKind('a-1.0-cp314-cp314-pyemscripten_2026_0_wasm32.whl', env)).toBe('platform');
    expect(wheelKind('a-1.0-cp311-cp311-manylinux_2_28_x86_64.whl', env)).toBeUndefined();
    expect(wheelKind('a-1.0-py2-none-any.whl', env)).toBeUndefined();
  });
});

describe('a prerelease of Python (the lock file of a Pyodide prerelease)', () => {
  const rc = environmentOf({ python: '3.15.0rc1', abi_version: '2026_5', arch: 'wasm32', platform: 'emscripten_6_0_5' });
  const holdsForRc = (text: string) => {
    const requirement = marker(text);
    return 'environmentMarkerTree' in requirement && evaluateMarker(requirement.environmentMarkerTree!, rc, '');
  };

  test('is that Python: its platform wheels are cp315, and its markers say 3.15', () => {
    expect(rc.cpythonTag).toBe('cp315');
    expect(wheelKind('a-1.0-cp315-cp315-pyemscripten_2026_5_wasm32.whl', rc)).toBe('platform');
    expect(wheelKind('a-1.0-cp314-cp314-pyemscripten_2026_5_wasm32.whl', rc)).toBeUndefined();
    expect(holdsForRc('python_version >= "3.15"')).toBe(true);
    expect(holdsForRc('python_full_version >= "3.9"')).toBe(true);
    expect(holdsForRc('python_full_version < "3.11"')).toBe(false);
  });

  test('is admitted by a Requires-Python its release meets, as pip admits it', async () => {
    const index = fakeIndex({ tabulate: { '0.9.0': { requiresPython: '>=3.7' } } });
    expect((await resolveFromIndex(['tabulate'], index, { ...options, env: rc })).wheels[0].version).toBe('0.9.0');
  });
});

describe('resolving from the index', () => {
  test('picks the highest version, with dependencies from the index', async () => {
    const index = fakeIndex({ openpyxl: { '3.1.4': {}, '3.1.5': { requires: ['et-xmlfile'] } }, 'et-xmlfile': { '2.0.0': {} } });
    const r = await resolveFromIndex(['openpyxl'], index, options);
    expect(r.wheels.map((w) => `${w.project} ${w.version}`)).toEqual(['et-xmlfile 2.0.0', 'openpyxl 3.1.5']);
    expect(r.lock).toEqual([]);
  });

  test("dependencies the lock file provides come from the lock (seaborn's numpy, pandas, matplotlib)", async () => {
    const index = fakeIndex({
      seaborn: { '0.13.2': { requires: ['numpy!=1.24.0,>=1.20', 'pandas>=1.2', 'matplotlib!=3.6.1,>=3.4', 'pytest; extra == "dev"'] } },
    });
    const r = await resolveFromIndex(['seaborn'], index, options);
    expect(r.lock.sort()).toEqual(['matplotlib', 'numpy', 'pandas']);
    expect(index.asked).toEqual(['seaborn']);
  });

  test('markers false for Pyodide and extras not asked for are dropped', async () => {
    const index = fakeIndex({
      pypdf: {
        '6.0.0': { requires: ["typing_extensions >= 4.0; python_version < '3.11'", 'cryptography; extra == "crypto"', 'pywin32; sys_platform == "win32"'] },
      },
    });
    const r = await resolveFromIndex(['pypdf'], index, options);
    expect(r.wheels.map((w) => w.project)).toEqual(['pypdf']);
  });

  test('an extra asked for brings its requirements', async () => {
    const index = fakeIndex({ a: { '1.0': { requires: ['b[fast]'] } }, b: { '1.0': { requires: ['c; extra == "fast"'] } }, c: { '1.0': {} } });
    const r = await resolveFromIndex(['a'], index, options);
    expect(r.wheels.map((w) => w.project).sort()).toEqual(['a', 'b', 'c']);
  });

  test('a version whose Requires-Python excludes Pyodide is passed over for an older one', async () => {
    const index = fakeIndex({ tabulate: { '0.9.0': {}, '1.0.0': { requiresPython: '>=3.15' } } });
    expect((await resolveFromIndex(['tabulate'], index, options)).wheels[0].version).toBe('0.9.0');
  });

  test('a version specifier of a dependency is honoured', async () => {
    const index = fakeIndex({ sympy: { '1.14.0': { requires: ['mpmath<1.4,>=1.1.0'] } }, mpmath: { '1.3.0': {}, '1.4.1': {} } });
    const r = await resolveFromIndex(['sympy'], index, options);
    expect(r.wheels.find((w) => w.project === 'mpmath')?.version).toBe('1.3.0');
  });

  test('pre-releases and yanked files are passed over', async () => {
    const index = fakeIndex({ a: { '1.0': {}, '2.0rc1': {}, '1.5': { yanked: true } } });
    expect((await resolveFromIndex(['a'], index, options)).wheels[0].version).toBe('1.0');
  });

  test('a package not on the index is a ResolveError naming it', async () => {
    await expect(resolveFromIndex(['nosuchpkg'], fakeIndex({}), options)).rejects.toThrow(/nosuchpkg is not on the package index/);
  });

  test('a package with only platform-specific wheels says which tags exist', async () => {
    const index = fakeIndex({ lxml: { '6.1.3': { tags: ['cp311-cp311-manylinux_2_28_x86_64', 'cp311-cp311-win_amd64'] } } });
    const error = await resolveFromIndex(['lxml'], index, options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResolveError);
    expect((error as Error).message).toMatch(/no wheel of lxml fits Pyodide.*offers only: cp311-cp311-manylinux_2_28_x86_64, cp311-cp311-win_amd64/);
  });

  test('two requirements that no one version meets are a conflict', async () => {
    const index = fakeIndex({ a: { '1.0': { requires: ['c>=2'] } }, b: { '1.0': { requires: ['c<2'] } }, c: { '1.0': {}, '2.0': {} } });
    await expect(resolveFromIndex(['a', 'b'], index, options)).rejects.toThrow(/c 2\.0 was picked, but b needs c<2/);
  });

  test('a chain longer than the bound stops at the bound', async () => {
    const chain = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`p${i}`, { '1.0': { requires: [`p${i + 1}`] } }]));
    await expect(resolveFromIndex(['p0'], fakeIndex(chain), options)).rejects.toThrow(/more than 8 packages from the index/);
  });

  test('an invalid dependency name is refused before anything is asked for it', async () => {
    const index = fakeIndex({ a: { '1.0': { requires: ['../../etc'] } } });
    await expect(resolveFromIndex(['a'], index, options)).rejects.toThrow(ResolveError);
    expect(index.asked).toEqual(['a']);
  });
});

test('metadata headers end at the first blank line (the description may quote headers)', () => {
  const text = 'Name: a\nRequires-Python: >=3.9\nRequires-Dist: b\n  (>=1)\n\nRequires-Dist: not-a-header\n';
  expect(parseMetadata(text)).toEqual({ requires: ['b (>=1)'], requiresPython: '>=3.9' });
});
