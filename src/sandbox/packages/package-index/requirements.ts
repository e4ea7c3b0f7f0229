/**
 * A distribution's `Requires-Dist` lines, parsed once each, bounded before they are parsed: the
 * parser (pip-requirements-js, on ohm) takes about 0.1-0.9 ms a line and grows faster than the
 * line (20 ms at 1,000 characters, 170 ms at 4,000 on the test machine), and before, every extra
 * asked of a chosen distribution parsed all its lines again, so metadata naming extras in a chain
 * (`chain[e1]`, `chain[e2]; extra == "e1"`, …) froze the host for minutes. Now the lines are
 * parsed when the distribution is chosen, yielding between them, and each extra asked for only
 * evaluates the parsed markers.
 */
import { type EnvironmentMarker, type Requirement, parsePipRequirementsLine } from 'pip-requirements-js';
import type { Pacer } from '../../downloads/pacer.js';
import { type IndexEnvironment, evaluateMarker } from './target-environment.js';

/** Far above real metadata (a package's own extras included), far below a freeze. */
export const REQUIREMENT_BOUNDS = {
  /** `Requires-Dist` lines of one distribution. */
  maxLines: 500,
  /** Characters of one line (real ones are under 200). */
  maxLineChars: 500,
  /** Extras asked of one distribution in one resolution. */
  maxExtras: 64,
} as const;

/** One requirement as the resolver needs it. */
export interface ParsedRequirement {
  name: string;
  /** PEP 440 specifier (`>=1,<2`), '' for any. */
  specifier: string;
  extras: string[];
  marker?: EnvironmentMarker;
  /** A direct URL reference (`name @ https://…`), which is not installed from an index. */
  fromUrl: boolean;
}

/** What a requirement asks for, and of whom. */
export interface Wanted {
  name: string;
  specifier: string;
  extras: string[];
  requiredBy?: string;
}

/** Thrown when `project`'s metadata cannot be used; the resolver names the project. */
export class RequirementError extends Error {}

/** Parses `project`'s `Requires-Dist` lines once each (bounded first, yielding between lines). */
export async function parseRequirements(project: string, lines: readonly string[], pacer: Pacer): Promise<ParsedRequirement[]> {
  if (lines.length > REQUIREMENT_BOUNDS.maxLines)
    throw new RequirementError(`${project}'s metadata has ${lines.length} requirements, more than ${REQUIREMENT_BOUNDS.maxLines}; refused`);
  const parsed: ParsedRequirement[] = [];
  for (const line of lines) {
    if (line.length > REQUIREMENT_BOUNDS.maxLineChars)
      throw new RequirementError(`${project} has a requirement of ${line.length} characters, more than ${REQUIREMENT_BOUNDS.maxLineChars}; refused`);
    await pacer.step();
    let requirement: Requirement | null;
    try {
      requirement = parsePipRequirementsLine(line);
    } catch {
      throw new RequirementError(`${project} has a requirement that cannot be read: ${JSON.stringify(line.slice(0, 200))}`);
    }
    if (!requirement || (requirement.type !== 'ProjectName' && requirement.type !== 'ProjectURL')) continue;
    const specifier = requirement.type === 'ProjectName' ? (requirement.versionSpec ?? []).map((spec) => `${spec.operator}${spec.version}`).join(',') : '';
    parsed.push({
      name: requirement.name,
      specifier,
      extras: requirement.extras ?? [],
      marker: requirement.environmentMarkerTree,
      fromUrl: requirement.type === 'ProjectURL',
    });
  }
  return parsed;
}

/**
 * The requirements that apply to Pyodide for any of `extras` ('' stands for none), evaluating
 * only the parsed markers. `project` is the distribution they are of.
 */
export async function applicable(
  project: string,
  requirements: readonly ParsedRequirement[],
  extras: readonly string[],
  env: IndexEnvironment,
  pacer: Pacer,
): Promise<Wanted[]> {
  const wanted: Wanted[] = [];
  for (const requirement of requirements) {
    await pacer.step();
    if (requirement.marker && !extras.some((extra) => evaluateMarker(requirement.marker!, env, extra))) continue;
    if (requirement.fromUrl) throw new RequirementError(`${project} requires ${requirement.name} from a URL, which is not installed from an index`);
    wanted.push({ name: requirement.name, specifier: requirement.specifier, extras: requirement.extras, requiredBy: project });
  }
  return wanted;
}
