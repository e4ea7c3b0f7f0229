/**
 * A run's result is on screen when the run ends: the widget shows it (its output, its chart, its
 * downloads) from the loop's `run-end`, before the transcript's parts, which wait for the model's
 * pictures of the charts. The widget's Conversation in Node, with the fake Gemini and a scripted
 * sandbox (Node draws the pictures).
 */
import type { Part } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { Conversation } from '../../src/ui/state/conversation.js';
import { type ModelEntry, shownParts } from '../../src/ui/state/entries.js';
import type { RunResult } from '../../src/shared/types.js';
import { lineChartSpec } from '../support/chart-specs.js';
import { ScriptedSandbox } from '../support/scripted-sandbox.js';
import { MODEL, clientFor, reply, runPythonCall, text } from '../fake-gemini/scenarios.js';
import { FakeGemini } from '../fake-gemini/server.js';

const CHART = { mimeType: 'application/vnd.vegalite.v6+json' as const, spec: JSON.stringify(lineChartSpec(50)) };
const FILE = { path: 'out.csv', mimeType: 'text/csv', data: 'YSxi', size: 3 };

let fake: FakeGemini;
beforeAll(async () => {
  fake = await FakeGemini.start();
});
afterAll(() => fake?.close());
beforeEach(() => fake.reset());

/** Sends one message whose cell gives `run`; returns what the model entry showed at each change, and at the end. */
async function showings(run: Partial<RunResult>): Promise<{ each: Part[][]; last: Part[] }> {
  fake.script([{ reply: reply([runPythonCall('chart()', 'c1')]) }, { reply: reply([text('Drawn.')]) }]);
  const each: Part[][] = [];
  const model = () => conversation.entries.find((entry): entry is ModelEntry => entry.kind === 'model');
  const conversation = new Conversation(() => {
    const entry = model();
    if (entry) each.push([...shownParts(entry)]);
  });
  const setup = { client: clientFor(fake), model: MODEL, execution: 'local' as const, sandbox: new ScriptedSandbox(() => ({ output: 'ok\n', ...run })) };
  await conversation.send({ text: 'Chart it.', attachments: [] }, async () => setup);
  return { each, last: shownParts(model()!) };
}

const kinds = (parts: Part[]) => parts.map((part) => part.inlineData?.mimeType ?? Object.keys(part).find((key) => key !== 'thought'));

describe("a run's result on screen", () => {
  test('shows its output and live chart when the run ends, before the chart has its picture; the picture follows it once drawn', async () => {
    const { each, last } = await showings({ charts: [CHART] });
    const first = each.find((parts) => parts.some((part) => part.codeExecutionResult));
    expect(kinds(first!)).toEqual(['executableCode', 'codeExecutionResult', CHART.mimeType]);
    expect(kinds(last)).toEqual(['executableCode', 'codeExecutionResult', CHART.mimeType, 'image/png', 'text']);
  });

  test("shows the run's downloads with it, and once only when the transcript's parts come", async () => {
    const { each, last } = await showings({ files: [FILE] });
    const first = each.find((parts) => parts.some((part) => part.codeExecutionResult));
    expect(first!.filter((part) => part.inlineData?.displayName === 'out.csv')).toHaveLength(1);
    expect(last.filter((part) => part.inlineData?.displayName === 'out.csv')).toHaveLength(1);
    expect(kinds(last)).toEqual(['executableCode', 'codeExecutionResult', 'text/csv', 'text']);
  });
});
