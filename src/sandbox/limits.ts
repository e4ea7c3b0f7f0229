import type { ChartLimits, SandboxLimits } from '../shared/types.js';
import { base64Length } from './files/base64.js';

/** Defaults follow Gemini's server-side sandbox where it has one (30 s). */
export const DEFAULT_LIMITS: Readonly<SandboxLimits> = Object.freeze({
  timeoutMs: 30_000,
  maxOutputBytes: 32 * 1024,
  maxFileBytes: 10 * 1024 * 1024,
  maxTotalFileBytes: 25 * 1024 * 1024,
  maxMemoryBytes: 2 * 1024 * 1024 * 1024,
  recursionLimit: 1000,
  interruptGraceMs: 1000,
  bootTimeoutMs: 120_000,
  callTimeoutMs: 15_000,
  functionTimeoutMs: 30_000,
  maxFunctionCalls: 100,
  maxConcurrentFunctionCalls: 8,
});

/** Images one run returns at most (the worker skips more, with a note). */
export const MAX_IMAGES_PER_RUN = 20;

/**
 * Charts one run returns at most, as JSON text: the worker skips more (with a note), the host
 * stops a worker that sends more, and refuses a chart from anywhere that is larger.
 */
export const CHART_LIMITS: Readonly<ChartLimits> = Object.freeze({
  maxCharts: 10,
  maxChartChars: 2 * 1024 * 1024,
  maxTotalChartChars: 4 * 1024 * 1024,
});

/**
 * How deep a chart's JSON may nest (objects and arrays): a real Vega-Lite spec nests about ten
 * deep. Checked on the text before it is parsed, so a deep one costs no stack.
 */
export const MAX_CHART_DEPTH = 64;

/** Files of the working directory one run looks at (and so returns) at most. */
export const MAX_FILES_PER_RUN = 5000;

/** Longest wall time one run may be given: a day. Anything longer is a bug in the caller. */
export const MAX_TIMEOUT_MS = 24 * 60 * 60 * 1000;

const RANGES: Record<keyof SandboxLimits, [min: number, max: number]> = {
  timeoutMs: [1, MAX_TIMEOUT_MS],
  maxOutputBytes: [256, 256 * 1024 * 1024],
  maxFileBytes: [0, 1024 * 1024 * 1024],
  maxTotalFileBytes: [0, 4 * 1024 * 1024 * 1024],
  maxMemoryBytes: [64 * 1024 * 1024, 4 * 1024 * 1024 * 1024],
  recursionLimit: [50, 100_000],
  interruptGraceMs: [0, 60_000],
  bootTimeoutMs: [1000, 30 * 60 * 1000],
  callTimeoutMs: [100, 10 * 60 * 1000],
  functionTimeoutMs: [1, MAX_TIMEOUT_MS],
  maxFunctionCalls: [1, 100_000],
  maxConcurrentFunctionCalls: [1, 1000],
};

/** Limits that count things, so a fraction is a mistake. */
const COUNTS: ReadonlySet<keyof SandboxLimits> = new Set(['maxFunctionCalls', 'maxConcurrentFunctionCalls']);

/** Checks one limit and returns it; throws a `RangeError` that names the setting. */
export function checkLimit(name: keyof SandboxLimits, value: unknown): number {
  const [min, max] = RANGES[name];
  const whole = COUNTS.has(name);
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (whole && !Number.isInteger(value))) {
    throw new RangeError(`${name} must be a ${whole ? 'whole ' : ''}number from ${min} to ${max}; got ${String(value)}`);
  }
  return value;
}

/** Merges user limits over the defaults, validating each. */
export function resolveLimits(overrides: Partial<SandboxLimits> = {}): SandboxLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in RANGES)) throw new TypeError(`Unknown limit "${key}"; known: ${Object.keys(RANGES).join(', ')}`);
    if (value !== undefined) limits[key as keyof SandboxLimits] = checkLimit(key as keyof SandboxLimits, value);
  }
  return limits;
}

/** The longest output field (output, stdout, stderr, error text) an honest run result has: the worker caps output itself; slack for notes. */
export function maxOutputFieldChars(limits: Pick<SandboxLimits, 'maxOutputBytes'>): number {
  return limits.maxOutputBytes * 2 + 4096;
}

/** Live output one run may stream: the worker streams at most the head of its capped output, then notes; twice is slack enough. */
export function maxStreamedChars(limits: Pick<SandboxLimits, 'maxOutputBytes'>): number {
  return limits.maxOutputBytes * 2 + 64 * 1024;
}

/**
 * The most text one message from the worker may carry: a run result with files, images and charts
 * at their limits (base64, JSON), its output fields, and slack for names and notes. Larger is a worker
 * that misbehaves (checked in the isolation frame, so the page never deserializes it).
 */
export function maxMessageChars(limits: SandboxLimits): number {
  // A chart's JSON text is a string inside the result's JSON: escaping its quotes at most doubles it.
  return 2 * base64Length(limits.maxTotalFileBytes) + 2 * CHART_LIMITS.maxTotalChartChars + 8 * maxOutputFieldChars(limits) + 1024 * 1024;
}
