/**
 * Token usage summed over the steps of one message (each step is a separate request).
 */
import type { GenerateContentResponseUsageMetadata } from '@google/genai';

const COUNTS = [
  'promptTokenCount',
  'candidatesTokenCount',
  'thoughtsTokenCount',
  'toolUsePromptTokenCount',
  'cachedContentTokenCount',
  'totalTokenCount',
] as const;

/** Sums the token counts of two usages (per-modality details are not summed and are left out). */
export function addUsage(
  a: GenerateContentResponseUsageMetadata | undefined,
  b: GenerateContentResponseUsageMetadata | undefined,
): GenerateContentResponseUsageMetadata | undefined {
  if (!a || !b) return a ?? b;
  const sum: GenerateContentResponseUsageMetadata = {};
  for (const key of COUNTS) {
    if (a[key] !== undefined || b[key] !== undefined) sum[key] = (a[key] ?? 0) + (b[key] ?? 0);
  }
  return sum;
}
