/**
 * How a cell lists the page functions its code called (code mode): the rules, without a DOM. The
 * arguments and error messages come from the sandbox, so they are hostile: text, bounded.
 */
import { describe, expect, test } from 'vitest';
import {
  MAX_ARGS_CHARS,
  MAX_CALLS_SHOWN,
  MAX_ERROR_CHARS,
  addCodeCall,
  argsText,
  callText,
  callsCaption,
  checkedCellCalls,
  moreLine,
} from '../../src/ui/cell-calls.js';

const call = (args: Record<string, unknown>, extra: { error?: string; durationMs?: number } = {}) => ({
  name: 'get_sales',
  args,
  durationMs: 12.4,
  ...extra,
});

describe('a call as listed', () => {
  test('reads as the Python call, its outcome in words and whole milliseconds', () => {
    const [cell] = addCodeCall([], 0, call({ region: 'north', year: 2024 }));
    expect(callText(cell!.shown[0]!)).toEqual({ signature: 'get_sales(region="north", year=2024)', outcome: 'ok', time: '12 ms' });
    expect(callsCaption(cell!)).toBe('1 function call');
    expect(moreLine(cell!)).toBeUndefined();
  });

  test('an error is shown with its message, on one line and truncated', () => {
    const [cell] = addCodeCall([], 0, call({}, { error: `No data\nfor ${'x'.repeat(500)}`, durationMs: 3 }));
    const { outcome, time } = callText(cell!.shown[0]!);
    expect(outcome.startsWith('error: No data for xxx')).toBe(true);
    expect(outcome).not.toContain('\n');
    expect(outcome.length).toBe('error: '.length + MAX_ERROR_CHARS);
    expect(outcome.endsWith('…')).toBe(true);
    expect(time).toBe('3 ms');
  });

  test('long arguments are cut to a bounded line; markup stays text', () => {
    const [cell] = addCodeCall([], 0, call({ html: '<img src=x onerror=alert(1)>', blob: 'y'.repeat(100_000) }));
    const { args } = cell!.shown[0]!;
    expect(args.length).toBe(MAX_ARGS_CHARS);
    expect(args.startsWith('html="<img src=x onerror=alert(1)>", blob="yyy')).toBe(true);
    expect(args.endsWith('…')).toBe(true);
  });

  test('a key that is no Python name is quoted; values that JSON cannot write still give text', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(argsText({ 'two words': 1, n: null, big: 10n, cyclic })).toBe('"two words"=1, n=null, big=bigint, cyclic=object');
    expect(argsText(undefined)).toBe('');
  });
});

describe('the calls of a message, by cell', () => {
  test('each cell keeps its own calls, in order', () => {
    let list = addCodeCall([], 1, call({ region: 'a' }));
    list = addCodeCall(list, 0, call({ region: 'b' }));
    list = addCodeCall(list, 1, call({ region: 'c' }));
    expect(list.map((c) => [c.cell, c.shown.map((s) => s.args)])).toEqual([
      [0, ['region="b"']],
      [1, ['region="a"', 'region="c"']],
    ]);
  });

  test(`a cell lists the first ${MAX_CALLS_SHOWN} calls and counts the rest`, () => {
    let list = addCodeCall([], 0, call({ i: 0 }));
    for (let i = 1; i < 1000; i++) list = addCodeCall(list, 0, call({ i }));
    const [cell] = list;
    expect(cell!.shown).toHaveLength(MAX_CALLS_SHOWN);
    expect(cell!.shown.at(-1)!.args).toBe(`i=${MAX_CALLS_SHOWN - 1}`);
    expect(cell!.more).toBe(1000 - MAX_CALLS_SHOWN);
    expect(callsCaption(cell!)).toBe('1000 function calls');
    expect(moreLine(cell!)).toBe(`and ${1000 - MAX_CALLS_SHOWN} more`);
  });

  test('calls read back from storage are checked and bounded again', () => {
    const stored = [{ cell: 0, shown: Array.from({ length: 25 }, () => ({ name: 'f', args: 'z'.repeat(999), ms: 2.6 })), more: 5 }];
    const [cell] = checkedCellCalls(stored)!;
    expect(cell!.shown).toHaveLength(MAX_CALLS_SHOWN);
    expect(cell!.shown[0]).toEqual({ name: 'f', args: `${'z'.repeat(MAX_ARGS_CHARS - 1)}…`, ms: 3 });
    expect(cell!.more).toBe(10);
    expect(checkedCellCalls('nope')).toBeUndefined();
    expect(checkedCellCalls([{ cell: 'x', shown: [] }])).toBeUndefined();
  });
});
