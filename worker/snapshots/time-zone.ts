/**
 * A memory snapshot holds the time zone of the machine that made it: the C library's `timezone`,
 * `daylight` and `tzname` (set once at startup, then never again) and Python's `time.timezone`,
 * `time.altzone`, `time.daylight` and `time.tzname` (set when `time` was imported). A snapshot
 * built in CI restored in Berlin would say UTC. After a restore, both are set again from this
 * engine's clock, as a fresh start would set them. (Local times themselves were always right:
 * each `localtime` call asks JavaScript.)
 */
import type { PyodideInterface } from 'pyodide';

interface TimeZoneModule {
  HEAPU32: Uint32Array;
  HEAP32: Int32Array;
  UTF8ToString(pointer: number): string;
  __tzset_js(timezone: number, daylight: number, stdName: number, dstName: number): void;
  _timezone: number;
  _daylight: number;
  _tzname: number;
  ___timezone?: number;
  ___daylight?: number;
  ___tzname?: number;
}

export function refreshTimeZone(pyodide: PyodideInterface): void {
  const m = (pyodide as unknown as { _module: TimeZoneModule })._module;
  // Both the public names and musl's internal ones, where they are separate variables.
  const sets: Array<[number, number, number]> = [[m._timezone, m._daylight, m._tzname]];
  if (m.___timezone !== undefined && m.___daylight !== undefined && m.___tzname !== undefined) sets.push([m.___timezone, m.___daylight, m.___tzname]);
  for (const [timezone, daylight, tzname] of new Map(sets.map((s) => [s.join(), s])).values()) {
    m.__tzset_js(timezone, daylight, m.HEAPU32[tzname >>> 2], m.HEAPU32[(tzname >>> 2) + 1]);
  }
  const offset = m.HEAPU32[m._timezone >>> 2] | 0;
  const dst = m.HEAP32[m._daylight >>> 2];
  const names = [0, 1].map((i) => m.UTF8ToString(m.HEAPU32[(m._tzname >>> 2) + i]));
  // As CPython's time module computes them at import (altzone: an hour less where there is DST).
  pyodide.runPython(`import time
time.timezone = ${offset}
time.altzone = ${dst ? offset - 3600 : offset}
time.daylight = ${dst}
time.tzname = (${JSON.stringify(names[0])}, ${JSON.stringify(names[1])})`);
}
