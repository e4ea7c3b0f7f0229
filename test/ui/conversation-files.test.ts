/**
 * A run that writes thousands of files (every sandbox limit respected) reaches the model, the
 * widget's transcript and the saved conversation bounded: at most MAX_LISTED_FILES_PER_RUN files,
 * the rest counted. The widget's Conversation in Node, with the fake Gemini and a scripted sandbox.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { MAX_LISTED_FILE_NAME_CHARS, MAX_LISTED_FILES_PER_RUN } from '../../src/agent/run-python/files.js';
import { Conversation } from '../../src/ui/state/conversation.js';
import { toSaved } from '../../src/ui/state/saved-conversation.js';
import type { FileOutput } from '../../src/shared/types.js';
import { ScriptedSandbox } from '../support/scripted-sandbox.js';
import { MODEL, clientFor, reply, runPythonCall, text } from '../fake-gemini/scenarios.js';
import { FakeGemini } from '../fake-gemini/server.js';

const FILES = 5000;
/** One-byte files with long names, as an honest run's flood writes them. */
const flood: FileOutput[] = Array.from({ length: FILES }, (_, i) => ({
  path: `${'long-name-'.repeat(20)}${i}.txt`,
  mimeType: 'text/plain',
  data: 'eA==',
  size: 1,
}));

let fake: FakeGemini;
beforeAll(async () => {
  fake = await FakeGemini.start();
});
afterAll(() => fake?.close());
beforeEach(() => fake.reset());

async function sendFloodingMessage(): Promise<Conversation> {
  fake.script([{ reply: reply([runPythonCall('write_files()', 'c1')]) }, { reply: reply([text('Wrote them.')]) }]);
  const conversation = new Conversation(() => undefined);
  const setup = { client: clientFor(fake), model: MODEL, execution: 'local' as const, sandbox: new ScriptedSandbox(() => ({ files: flood })) };
  await conversation.send({ text: 'Write 5,000 files.', attachments: [] }, async () => setup);
  return conversation;
}

function modelParts(conversation: Conversation) {
  return conversation.entries.flatMap((entry) => (entry.kind === 'model' ? entry.parts : []));
}

describe('a run that writes 5,000 files', () => {
  test('the transcript offers at most MAX_LISTED_FILES_PER_RUN downloads and counts the rest', async () => {
    const parts = modelParts(await sendFloodingMessage());
    expect(parts.filter((part) => part.inlineData)).toHaveLength(MAX_LISTED_FILES_PER_RUN);
    expect(parts.map((part) => part.text ?? '').join('')).toContain(`and ${(FILES - MAX_LISTED_FILES_PER_RUN).toLocaleString('en-US')} more files`);
  });

  test('download names are bounded in length', async () => {
    const names = modelParts(await sendFloodingMessage()).flatMap((part) => part.inlineData?.displayName ?? []);
    expect(Math.max(...names.map((name) => name.length))).toBeLessThanOrEqual(MAX_LISTED_FILE_NAME_CHARS);
  });

  test('the saved conversation holds at most MAX_LISTED_FILES_PER_RUN files', async () => {
    const saved = toSaved((await sendFloodingMessage()).snapshot(), 'local');
    const inline = saved.entries.flatMap((entry) => (entry.kind === 'model' ? entry.parts : [])).filter((part) => part.inlineData);
    expect(inline).toHaveLength(MAX_LISTED_FILES_PER_RUN);
    expect(JSON.stringify(saved).length).toBeLessThan(20_000);
  });

  test('the request that carries the result to the model stays small', async () => {
    await sendFloodingMessage();
    const [, second] = fake.requests;
    expect(JSON.stringify(second.body).length).toBeLessThan(10_000);
  });
});
