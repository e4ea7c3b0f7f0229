/**
 * Picks what `import x` needs from a Python package index: the distribution, the highest version
 * whose `Requires-Python` and wheels fit Pyodide, and its dependencies (PEP 508 requirements from
 * its PEP 658 metadata, markers evaluated for Pyodide, extras not asked for dropped), recursively.
 * Dependencies the lock file provides come from the lock file, as the lock has them: the lock is
 * the set Pyodide was built and tested with. One pass, no backtracking: the first version picked
 * for a name stays, and a later requirement it does not meet is a conflict, said as such.
 */
import { compare, parse, satisfies, valid } from '@renovatebot/pep440';
import { isDistributionName, normalizeName } from '../distribution-names.js';
import { Pacer } from '../../downloads/pacer.js';
import { type ParsedRequirement, REQUIREMENT_BOUNDS, RequirementError, type Wanted, applicable, parseRequirements } from './requirements.js';
import { type IndexEnvironment, admitsPython, wheelKind, wheelTags } from './target-environment.js';

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

export interface ResolveOptions {
  env: IndexEnvironment;
  /** Lock-file package name of a normalized distribution name, if the lock has it. */
  lockName(normalized: string): string | undefined;
  /** Most distributions one resolution may take from the index. */
  maxDistributions: number;
  /** Stops the resolution between its steps (its time bound, the run's end). */
  signal?: AbortSignal;
}

/**
 * Resolves the distributions `names` (as asked: import names mapped to distributions by the caller).
 * Linear in what the index sends: each distribution's requirements are parsed once, an extra asked
 * of a chosen one only evaluates them, and the work yields to the event loop every few ms (pacer.ts).
 */
export async function resolveFromIndex(names: readonly string[], source: IndexSource, options: ResolveOptions): Promise<Resolution> {
  const pacer = new Pacer(options.signal);
  const lock = new Set<string>();
  const chosen = new Map<string, ResolvedWheel & { extras: Set<string>; requirements: ParsedRequirement[] }>();
  const order: ResolvedWheel[] = [];
  const queue: Wanted[] = names.map((name) => ({ name, specifier: '', extras: [] }));
  const wants = async (project: string, requirements: readonly ParsedRequirement[], extras: readonly string[]) => {
    try {
      return await applicable(project, requirements, extras, options.env, pacer);
    } catch (error) {
      throw error instanceof RequirementError ? new ResolveError(project, error.message) : error;
    }
  };
  // An index, not a cursor into an array that shifts: a long queue stays linear.
  for (let next = 0; next < queue.length; next++) {
    await pacer.step();
    const wanted = queue[next];
    if (!isDistributionName(wanted.name))
      throw new ResolveError(wanted.name.slice(0, 100), `not a valid package name: ${JSON.stringify(wanted.name.slice(0, 100))}`);
    const project = normalizeName(wanted.name);
    const fromLock = options.lockName(project);
    if (fromLock) {
      lock.add(fromLock);
      continue;
    }
    const known = chosen.get(project);
    if (known) {
      if (wanted.specifier && !safeSatisfies(known.version, wanted.specifier)) {
        throw new ResolveError(project, `${project} ${known.version} was picked, but ${wanted.requiredBy ?? 'the code'} needs ${project}${wanted.specifier}`);
      }
      const newExtras = [...new Set(wanted.extras.map(normalizeName))].filter((extra) => !known.extras.has(extra));
      if (known.extras.size + newExtras.length > REQUIREMENT_BOUNDS.maxExtras) {
        throw new ResolveError(project, `more than ${REQUIREMENT_BOUNDS.maxExtras} extras of ${project} were asked for in one run; refused`);
      }
      for (const extra of newExtras) known.extras.add(extra);
      if (newExtras.length) queue.push(...(await wants(project, known.requirements, newExtras)));
      continue;
    }
    if (chosen.size >= options.maxDistributions) throw new ResolveError(project, `more than ${options.maxDistributions} packages from the index in one run`);
    const files = await source.files(project);
    if (!files) throw new ResolveError(project, `${project} is not on the package index${wanted.requiredBy ? ` (required by ${wanted.requiredBy})` : ''}`);
    const pick = await pickWheel(project, files, wanted.specifier, options.env, pacer);
    const metadata = pick.file.hasMetadata ? parseMetadata(await source.metadata(pick.file)) : { requires: [], requiresPython: undefined };
    if (!admitsPython(metadata.requiresPython, options.env)) {
      throw new ResolveError(project, `${project} ${pick.version} needs Python ${metadata.requiresPython}; Pyodide has ${options.env.pythonVersion}`);
    }
    const extras = new Set(wanted.extras.map(normalizeName));
    if (extras.size > REQUIREMENT_BOUNDS.maxExtras)
      throw new ResolveError(project, `more than ${REQUIREMENT_BOUNDS.maxExtras} extras of ${project} were asked for in one run; refused`);
    let requirements: ParsedRequirement[];
    try {
      requirements = await parseRequirements(project, metadata.requires, pacer);
    } catch (error) {
      throw error instanceof RequirementError ? new ResolveError(project, error.message) : error;
    }
    chosen.set(project, { project, version: pick.version, file: pick.file, extras, requirements });
    order.push({ project, version: pick.version, file: pick.file });
    queue.push(...(await wants(project, requirements, ['', ...extras])));
  }
  // Dependencies were found after what needs them; installing them first changes nothing for
  // Pyodide (it installs before importing), but keeps the list readable.
  return { lock: [...lock], wheels: order.reverse() };
}

/**
 * The highest version admitted by `specifier` (final releases before pre-releases) with a wheel
 * Pyodide can install. Linear in the page, yielding as it goes: a page may hold tens of thousands
 * of files (before, grouping them was quadratic, and sorting every version parsed each one again
 * per comparison).
 */
export async function pickWheel(
  project: string,
  files: readonly IndexFile[],
  specifier: string,
  env: IndexEnvironment,
  pacer = new Pacer(),
): Promise<{ version: string; file: IndexFile }> {
  const byVersion = new Map<string, IndexFile[]>();
  const validVersions = new Map<string, boolean>();
  for (const file of files) {
    await pacer.step();
    const tags = wheelTags(file.filename);
    if (!tags || normalizeName(tags.name) !== project) continue;
    const version = tags.version;
    let isValid = validVersions.get(version);
    if (isValid === undefined) validVersions.set(version, (isValid = !!valid(version)));
    if (!isValid) continue;
    const group = byVersion.get(version);
    if (group) group.push(file);
    else byVersion.set(version, [file]);
  }
  // Many files share a Requires-Python: each distinct one is read once.
  const admitted = new Map<string | undefined, boolean>();
  const admits = (requiresPython: string | undefined) => {
    let yes = admitted.get(requiresPython);
    if (yes === undefined) admitted.set(requiresPython, (yes = admitsPython(requiresPython, env)));
    return yes;
  };
  const usableFile = async (group: readonly IndexFile[]) => {
    let pure: IndexFile | undefined;
    for (const file of group) {
      await pacer.step();
      if (file.yanked || !admits(file.requiresPython)) continue;
      const kind = wheelKind(file.filename, env);
      // Pyodide's own build first: it may be faster than the pure-Python fallback.
      if (kind === 'platform') return file;
      if (kind === 'pure') pure ??= file;
    }
    return pure;
  };
  const candidates: string[] = [];
  let best: { version: string; file: IndexFile; pre: boolean } | undefined;
  for (const [version, group] of byVersion) {
    await pacer.step();
    if (specifier && !safeSatisfies(version, specifier)) continue;
    candidates.push(version);
    const pre = isPreRelease(version);
    if (best && !best.pre && pre) continue;
    if (best && best.pre === pre && compare(version, best.version) <= 0) continue;
    const file = await usableFile(group);
    if (file) best = { version, file, pre };
  }
  if (best) return { version: best.version, file: best.file };
  if (candidates.length === 0) {
    const any = byVersion.size ? ` (it has ${highest([...byVersion.keys()], 5).join(', ')})` : ' (it has no wheels)';
    throw new ResolveError(project, `no version of ${project}${specifier ? ` matches ${specifier}` : ''} on the package index${any}`);
  }
  const [latest] = highest(candidates, 1);
  const tags = [...new Set(byVersion.get(latest)!.map((file) => file.filename.slice(0, -4).split('-').slice(-3).join('-')))];
  throw new ResolveError(
    project,
    `no wheel of ${project} fits Pyodide (pure-Python py3-none-any, or ${env.cpythonTag}-${env.platformTag}, for Python ${env.pythonVersion}); ${project} ${latest} offers only: ${tags.slice(0, 12).join(', ')}`,
  );
}

/** The `count` highest of `versions`, highest first, in `count` passes (no sort of them all). */
function highest(versions: readonly string[], count: number): string[] {
  const left = [...versions];
  const top: string[] = [];
  while (top.length < count && left.length) {
    let at = 0;
    for (let i = 1; i < left.length; i++) if (compare(left[i], left[at]) > 0) at = i;
    top.push(...left.splice(at, 1));
  }
  return top;
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
