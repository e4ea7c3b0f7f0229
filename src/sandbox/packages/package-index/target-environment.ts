/**
 * Pyodide as a Python package index sees it: the values of PEP 508 environment markers, and the
 * wheel tags it can install (pure-Python wheels, and wheels built for its own platform). Both are
 * read from the lock file's `info`, so they follow the runtime.
 */
import { satisfies, valid } from '@renovatebot/pep440';
import type { EnvironmentMarker } from 'pip-requirements-js';
import { normalizeName } from '../distribution-names.js';

export interface IndexEnvironment {
  /** Marker variables (PEP 508), `extra` excepted. */
  markers: Readonly<Record<string, string>>;
  /** Full Python version, for `Requires-Python`. */
  pythonVersion: string;
  /** `cp314`: the CPython tag of platform wheels. */
  cpythonTag: string;
  /** `pyemscripten_2026_0_wasm32`: the platform tag of Pyodide's own wheels. */
  platformTag: string;
}

/** The lock file's `info`, as far as the environment needs it. */
export interface LockInfo {
  python?: string;
  platform?: string;
  abi_version?: string;
  arch?: string;
}

/**
 * The environment of the runtime a lock file describes (`info`: `{ python: '3.14.2', abi_version: '2026_0', arch: 'wasm32', platform: 'emscripten_5_0_3' }`).
 * A prerelease of Python (`3.15.0rc1`, in a Pyodide prerelease) is that Python: `cp315`.
 */
export function environmentOf(info: LockInfo | undefined): IndexEnvironment {
  const python = typeof info?.python === 'string' && /^\d+\.\d+(\.\d+)?((a|b|rc)\d+)?$/.test(info.python) ? info.python : '3.14.0';
  const [major, minor] = python.split('.');
  const arch = info?.arch ?? 'wasm32';
  const emscripten = /^emscripten_(\d+)_(\d+)_(\d+)$/.exec(info?.platform ?? '');
  return {
    pythonVersion: python,
    cpythonTag: `cp${major}${minor}`,
    platformTag: `pyemscripten_${info?.abi_version ?? '2026_0'}_${arch}`,
    markers: {
      python_version: `${major}.${minor}`,
      python_full_version: python,
      implementation_version: python,
      implementation_name: 'cpython',
      platform_python_implementation: 'CPython',
      os_name: 'posix',
      sys_platform: 'emscripten',
      platform_system: 'Emscripten',
      platform_machine: arch,
      platform_release: emscripten ? `${emscripten[1]}.${emscripten[2]}.${emscripten[3]}` : '',
      platform_version: '',
    },
  };
}

/** The tags of a wheel's file name (`name-version[-build]-python-abi-platform.whl`), or undefined if it is not one. */
export function wheelTags(fileName: string): { name: string; version: string; python: string[]; abi: string[]; platform: string[] } | undefined {
  if (!fileName.endsWith('.whl')) return undefined;
  const parts = fileName.slice(0, -4).split('-');
  if (parts.length !== 5 && parts.length !== 6) return undefined;
  const [python, abi, platform] = parts.slice(-3).map((tag) => tag.split('.'));
  return { name: parts[0], version: parts[1], python, abi, platform };
}

/** What kind of wheel Pyodide can install this one as, or undefined when it cannot. */
export function wheelKind(fileName: string, env: IndexEnvironment): 'pure' | 'platform' | undefined {
  const tags = wheelTags(fileName);
  if (!tags) return undefined;
  if (tags.python.includes('py3') && tags.abi.includes('none') && tags.platform.includes('any')) return 'pure';
  const python = tags.python.includes(env.cpythonTag) || tags.python.includes('py3');
  const abi = tags.abi.includes(env.cpythonTag) || tags.abi.includes('abi3') || tags.abi.includes('none');
  if (python && abi && tags.platform.includes(env.platformTag)) return 'platform';
  return undefined;
}

/**
 * Whether a `Requires-Python` specifier admits this runtime (an unreadable one admits it: pip does
 * the same). A prerelease of Python is compared as what it is, as pip does (`3.15.0rc1` is
 * `>=3.9`), not left out as PEP 440 leaves out prereleases a specifier does not name.
 */
export function admitsPython(requiresPython: string | undefined, env: IndexEnvironment): boolean {
  if (!requiresPython?.trim()) return true;
  try {
    return satisfies(env.pythonVersion, requiresPython, { prereleases: true });
  } catch {
    return true;
  }
}

const unquote = (value: string) => value.slice(1, -1);
const isQuoted = (value: string) => /^(['"]).*\1$/s.test(value);

/**
 * Evaluates a parsed PEP 508 marker (pip-requirements-js gives the tree) for `env`, with `extra`
 * set to one of the extras asked for ('' when none). Versions compare as PEP 440 versions when
 * both sides are versions, as strings otherwise; an unknown variable makes its comparison false.
 */
export function evaluateMarker(marker: EnvironmentMarker, env: IndexEnvironment, extra: string): boolean {
  if ('operator' in marker && (marker.operator === 'and' || marker.operator === 'or')) {
    const node = marker as { operator: 'and' | 'or'; left: EnvironmentMarker; right: EnvironmentMarker };
    return node.operator === 'and'
      ? evaluateMarker(node.left, env, extra) && evaluateMarker(node.right, env, extra)
      : evaluateMarker(node.left, env, extra) || evaluateMarker(node.right, env, extra);
  }
  const leaf = marker as { left: string; operator: string; right: string };
  const sideValue = (side: string): string | undefined => {
    if (isQuoted(side)) return unquote(side);
    if (side === 'extra') return extra;
    return env.markers[side];
  };
  let left = sideValue(leaf.left);
  let right = sideValue(leaf.right);
  if (left === undefined || right === undefined) return false;
  if (leaf.left === 'extra' || leaf.right === 'extra') {
    left = normalizeName(left);
    right = normalizeName(right);
  }
  switch (leaf.operator) {
    case 'in':
      return right.includes(left);
    case 'not in':
      return !right.includes(left);
    case '===':
      return left === right;
  }
  if (valid(left) && valid(right)) {
    try {
      // Prereleases compared as they are, as packaging evaluates markers (`python_full_version` may be `3.15.0rc1`).
      return satisfies(left, `${leaf.operator}${right}`, { prereleases: true });
    } catch {
      return false;
    }
  }
  if (leaf.operator === '==') return left === right;
  if (leaf.operator === '!=') return left !== right;
  return false;
}
