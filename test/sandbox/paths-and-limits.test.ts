import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, resolveLimits } from '../../src/sandbox/limits.js';
import { toWorkdirPath } from '../../src/sandbox/files/workdir-paths.js';

describe('toWorkdirPath', () => {
  it.each([
    ['data.csv', 'data.csv'],
    ['./out/a.png', 'out/a.png'],
    ['/home/pyodide/x/y.txt', 'x/y.txt'],
    ['a/../b.txt', 'b.txt'],
    ['dir\\file.txt', 'dir/file.txt'],
  ])('normalizes %j to %j', (input, expected) => {
    expect(toWorkdirPath(input)).toBe(expected);
  });

  it.each(['../x', '/etc/passwd', '/home/pyodidex/a', '', '   ', '.', '/home/pyodide', 'a\0b', 7])('refuses %j', (input) => {
    expect(() => toWorkdirPath(input)).toThrow(TypeError);
  });
});

describe('resolveLimits', () => {
  it('uses Gemini-like defaults (30 s, about 32 KB of output)', () => {
    expect(resolveLimits()).toEqual(DEFAULT_LIMITS);
    expect(DEFAULT_LIMITS.timeoutMs).toBe(30_000);
  });

  it('merges overrides over the defaults', () => {
    expect(resolveLimits({ timeoutMs: 5000 }).timeoutMs).toBe(5000);
  });

  it('names the setting in the error for an out-of-range value', () => {
    expect(() => resolveLimits({ maxOutputBytes: 10 })).toThrow(/maxOutputBytes must be a number from 256/);
  });

  it('takes the function call caps (100 per run, 8 at once by default) as whole numbers', () => {
    expect(DEFAULT_LIMITS).toMatchObject({ maxFunctionCalls: 100, maxConcurrentFunctionCalls: 8 });
    expect(resolveLimits({ maxFunctionCalls: 5, maxConcurrentFunctionCalls: 1 })).toMatchObject({ maxFunctionCalls: 5, maxConcurrentFunctionCalls: 1 });
    expect(() => resolveLimits({ maxFunctionCalls: 0 })).toThrow(/maxFunctionCalls must be a whole number from 1 to 100000/);
    expect(() => resolveLimits({ maxConcurrentFunctionCalls: 2.5 })).toThrow(/maxConcurrentFunctionCalls must be a whole number from 1/);
  });
});
