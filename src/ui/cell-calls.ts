/**
 * The page functions a cell's code called (code mode's `code-call` events), as the cell lists them:
 * kept per cell, bounded, and already reduced to text when they arrive, since their arguments and
 * error messages come from the sandbox (hostile, and possibly huge). No DOM, no Lit.
 *
 * They are extra UI state beside the transcript's parts (the Gemini parts keep their shape), saved
 * with the conversation, and checked again when read back.
 */
import type { CodeCallEvent } from '../agent/events.js';

/** Calls a cell lists; the rest are counted ("and 3 more"). */
export const MAX_CALLS_SHOWN = 20;
/** Longest arguments text shown per call. */
export const MAX_ARGS_CHARS = 120;
/** Longest error message shown per call. */
export const MAX_ERROR_CHARS = 200;
const MAX_NAME_CHARS = 64;

/** One call as listed: text only. */
export interface ShownCall {
  name: string;
  /** Keyword arguments as Python writes them, `region="north", year=2024`, truncated. */
  args: string;
  /** The handler's error message, truncated; absent when it returned. */
  error?: string;
  /** How long the handler took, in whole milliseconds. */
  ms: number;
}

/** The calls of one cell: `cell` counts the message's runs from 0 (the n-th run is the n-th cell with code). */
export interface CellCalls {
  cell: number;
  shown: ShownCall[];
  /** Calls made beyond {@link MAX_CALLS_SHOWN}. */
  more: number;
}

/** `list` with `event` added to cell `cell` (a new array: the view model is replaced, not changed in place). */
export function addCodeCall(list: readonly CellCalls[], cell: number, event: Pick<CodeCallEvent, 'name' | 'args' | 'error' | 'durationMs'>): CellCalls[] {
  const existing = list.find((calls) => calls.cell === cell) ?? { cell, shown: [], more: 0 };
  // Past the bound a call is only counted: its arguments are never even turned into text.
  const updated =
    existing.shown.length >= MAX_CALLS_SHOWN ? { ...existing, more: existing.more + 1 } : { ...existing, shown: [...existing.shown, shownCall(event)] };
  return [...list.filter((calls) => calls !== existing), updated].sort((a, b) => a.cell - b.cell);
}

function shownCall(event: Pick<CodeCallEvent, 'name' | 'args' | 'error' | 'durationMs'>): ShownCall {
  return {
    name: truncate(String(event.name), MAX_NAME_CHARS),
    args: truncate(argsText(event.args), MAX_ARGS_CHARS),
    ...(event.error !== undefined && { error: truncate(oneLine(String(event.error)), MAX_ERROR_CHARS) }),
    ms: Number.isFinite(event.durationMs) ? Math.max(0, Math.round(event.durationMs)) : 0,
  };
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `key=value` pairs, each value as JSON; a key that is no Python name is quoted. Never throws. */
export function argsText(args: unknown): string {
  if (typeof args !== 'object' || args === null) return '';
  const pairs: string[] = [];
  let length = 0;
  for (const [key, value] of Object.entries(args)) {
    // Enough to fill the line: later arguments would only be cut off.
    if (length > MAX_ARGS_CHARS) break;
    const pair = `${IDENTIFIER.test(key) ? key : JSON.stringify(key)}=${valueText(value)}`;
    pairs.push(pair);
    length += pair.length + 2;
  }
  return pairs.join(', ');
}

function valueText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(typeof value);
  }
}

/** A call's line in three pieces of text: `get_sales(region="north")`, `ok` or `error: …`, `12 ms`. */
export function callText(call: ShownCall): { signature: string; outcome: string; time: string } {
  return { signature: `${call.name}(${call.args})`, outcome: call.error === undefined ? 'ok' : `error: ${call.error}`, time: `${call.ms} ms` };
}

/** The caption above a cell's list: how many calls in all. */
export function callsCaption(calls: CellCalls): string {
  const total = calls.shown.length + calls.more;
  return total === 1 ? '1 function call' : `${total} function calls`;
}

/** The line after the listed calls, or undefined when all are listed. */
export function moreLine(calls: CellCalls): string | undefined {
  return calls.more > 0 ? `and ${calls.more} more` : undefined;
}

/**
 * Calls read back from storage, checked and bounded again (anything on the page could have
 * written the record); `undefined` when the value is not such a list.
 */
export function checkedCellCalls(value: unknown): CellCalls[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const checked: CellCalls[] = [];
  for (const item of value.slice(0, 1000)) {
    const { cell, shown, more } = (item ?? {}) as Partial<CellCalls>;
    if (!Number.isInteger(cell) || !Array.isArray(shown)) return undefined;
    const calls = shown.slice(0, MAX_CALLS_SHOWN).map((call: Partial<ShownCall> | null) => ({
      name: truncate(String(call?.name ?? ''), MAX_NAME_CHARS),
      args: truncate(String(call?.args ?? ''), MAX_ARGS_CHARS),
      ...(call?.error !== undefined && { error: truncate(String(call.error), MAX_ERROR_CHARS) }),
      ms: Number.isFinite(call?.ms) ? Math.max(0, Math.round(call!.ms!)) : 0,
    }));
    const extra = Number.isInteger(more) && more! > 0 ? more! : 0;
    checked.push({ cell: cell!, shown: calls, more: extra + Math.max(0, shown.length - MAX_CALLS_SHOWN) });
  }
  return checked;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
