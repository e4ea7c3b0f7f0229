/**
 * worker/boot/table-function-modules.ts: Emscripten's wrapper modules (one tiny module per JavaScript
 * function put in the wasm table, alike but for the signature) are compiled once per kind. Installs
 * on this test process's `WebAssembly.Module`, as the worker does on its own.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { compileTableFunctionsOnce } from '../../worker/boot/table-function-modules.js';

/** Emscripten's `convertJsFunctionToWasm` module for a function of `params` i32s returning an i32: it imports `e.f` and exports it as `f`. */
function wrapperBytes(params: number): Uint8Array<ArrayBuffer> {
  const type = [1, 0x60, params, ...Array(params).fill(0x7f), 1, 0x7f];
  return new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, type.length, ...type, 2, 7, 1, 1, 101, 1, 102, 0, 0, 7, 5, 1, 1, 102, 0, 0]);
}

/** A valid module of more than 256 bytes: the wrapper with a custom section of padding. */
function largeBytes(): Uint8Array<ArrayBuffer> {
  const name = [1, 0x78]; // a name of one byte, "x"
  const size = name.length + 300; // 302, as an unsigned LEB128 of two bytes
  return new Uint8Array([...wrapperBytes(1), 0, (size & 0x7f) | 0x80, size >> 7, ...name, ...new Uint8Array(300)]);
}

describe('wrapper modules compiled once per kind', () => {
  const Original = WebAssembly.Module;
  beforeAll(() => compileTableFunctionsOnce());

  it('a second module of the same bytes is the first, and each instance calls its own import', () => {
    const first = new WebAssembly.Module(wrapperBytes(2));
    const second = new WebAssembly.Module(wrapperBytes(2));
    expect(second).toBe(first);
    const add = new WebAssembly.Instance(second, { e: { f: (a: number, b: number) => a + b } }).exports.f as (a: number, b: number) => number;
    const times = new WebAssembly.Instance(first, { e: { f: (a: number, b: number) => a * b } }).exports.f as (a: number, b: number) => number;
    expect([add(3, 4), times(3, 4)]).toEqual([7, 12]);
  });

  it('another signature is another module', () => {
    expect(new WebAssembly.Module(wrapperBytes(3))).not.toBe(new WebAssembly.Module(wrapperBytes(1)));
  });

  it('a module over 256 bytes is compiled each time, from an ArrayBuffer as from a view', () => {
    const bytes = largeBytes();
    expect(bytes.length).toBeGreaterThan(256);
    expect(new WebAssembly.Module(bytes)).not.toBe(new WebAssembly.Module(bytes));
    const buffer = bytes.slice().buffer;
    expect(new WebAssembly.Module(buffer)).not.toBe(new WebAssembly.Module(buffer));
  });

  it('is still WebAssembly.Module to the code around it: instanceof, its static functions, and bad bytes refused as before', () => {
    const module = new WebAssembly.Module(wrapperBytes(1));
    expect(WebAssembly.Module).not.toBe(Original);
    expect(module).toBeInstanceOf(WebAssembly.Module);
    expect(module).toBeInstanceOf(Original);
    expect(WebAssembly.Module.exports(module)).toEqual([{ name: 'f', kind: 'function' }]);
    expect(() => new WebAssembly.Module(new Uint8Array([1, 2, 3]))).toThrow(WebAssembly.CompileError);
  });

  it('a subclass gets a module of its own class', () => {
    class Mine extends WebAssembly.Module {}
    const mine = new Mine(wrapperBytes(2));
    expect(mine).toBeInstanceOf(Mine);
    expect(mine).not.toBe(new WebAssembly.Module(wrapperBytes(2)));
  });

  it('installs once: a second call leaves the same constructor', () => {
    const installed = WebAssembly.Module;
    compileTableFunctionsOnce();
    expect(WebAssembly.Module).toBe(installed);
  });
});
