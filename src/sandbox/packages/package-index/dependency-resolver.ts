/**
 * Picks what `import x` needs from a Python package index: the distribution, the highest version
 * whose `Requires-Python` and wheels fit Pyodide, and its dependencies (PEP 508 requirements from
 * its PEP 658 metadata, markers evaluated for Pyodide, extras not asked for dropped), recursively.
 * Dependencies the lock file provides come from the lock file, as the lock has them: the lock is
 * the set Pyodide was built and tested with. One pass, no backtracking: the first version picked
 * for a name stays, and a later requirement it does not meet is a conflict, said as such.
 */
import { parse, rcompare, satisfies, valid } from '@renovatebot/pep440';
import { type Requirement, parsePipRequirementsLine } from 'pip-requirements-js';
import { isDistributionName, normalizeName } from '../distribution-names.js';
import { type IndexEnvironment, admitsPython, evaluateMarker, wheelKind, wheelTags } from './target-environment.js';

/** One file of a project's page (PEP 691), as the client checked it. */
export interface IndexFile {
  filename: string;
  /** Absolute http(s) URL. */
  url: string;
  sha256: string;
  requiresPython?: string;
  yanked: boolean;
  /** Whether a PEP 658 metadata file is served beside the wheel. */
  hasMetadata: boolean;
  /** Its SHA-256, when the index gives it. */
  metadataSha256?: string;
  /** PEP 700 size, when given. */
  size?: number;
}

export interface IndexSource {
  /** The files of a project (normalized name), or undefined when the index has no such project. */
  files(project: string): Promise<IndexFile[] | undefined>;
  /** The core metadata of a wheel (an RFC 822 header block). */
  metadata(file: IndexFile): Promise<string>;
}

export interface ResolvedWheel {
  project: string;
  version: string;
  file: IndexFile;
}

export interface Resolution {
  /** Lock-file package names to load. */
  lock: string[];
  /** Wheels from the index, dependencies first. */
  wheels: ResolvedWheel[];
}

/** Why a package cannot come from the index; `project` names it. */
export class ResolveError extends Error {
  constructor(
    readonly project: string,
    message: string,
  ) {
    super(message);
    this.name = 'ResolveError';
  }
}

interface Wanted {
  name: string;
  specifier: string;
  extras: string[];
  requiredBy?: string;
}

export interface ResolveOptions {
  env: IndexEnvironment;
  /** Lock-file package name of a normalized distribution name, if the lock has it. */
  lockName(normalized: string): string | undefined;
  /** Most distributions one resolution may take from the index. */
  maxDistributions: number;
  /** Stops the resolution between its steps (its time bound, the run's end). */
  signal?: AbortSignal;
}

/** Resolves the distributions `names` (as asked: import names mapped to distributions by the caller). */
export async function resolveFromIndex(names: readonly string[], source: IndexSource, options: ResolveOptions): Promise<Resolution> {
  const lock = new Set<string>();
  const chosen = new Map<string, ResolvedWheel & { extras: Set<string>; requires: string[] }>();
  const order: ResolvedWheel[] = [];
  const queue: Wanted[] = names.map((name) => ({ name, specifier: '', extras: [] }));
  while (queue.length) {
    options.signal?.throwIfAborted();
    const wanted = queue.shift()!;
    if (!isDistributionName(wanted.name)) throw new ResolveError(wanted.name.slice(0, 100), `not a valid package name: ${JSON.stringify(wanted.name.slice(0, 100))}`);
    const project = normalizeName(wanted.name);
    const fromLock = options.lockName(project);
    if (fromLock) {
      lock.add(fromLock);
      continue;
    }
    const known = chosen.get(project);
    if (known) {
      if (wanted.specifier && !satisfies(known.version, wanted.specifier)) {
        throw new ResolveError(project, `${project} ${known.version} was picked, but ${wanted.requiredBy ?? 'the code'} needs ${project}${wanted.specifier}`);
      }
      const newExtras = wanted.extras.map(normalizeName).filter((extra) => !known.extras.has(extra));
      for (const extra of newExtras) known.extras.add(extra);
      if (newExtras.length) queue.push(...dependencies(known.requires, newExtras, project, options.env));
      continue;
    }
    if (chosen.size >= options.maxDistributions) throw new ResolveError(project, `more than ${options.maxDistributions} packages from the index in one run`);
    const files = await source.files(project);
    if (!files) throw new ResolveError(project, `${project} is not on the package index${wanted.requiredBy ? ` (required by ${wanted.requiredBy})` : ''}`);
    const pick = pickWheel(project, files, wanted.specifier, options.env);
    const metadata = pick.file.hasMetadata ? parseMetadata(await source.metadata(pick.file)) : { requires: [], requiresPython: undefined };
    if (!admitsPython(metadata.requiresPython, options.env)) {
      throw new ResolveError(project, `${project} ${pick.version} needs Python ${metadata.requiresPython}; Pyodide has ${options.env.pythonVersion}`);
    }
    const extras = new Set(wanted.extras.map(normalizeName));
    const entry = { project, version: pick.version, file: pick.file, extras, requires: metadata.requires };
    chosen.set(project, entry);
    order.push({ project, version: pick.version, file: pick.file });
    queue.push(...dependencies(metadata.requires, ['', ...extras], project, options.env));
  }
  // Dependencies were found after what needs them; installing them first changes nothing for
  // Pyodide (it installs before importing), but keeps the list readable.
  return { lock: [...lock], wheels: order.reverse() };
}

/** The highest version admitted by `specifier` (final releases before pre-releases) with a wheel Pyodide can install. */
export function pickWheel(project: string, files: readonly IndexFile[], specifier: string, env: IndexEnvironment): { version: string; file: IndexFile } {
  const byVersion = new Map<string, IndexFile[]>();
  for (const file of files) {
    const tags = wheelTags(file.filename);
    if (!tags || normalizeName(tags.name) !== project || !valid(tags.version)) continue;
    const version = tags.version;
    byVersion.set(version, [...(byVersion.get(version) ?? []), file]);
  }
  const versions = [...byVersion.keys()].filter((version) => !specifier || safeSatisfies(version, specifier)).sort(rcompare);
  const finals = versions.filter((version) => !isPreRelease(version));
  for (const version of [...finals, ...versions.filter(isPreRelease)]) {
    const usable = byVersion.get(version)!.filter((file) => !file.yanked && admitsPython(file.requiresPython, env));
    // Pyodide's own build first: it may be faster than the pure-Python fallback.
    const file = usable.find((f) => wheelKind(f.filename, env) === 'platform') ?? usable.find((f) => wheelKind(f.filename, env) === 'pure');
    if (file) return { version, file };
  }
  if (versions.length === 0) {
    const any = byVersion.size ? ` (it has ${[...byVersion.keys()].sort(rcompare).slice(0, 5).join(', ')})` : ' (it has no wheels)';
    throw new ResolveError(project, `no version of ${project}${specifier ? ` matches ${specifier}` : ''} on the package index${any}`);
  }
  const latest = versions[0];
  const tags = [...new Set(byVersion.get(latest)!.map((file) => file.filename.slice(0, -4).split('-').slice(-3).join('-')))];
  throw new ResolveError(
    project,
    `no wheel of ${project} fits Pyodide (pure-Python py3-none-any, or ${env.cpythonTag}-${env.platformTag}, for Python ${env.pythonVersion}); ${project} ${latest} offers only: ${tags.slice(0, 12).join(', ')}`,
  );
}

function safeSatisfies(version: string, specifier: string): boolean {
  try {
    return satisfies(version, specifier);
  } catch {
    return false;
  }
}

function isPreRelease(version: string): boolean {
  const parsed = parse(version);
  return !!(parsed?.pre || parsed?.dev);
}

/** `Requires-Dist` and `Requires-Python` of a core metadata file (headers end at the first blank line). */
export function parseMetadata(text: string): { requires: string[]; requiresPython: string | undefined } {
  const requires: string[] = [];
  let requiresPython: string | undefined;
  const headers = text.split(/\r?\n\r?\n/, 1)[0].replace(/\r?\n[ \t]+/g, ' ');
  for (const line of headers.split(/\r?\n/)) {
    const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (!match) continue;
    const key = match[1].toLowerCase();
    if (key === 'requires-dist') requires.push(match[2].trim());
    else if (key === 'requires-python') requiresPython = match[2].trim();
  }
  return { requires, requiresPython };
}

/** The requirements that apply to Pyodide, for the extras asked for ('' stands for none). */
function dependencies(requires: readonly string[], extras: readonly string[], requiredBy: string, env: IndexEnvironment): Wanted[] {
  const wanted: Wanted[] = [];
  for (const line of requires) {
    let requirement: Requirement | null;
    try {
      requirement = parsePipRequirementsLine(line);
    } catch {
      throw new ResolveError(requiredBy, `${requiredBy} has a requirement that cannot be read: ${JSON.stringify(line.slice(0, 200))}`);
    }
    if (!requirement || (requirement.type !== 'ProjectName' && requirement.type !== 'ProjectURL')) continue;
    const marker = requirement.environmentMarkerTree;
    if (marker && !extras.some((extra) => evaluateMarker(marker, env, extra))) continue;
    if (requirement.type === 'ProjectURL') throw new ResolveError(requiredBy, `${requiredBy} requires ${requirement.name} from a URL, which is not installed from an index`);
    const specifier = (requirement.versionSpec ?? []).map((spec) => `${spec.operator}${spec.version}`).join(',');
    wanted.push({ name: requirement.name, specifier, extras: requirement.extras ?? [], requiredBy });
  }
  return wanted;
}
