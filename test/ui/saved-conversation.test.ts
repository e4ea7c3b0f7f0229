/**
 * The saved form of a conversation, in Node: what goes into IndexedDB (copied through structured
 * clone, as IndexedDB does) and what comes back out. The browser round trip is in persistence.browser.test.ts.
 */
import type { Content, Part } from '@google/genai';
import { describe, expect, test } from 'vitest';
import type { ConversationSnapshot, Entry } from '../../src/ui/state/entries.js';
import { restartDivider, restartNoteForModel } from '../../src/ui/python-restart.js';
import {
  INTERRUPTED_BY_RELOAD,
  MAX_SAVED_FILE_BYTES,
  MAX_SAVED_MEDIA_BYTES,
  MAX_SAVED_STEPS,
  MAX_SAVED_STEPS_CHARS,
  SAVED_FORMAT,
  fromSaved,
  toSaved,
} from '../../src/ui/state/saved-conversation.js';
import type { InteractionStep } from '../../src/agent/index.js';

const history: Content[] = [
  { role: 'user', parts: [{ text: 'sum?' }] },
  { role: 'model', parts: [{ functionCall: { name: 'run_python', args: { code: 'print(2 + 3)' }, id: 'c1' }, thoughtSignature: 'c2lnbmF0dXJl' }] },
  { role: 'user', parts: [{ functionResponse: { name: 'run_python', id: 'c1', response: { outcome: 'OUTCOME_OK', output: '5\n' } } }] },
  { role: 'model', parts: [{ text: 'It is 5.' }] },
];

function snapshot(entries: Entry[], sent: ConversationSnapshot['sent'] = []): ConversationSnapshot {
  return { entries, history, sent };
}

/** What IndexedDB hands back: a structured clone. */
function roundTrip(value: unknown) {
  return fromSaved(structuredClone(value));
}

const base64OfSize = (bytes: number) => 'A'.repeat(Math.ceil((bytes * 4) / 3));

describe('saving a conversation', () => {
  test('comes back as it was: transcript, API history verbatim, messages sent, mode', () => {
    const entries: Entry[] = [
      { kind: 'user', id: 1, text: 'sum?', attachments: [{ name: 'a.csv', mimeType: 'text/csv', size: 4 }] },
      {
        kind: 'model',
        id: 2,
        state: 'done',
        live: [],
        parts: [{ executableCode: { code: 'print(2 + 3)' } }, { codeExecutionResult: { outcome: 'OUTCOME_OK' as never, output: '5\n' } }, { text: 'It is 5.' }],
      },
      { kind: 'notice', id: 3, text: 'Python restarted', divider: true },
    ];
    const sent = [{ text: 'sum?', attachments: [{ path: 'a.csv', mimeType: 'text/csv', data: new TextEncoder().encode('x\n1\n') }] }];
    const loaded = roundTrip(toSaved(snapshot(entries, sent), 'local'));
    expect(loaded?.execution).toBe('local');
    expect(loaded?.entries).toEqual(entries.map(({ id: _id, ...rest }) => rest));
    expect(loaded?.history).toEqual(history);
    expect(loaded?.sent).toEqual(sent);
  });

  test('a message keeps its index among those sent (an edit after a reload needs it), and an index no message has is dropped', () => {
    const sent = [{ text: 'sum?', attachments: [] }];
    const user = (message: unknown) => ({ kind: 'user', id: 1, text: 'sum?', attachments: [], message }) as Entry;
    expect(roundTrip(toSaved(snapshot([user(0)], sent), 'local'))?.entries).toEqual([{ kind: 'user', text: 'sum?', attachments: [], message: 0 }]);
    for (const forged of [1, -1, 0.5, '0'])
      expect(roundTrip(toSaved(snapshot([user(forged)], sent), 'local'))?.entries, String(forged)).toEqual([{ kind: 'user', text: 'sum?', attachments: [] }]);
  });

  test('large images and files in the transcript are kept without their bytes', () => {
    const small = { mimeType: 'image/png', data: base64OfSize(10_000) };
    const large = { mimeType: 'image/png', data: base64OfSize(MAX_SAVED_MEDIA_BYTES + 1024) };
    const file = { mimeType: 'text/csv', displayName: 'big.csv', data: base64OfSize(MAX_SAVED_MEDIA_BYTES + 1024) };
    const model: Entry = { kind: 'model', id: 1, state: 'done', live: [], parts: [{ inlineData: small }, { inlineData: large }, { inlineData: file }] };
    const [entry] = roundTrip(toSaved(snapshot([model]), 'local'))!.entries;
    expect(entry.kind === 'model' && entry.parts.map((part) => part.inlineData)).toEqual([
      small,
      { mimeType: 'image/png' },
      { mimeType: 'text/csv', displayName: 'big.csv' },
    ]);
  });

  test('attached files keep their bytes up to the cap, only their name above it', () => {
    const sent = [
      {
        text: 'one',
        attachments: [
          { path: 'small.csv', mimeType: 'text/csv', data: new Uint8Array(10) },
          { path: 'huge.bin', mimeType: 'application/octet-stream', data: new Uint8Array(MAX_SAVED_FILE_BYTES + 1) },
        ],
      },
      { text: 'two', attachments: [{ path: 'small.csv', mimeType: 'text/csv', data: new Uint8Array([1, 2, 3]) }] },
    ];
    const saved = toSaved(snapshot([], sent), 'local');
    expect(saved.sent[0].attachments.map((a) => [a.name, a.size, a.data?.byteLength])).toEqual([
      ['small.csv', 10, 10],
      ['huge.bin', MAX_SAVED_FILE_BYTES + 1, undefined],
    ]);
    const loaded = roundTrip(saved)!;
    // The latest version of each name is the one written back.
    expect(loaded.files.restore).toEqual([{ path: 'small.csv', mimeType: 'text/csv', data: new Uint8Array([1, 2, 3]) }]);
    expect(loaded.files.dropped).toEqual(['huge.bin']);
  });

  test("the code's helpers in skills/ come back too: the latest of each, and nothing else the code wrote", () => {
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    const file = (path: string, text: string) => ({ inlineData: { mimeType: 'text/x-python', displayName: path, data: b64(text) } });
    const model = (id: number, parts: Part[]): Entry => ({ kind: 'model', id, state: 'done', live: [], parts });
    const entries: Entry[] = [
      model(1, [file('skills/summary.py', 'v = 1\n'), file('helpers.py', 'x = 1\n'), file('skills/sub/deep.py', 'x\n'), file('skills/../csv.py', 'x\n')]),
      model(2, [file('skills/summary.py', 'v = 2\n'), { inlineData: { mimeType: 'text/x-python', displayName: 'skills/big.py' } }]),
    ];
    const loaded = roundTrip(toSaved(snapshot(entries), 'local'))!;
    expect(loaded.files.restore).toEqual([{ path: 'skills/summary.py', mimeType: 'text/x-python', data: new TextEncoder().encode('v = 2\n') }]);
    expect(loaded.files.skills).toEqual(['skills/summary.py']);
  });

  test('a dunder file in skills/ is not written back: skills/__init__.py would run on every import of a helper', () => {
    const file = (path: string) => ({
      inlineData: { mimeType: 'text/x-python', displayName: path, data: Buffer.from('print("PLANTED")\n').toString('base64') },
    });
    const planted = ['skills/__init__.py', 'skills/__main__.py', 'skills/__about__.py'];
    const entries: Entry[] = [{ kind: 'model', id: 1, state: 'done', live: [], parts: [...planted.map(file), file('skills/tally.py')] }];
    const loaded = roundTrip(toSaved(snapshot(entries), 'local'))!;
    expect(loaded.files.restore.map((restored) => restored.path)).toEqual(['skills/tally.py']);
    expect(loaded.files.skills).toEqual(['skills/tally.py']);
  });

  test('live output and retry payloads (which hold file bytes) are not saved', () => {
    const retry = { text: 'again', attachments: [{ path: 'a.csv', mimeType: 'text/csv', data: new Uint8Array(3) }] };
    const entries: Entry[] = [
      { kind: 'model', id: 1, state: 'done', parts: [{ text: 'hi' }], live: [{ stream: 'stdout', text: 'partial' }] },
      { kind: 'error', id: 2, error: { title: 'Gemini is unavailable right now', detail: 'HTTP 503', retryable: true }, retry },
    ];
    const saved = toSaved(snapshot(entries), 'server');
    expect(saved.entries).toEqual([
      { kind: 'model', state: 'done', parts: [{ text: 'hi' }], live: [] },
      { kind: 'error', error: { title: 'Gemini is unavailable right now', detail: 'HTTP 503', retryable: true } },
    ]);
  });

  test('a message still being answered when the page went away comes back marked as left out', () => {
    const entries: Entry[] = [
      { kind: 'user', id: 1, text: 'long question', attachments: [] },
      { kind: 'model', id: 2, state: 'streaming', parts: [{ text: 'Half an ans' }], live: [] },
    ];
    const loaded = roundTrip(toSaved(snapshot(entries), 'local'))!;
    expect(loaded.entries).toEqual([
      { kind: 'user', text: 'long question', attachments: [], dropped: true },
      { kind: 'model', state: 'stopped', parts: [{ text: 'Half an ans' }], live: [] },
      { kind: 'notice', text: INTERRUPTED_BY_RELOAD },
    ]);
  });

  test('anything that is not a record of this format is ignored', () => {
    const good = toSaved(snapshot([]), 'local');
    expect(roundTrip(undefined)).toBeUndefined();
    expect(roundTrip({ ...good, format: 'code-exec-chat/conversation@0' })).toBeUndefined();
    expect(roundTrip({ ...good, execution: 'elsewhere' })).toBeUndefined();
    expect(roundTrip({ ...good, history: [{ role: 'system', parts: [] }] })).toBeUndefined();
    expect(roundTrip({ ...good, entries: [{ kind: 'model' }] })).toBeUndefined();
    expect(roundTrip(good)?.execution).toBe('local');
    expect(good.format).toBe(SAVED_FORMAT);
  });
});

const steps: InteractionStep[] = [
  { type: 'user_input', content: [{ type: 'text', text: 'sum?' }] },
  { type: 'function_call', id: 'c1', name: 'run_python', arguments: { code: 'print(2 + 3)' } },
  { type: 'function_result', call_id: 'c1', name: 'run_python', result: [{ type: 'text', text: '{"outcome":"OUTCOME_OK","output":"5\\n"}' }] },
  { type: 'model_output', content: [{ type: 'text', text: 'It is 5.' }] },
] as InteractionStep[];

describe('saving an Interactions conversation', () => {
  test('its steps come back verbatim with the mode they ran in', () => {
    const loaded = roundTrip(toSaved({ entries: [], history: [], interactions: { execution: 'server', steps }, sent: [] }, 'server'));
    expect(loaded?.interactions).toEqual({ execution: 'server', steps });
  });

  test('its steps come back marked as kept', () => {
    const loaded = roundTrip(toSaved({ entries: [], history: [], interactions: { execution: 'local', steps }, sent: [] }, 'local'));
    expect(loaded?.interactionsNotKept).toBe(false);
  });

  test('steps over the size cap are not kept, the rest of the conversation is, and it says so', () => {
    const huge = [{ type: 'user_input', content: [{ type: 'text', text: 'x'.repeat(MAX_SAVED_STEPS_CHARS) }] }] as InteractionStep[];
    const saved = toSaved({ entries: [], history: [], interactions: { execution: 'local', steps: huge }, sent: [] }, 'local');
    expect(saved.interactions).toBeUndefined();
    expect(roundTrip(saved)).toMatchObject({ execution: 'local', interactionsNotKept: true });
  });

  test('steps over the count cap are not kept, and it says so', () => {
    const many = Array.from({ length: MAX_SAVED_STEPS + 1 }, () => ({ type: 'thought' })) as InteractionStep[];
    const saved = toSaved({ entries: [], history: [], interactions: { execution: 'server', steps: many }, sent: [] }, 'server');
    expect(saved.interactions).toBeUndefined();
    expect(roundTrip(saved)?.interactionsNotKept).toBe(true);
  });

  test('a generateContent conversation has no steps to lose', () => {
    expect(roundTrip(toSaved(snapshot([]), 'local'))?.interactionsNotKept).toBe(false);
  });

  test('a record whose steps are not plain JSON steps within the bounds is ignored', () => {
    const good = toSaved({ entries: [], history: [], interactions: { execution: 'local', steps }, sent: [] }, 'local');
    const cyclic: Record<string, unknown> = { type: 'user_input' };
    cyclic.self = cyclic;
    for (const interactions of [
      { execution: 'local', steps: [cyclic] },
      { execution: 'local', steps: [{ type: '<img src=x>' }] },
      { execution: 'local', steps: [null] },
      { execution: 'local', steps: [['user_input']] },
      { execution: 'local', steps: Array.from({ length: MAX_SAVED_STEPS + 1 }, () => ({ type: 'thought' })) },
      { execution: 'local', steps: [{ type: 'user_input', content: [{ type: 'text', text: 'x'.repeat(MAX_SAVED_STEPS_CHARS) }] }] },
      { execution: 'elsewhere', steps },
      { execution: 'local', steps: 'user_input' },
    ]) {
      expect(roundTrip({ ...good, interactions })).toBeUndefined();
    }
    expect(roundTrip(good)?.interactions?.steps).toEqual(steps);
  });
});

describe('what is said after Python restarted', () => {
  test('the divider and the note to the model name the files that are back and those that are not', () => {
    const files = { restored: ['sales.csv'], dropped: ['huge.bin'] };
    expect(restartDivider(files)).toMatch(
      /^Python restarted .*variables from earlier cells .* are gone\. The file you attached is restored: sales\.csv\. .*huge\.bin\.$/,
    );
    expect(restartNoteForModel(files)).toContain('Files in the working directory: "sales.csv".');
    expect(restartNoteForModel(files)).toContain('could not be restored: "huge.bin"');
    expect(restartDivider({ restored: [], dropped: [] })).not.toContain('attached');
    const skills = { restored: [], dropped: [], skills: ['skills/summary.py'] };
    expect(restartDivider(skills)).toContain("The code's helpers in skills/ are restored: skills/summary.py.");
    expect(restartNoteForModel(skills)).toContain('Your helpers in skills/ are back (import skills.<name>): "skills/summary.py".');
  });
});
