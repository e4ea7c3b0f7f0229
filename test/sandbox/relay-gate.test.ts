/**
 * The Deno relay's gate (relay-gate.ts): what a message will cost the host is measured before it
 * is encoded, and what no honest worker sends is named. End to end (the worker stopped, the host
 * unpaused) it is deno-escape.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { gateRefusal } from '../../src/sandbox/isolation/relay-gate.js';

const limits = { maxMessageChars: 1000, maxMessageBytes: 4096 };

describe("the Deno relay's gate", () => {
  it('lets honest messages through: plain objects, arrays, text and bytes within the bounds', () => {
    const answer = { id: 'a', type: 'RAW', value: { outcome: 'OUTCOME_OK', files: [{ path: 'f', data: 'QUJD' }], n: 1, ok: true, none: null } };
    expect(gateRefusal(answer, limits)).toBeUndefined();
    expect(gateRefusal({ value: new Uint8Array(4096) }, limits)).toBeUndefined();
    expect(gateRefusal(Object.assign(Object.create(null), { a: 1 }), limits)).toBeUndefined();
  });

  it('counts bytes, every view and buffer', () => {
    expect(gateRefusal({ value: new Uint8Array(4097) }, limits)).toBe('a message of more than 4096 bytes');
    expect(gateRefusal([new ArrayBuffer(3000), new Float64Array(200)], limits)).toBe('a message of more than 4096 bytes');
  });

  it("counts an array's length before walking it, so a huge empty array costs what its JSON will", () => {
    expect(gateRefusal({ files: new Array(10 ** 9) }, limits)).toBe('a message of more than 1000 characters');
    expect(gateRefusal(['x'.repeat(600), 'y'.repeat(600)], limits)).toBe('a message of more than 1000 characters');
  });

  it('refuses a sparse array, whose holes the walk would not see', () => {
    expect(gateRefusal({ files: new Array(500) }, limits)).toBe('a sparse array');
    expect(gateRefusal(Object.assign(new Array(3), { 0: 1, 2: 3 }), limits)).toBe('a sparse array');
  });

  it('refuses what is not plain data', () => {
    for (const value of [new Map([[1, 'x']]), new Set([1]), new Date(0), new Error('e'), /x/, Object(true), Object('text')]) {
      expect(gateRefusal({ value }, limits)).toMatch(/^an object that is not plain data \(\w+\)$/);
    }
    expect(gateRefusal({ value: 10n }, limits)).toBe('a BigInt, which JSON cannot carry');
    class Custom extends Array {}
    expect(gateRefusal(Custom.from([1]), limits)).toBe('an array of another kind');
  });

  it('ends on a cycle (over the bound, not forever)', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(gateRefusal(cycle, limits)).toBe('a message of more than 1000 characters');
  });
});
