/**
 * A voice session's run in the widget's transcript: its result and live chart are shown as the run
 * ends, as in the chat, before the session's transcript has them (the session adds them once the
 * model's pictures of the charts are drawn), and once only when it does; a later cell's streamed
 * output stays while it runs. `VoiceTurns` in Node, fed the session's events and a transcript the
 * test sets.
 */
import type { Content, Part } from '@google/genai';
import { describe, expect, test } from 'vitest';
import { toParts } from '../../src/agent/run-python/parts.js';
import { type Entry, type EntryData, type ModelEntry, shownParts } from '../../src/ui/state/entries.js';
import { VoiceTurns } from '../../src/ui/voice/voice-turns.js';
import { lineChartSpec, runResult } from '../support/fixtures.js';

const CHART = { mimeType: 'application/vnd.vegalite.v6+json' as const, spec: JSON.stringify(lineChartSpec(5)) };
const PNG: Part = { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } };
const kinds = (parts: Part[]) => parts.map((part) => part.inlineData?.mimeType ?? Object.keys(part)[0]);

/** The widget's side of the turns: the entries they append, in a list. */
function widgetEntries() {
  const entries: Entry[] = [];
  const conversation = {
    append: (data: EntryData) => {
      const entry = { ...data, id: entries.length } as Entry;
      entries.push(entry);
      return entry;
    },
    changed: () => undefined,
  };
  return { entries, conversation };
}

describe("a voice session's run", () => {
  test("shows its result and live chart when it ends, then the transcript's parts in their place, with the picture", () => {
    const { entries, conversation } = widgetEntries();
    let transcript: Content[] = [];
    const turns = new VoiceTurns(conversation, () => transcript);
    const code = 'chart()';
    const result = runResult({ output: 'drawn\n', charts: [CHART] });
    const [codePart, resultPart, chartPart] = toParts(code, result);
    const said: Content = { role: 'user', parts: [{ text: 'Chart it.' }] };

    transcript = [said, { role: 'model', parts: [codePart] }];
    turns.onEvent({ type: 'run-start', step: 1, callId: 'c1', code });
    turns.onEvent({ type: 'run-end', step: 1, callId: 'c1', code, result });
    const model = entries.find((entry): entry is ModelEntry => entry.kind === 'model')!;
    expect(kinds(shownParts(model))).toEqual(['executableCode', 'codeExecutionResult', CHART.mimeType]);

    transcript = [said, { role: 'model', parts: [codePart, resultPart, chartPart, PNG] }];
    turns.onEvent({ type: 'turn-complete', turn: 1, content: transcript[1] });
    expect(kinds(shownParts(model))).toEqual(['executableCode', 'codeExecutionResult', CHART.mimeType, 'image/png']);
  });

  test("a second cell's streamed output stays while it runs, though the first cell has its result", () => {
    const { entries, conversation } = widgetEntries();
    const [firstCode, firstResult] = toParts('x = 1', runResult());
    const [secondCode] = toParts('print("working")', runResult());
    const said: Content = { role: 'user', parts: [{ text: 'Two cells.' }] };
    const transcript: Content[] = [said, { role: 'model', parts: [firstCode, firstResult, secondCode] }];
    const turns = new VoiceTurns(conversation, () => transcript);
    turns.onEvent({ type: 'run-start', step: 1, callId: 'c2', code: 'print("working")' });
    turns.onEvent({ type: 'output', step: 1, callId: 'c2', chunk: { stream: 'stdout', text: 'working\n' } });
    turns.onEvent({ type: 'turn-complete', turn: 1, content: transcript[1] });
    const model = entries.find((entry): entry is ModelEntry => entry.kind === 'model')!;
    expect(model.live).toEqual([{ stream: 'stdout', text: 'working\n' }]);
  });
});
