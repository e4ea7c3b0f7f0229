/** Types of passes.mjs, for the vitest configs. */
import type { TestProjectInlineConfiguration } from 'vitest/config';

export const ALONE: ReadonlyArray<{ name: string; files: string[] }>;
export const REST: string;
export const SHARED: { name: string; files: string[] };
export const EXAMPLES: { name: string; files: string[] };
export const FIRST_PASS_ONLY: string[];
export const NODE22_SUBSET: string[];
export const NODE26_SUBSET: string[];
export const QUICK_SKIPS: string[];
export const QUICK_CHROMIUM: string[];
export function firstPassProjects(): TestProjectInlineConfiguration[];
export function nodePassProjects(): TestProjectInlineConfiguration[];
export function quickProjects(): TestProjectInlineConfiguration[];
