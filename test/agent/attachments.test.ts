/**
 * Attachments: written into the sandbox working directory and shown to the model (local mode),
 * or only shown to the model (server mode).
 */
import { describe, expect, it } from 'vitest';
import type { PythonSandbox } from '../../dist/index.node.js';
import { createCodeExecutionChat, mimeTypeOf } from '../../src/agent/index.js';
import { MODEL, clientFor, lastTurn, outputOf, reply, runPythonCall, text } from '../fake-gemini/scenarios.js';
import type { FakeGemini } from '../fake-gemini/server.js';
import { partsOf, useAgentFixture } from '../support/agent-fixtures.js';
import { PNG_1X1_BASE64 } from '../support/png.js';

let fake: FakeGemini;
let sandbox: PythonSandbox;
useAgentFixture((started) => ({ fake, sandbox } = started));

const encoder = new TextEncoder();
const CSV = 'month,total\njan,10\nfeb,12\nmar,20\n';
const PNG = Uint8Array.from(atob(PNG_1X1_BASE64), (c) => c.charCodeAt(0));
const attachments = [
  { path: 'sales.csv', mimeType: 'text/csv', data: encoder.encode(CSV) },
  { path: 'logo.png', mimeType: 'image/png', data: PNG },
];

describe('attachments', () => {
  it('writes files into the sandbox, shows them to the model, and names them in run_python', async () => {
    const sumCode = 'import csv\nrows = list(csv.DictReader(open("sales.csv")))\nprint(sum(int(r["total"]) for r in rows))';
    fake.script([
      {
        expect: (request) => {
          const parts = lastTurn(request).parts ?? [];
          expect(parts.map((part) => Object.keys(part)[0])).toEqual(['text', 'text', 'inlineData', 'text']);
          expect(parts[0].text).toContain(`Attached file "sales.csv" (text/csv, ${CSV.length} bytes). It is saved in the working directory as "sales.csv".`);
          expect(parts[0].text).toContain(CSV);
          expect(parts[1].text).toContain('"logo.png"');
          expect(parts[2].inlineData?.mimeType).toBe('image/png');
          expect(parts[3].text).toBe('What is the total?');
          const description = request.body.tools?.[0].functionDeclarations?.[0].description ?? '';
          expect(description).toContain('Files in the working directory: "sales.csv", "logo.png".');
        },
        reply: reply([runPythonCall(sumCode, 'a1')]),
      },
      { reply: (request) => reply([text(`The total is ${outputOf(request).trim()}.`)]) },
    ]);
    const chat = createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, sandbox });
    const res = await chat.sendMessage({ message: 'What is the total?', attachments });

    expect(partsOf(res).at(-1)?.text).toBe('The total is 42.');
    expect(new TextDecoder().decode(await sandbox.readFile('sales.csv'))).toBe(CSV);
    expect(await sandbox.readFile('logo.png')).toEqual(PNG);
    expect(fake.failures).toEqual([]);
  });

  it('in server mode only sends the files as parts', async () => {
    fake.script([
      {
        expect: (request) => {
          const parts = lastTurn(request).parts ?? [];
          expect(parts.map((part) => Object.keys(part)[0])).toEqual(['text', 'text', 'inlineData', 'text']);
          expect(parts[0].text).not.toContain('working directory');
          expect(parts[0].text).toContain(CSV);
        },
        reply: reply([text('The total is 42.')]),
      },
    ]);
    const chat = createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, execution: 'server' });
    await chat.sendMessage({ message: 'What is the total?', attachments });
    expect(fake.failures).toEqual([]);
  });

  it("takes a browser File's empty type for a CSV, going by the name (text/csv, shown as text)", async () => {
    fake.script([
      {
        expect: (request) => {
          const parts = lastTurn(request).parts ?? [];
          expect(parts[0].text).toContain('Attached file "sales.csv" (text/csv,');
          expect(parts[0].text).toContain(CSV);
        },
        reply: reply([text('Seen.')]),
      },
    ]);
    const chat = createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, execution: 'server' });
    await chat.sendMessage({ message: 'Look', attachments: [{ path: 'sales.csv', mimeType: '', data: encoder.encode(CSV) }] });
    expect(fake.failures).toEqual([]);
    expect(mimeTypeOf({ name: 'notes.PY', type: '' })).toBe('text/x-python');
    expect(mimeTypeOf({ name: 'blob', type: '' })).toBe('application/octet-stream');
  });

  it('rejects a malformed attachment before sending anything', async () => {
    const chat = createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, sandbox });
    await expect(chat.sendMessage({ message: 'Hi', attachments: [{ path: '', mimeType: 'text/plain', data: new Uint8Array() }] })).rejects.toThrow(
      /path must be a non-empty path relative to the working directory/,
    );
    expect(fake.requests).toHaveLength(0);
    expect(chat.getHistory()).toEqual([]);
  });
});
