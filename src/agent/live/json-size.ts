/**
 * What a JSON value costs, measured without recursion (a hostile value may be nested deeper than
 * the stack goes: `structuredClone` and `JSON.stringify` throw on a 20,000-deep one) and without
 * copying, stopping as soon as a bound is passed.
 */
import { utf8Bytes } from './utf8.js';

/** How a measure ended: the value's JSON bytes, or the bound it passed. */
export type JsonMeasure = { ok: true; bytes: number } | { ok: false; tooDeep: boolean };

/**
 * The UTF-8 bytes of `value` as compact JSON (about: numbers count their shortest form), or which
 * bound it passes: nesting deeper than `maxDepth` (an object or array is one level) or more than
 * `maxBytes`.
 */
export function measureJson(value: unknown, maxDepth: number, maxBytes: number): JsonMeasure {
  let bytes = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item === 'string') bytes += utf8Bytes(item) + 2;
    else if (typeof item === 'number' || typeof item === 'boolean') bytes += String(item).length;
    else if (item === null || item === undefined) bytes += 4;
    else if (typeof item === 'object') {
      if (depth > maxDepth) return { ok: false, tooDeep: true };
      bytes += 2;
      if (Array.isArray(item)) {
        for (const entry of item) stack.push([entry, depth + 1]);
        bytes += item.length;
      } else {
        for (const key in item) {
          if (!Object.hasOwn(item, key)) continue;
          bytes += utf8Bytes(key) + 4;
          stack.push([(item as Record<string, unknown>)[key], depth + 1]);
        }
      }
    }
    if (bytes > maxBytes) return { ok: false, tooDeep: false };
  }
  return { ok: true, bytes };
}

/** True when JSON text nests objects and arrays deeper than `maxDepth` (a scan: nothing is parsed). */
export function jsonTextTooDeep(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c) i++;
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x7b || code === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (code === 0x7d || code === 0x5d) depth--;
  }
  return false;
}
