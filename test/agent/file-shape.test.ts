/**
 * One file shape in and out: a file's place is its `path` (relative to the working directory) in
 * attachments as in outputs; `existingFiles` names the files already in the sandbox on every entry
 * that tells the model of them (the chat, the one-shot form, Live, the callable tool) (`files`, its old name, is a deprecated alias; `RunResult.files`
 * keeps the name for a run's outputs); a browser's files become attachments through one helper.
 */
import { type Content, GenerateContentResponse, type GenerateContentParameters } from '@google/genai';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type Attachment,
  attachmentsFromFiles,
  type CodeExecutionChatOptions,
  createCodeExecutionChat,
  createLiveCodeExecution,
  generateWithCodeExecution,
  MAX_ATTACHMENT_BYTES,
  runPythonDeclaration,
  sandboxAsCallableTool,
} from '../../src/agent/index.js';
import { runResultResponse } from '../../src/agent/run-python/tool.js';
import { fileOutputBytes } from '../../src/sandbox-entry.js';
import { ScriptedSandbox } from '../support/scripted-sandbox.js';
import { runResult } from '../support/fixtures.js';

const sandbox = new ScriptedSandbox(() => ({}));

/** A client that answers every request with "ok" and keeps the requests. */
function recordingClient() {
  const requests: GenerateContentParameters[] = [];
  const answer = (request: GenerateContentParameters) => {
    requests.push(request);
    return Object.assign(new GenerateContentResponse(), { candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP' }] });
  };
  const ai = {
    models: {
      generateContent: async (request: GenerateContentParameters) => answer(request),
      generateContentStream: async function* (request: GenerateContentParameters) {
        yield answer(request);
      },
    },
  } as unknown as CodeExecutionChatOptions['ai'];
  return { ai, requests };
}

const described = (request: GenerateContentParameters) =>
  (request.config?.tools?.[0] as { functionDeclarations?: { description?: string }[] } | undefined)?.functionDeclarations?.[0]?.description;

describe('files already in the sandbox: existingFiles', () => {
  it('lists them in run_python from the first message, on the chat, the callable tool and runPythonDeclaration', async () => {
    const { ai, requests } = recordingClient();
    await createCodeExecutionChat({ ai, model: 'm', sandbox, existingFiles: ['data/sales.csv'] }).sendMessage({ message: 'hi' });
    expect(described(requests[0])).toContain('Files in the working directory: "data/sales.csv".');

    const tool = await sandboxAsCallableTool(sandbox, { existingFiles: ['a.txt'] }).tool();
    expect(tool.functionDeclarations?.[0].description).toContain('Files in the working directory: "a.txt".');
    expect(runPythonDeclaration({ timeoutMs: 1000, existingFiles: ['b.txt'] }).description).toContain('"b.txt"');
    expect(runPythonDeclaration({ timeoutMs: 1000 }).description).toContain('The working directory starts empty.');
  });

  it('lists them on the one-shot form (beside its attachments) and on Live too', async () => {
    const { ai, requests } = recordingClient();
    const data = new Uint8Array(1);
    await generateWithCodeExecution({
      ai,
      model: 'm',
      sandbox,
      contents: 'hi',
      existingFiles: ['a.csv'],
      attachments: [{ path: 'b.txt', mimeType: '', data }],
    });
    expect(described(requests[0])).toContain('Files in the working directory: "a.csv", "b.txt".');
    const live = createLiveCodeExecution({ sandbox, existingFiles: ['a.csv'] }).connectConfig();
    const [tool] = (live.tools ?? []) as { functionDeclarations?: { description?: string }[] }[];
    expect(tool?.functionDeclarations?.[0]?.description).toContain('Files in the working directory: "a.csv".');
  });

  it('still takes the deprecated files; both names at once, or a list that is not of strings, is a TypeError', async () => {
    const { ai, requests } = recordingClient();
    await createCodeExecutionChat({ ai, model: 'm', sandbox, files: ['old.csv'] }).sendMessage({ message: 'hi' });
    expect(described(requests[0])).toContain('"old.csv"');
    expect(runPythonDeclaration({ timeoutMs: 1000, files: ['old.csv'] }).description).toContain('"old.csv"');

    const both = 'files and existingFiles are both given; keep existingFiles (files is deprecated)';
    expect(() => createCodeExecutionChat({ ai, model: 'm', sandbox, files: ['a'], existingFiles: ['a'] })).toThrow(both);
    expect(() => sandboxAsCallableTool(sandbox, { files: ['a'], existingFiles: ['a'] })).toThrow(both);
    expect(() => runPythonDeclaration({ timeoutMs: 1000, files: ['a'], existingFiles: ['a'] })).toThrow(both);
    // @ts-expect-error: paths, not a path.
    expect(() => createCodeExecutionChat({ ai, model: 'm', sandbox, existingFiles: 'a.csv' })).toThrow('existingFiles must be an array of paths');
  });
});

describe('attachments: { path, mimeType, data }', () => {
  it('are written at their path and shown to the model by it; run_python lists them from then on', async () => {
    const { ai, requests } = recordingClient();
    const local = new ScriptedSandbox(() => ({}));
    const chat = createCodeExecutionChat({ ai, model: 'm', sandbox: local });
    await chat.sendMessage({ message: 'hi', attachments: [{ path: 'data/sales.csv', mimeType: '', data: new TextEncoder().encode('a,b\n') }] });
    expect([...local.files.keys()]).toEqual(['data/sales.csv']);
    const [turn] = requests[0].contents as Content[];
    expect(turn.parts?.[0].text).toContain('Attached file "data/sales.csv" (text/csv, 4 bytes). It is saved in the working directory as "data/sales.csv".');
    expect(described(requests[0])).toContain('Files in the working directory: "data/sales.csv".');
  });

  it('still take the deprecated name; both names, or neither, do not compile and are a TypeError', async () => {
    const { ai, requests } = recordingClient();
    const local = new ScriptedSandbox(() => ({}));
    const chat = createCodeExecutionChat({ ai, model: 'm', sandbox: local });
    const data = new Uint8Array(1);
    await chat.sendMessage({ message: 'hi', attachments: [{ name: 'old.txt', mimeType: 'text/plain', data }] });
    expect([...local.files.keys()]).toEqual(['old.txt']);
    expect(described(requests[0])).toContain('"old.txt"');

    // @ts-expect-error: path and name at once.
    await expect(chat.sendMessage({ message: 'hi', attachments: [{ path: 'a', name: 'a', mimeType: '', data }] })).rejects.toThrow(
      'attachments[0].name and attachments[0].path are both given; keep attachments[0].path (attachments[0].name is deprecated)',
    );
    // @ts-expect-error: neither.
    await expect(chat.sendMessage({ message: 'hi', attachments: [{ mimeType: '', data }] })).rejects.toThrow(
      'attachments[0].path must be a non-empty path relative to the working directory',
    );
    await expect(
      chat.sendMessage({
        message: 'hi',
        attachments: [
          { path: 'a', mimeType: '', data },
          { name: 'a', mimeType: '', data },
        ],
      }),
    ).rejects.toThrow('Two attachments have the path "a"; paths must be unique');
    expect(requests).toHaveLength(1);
  });
});

describe("a browser's files as attachments: attachmentsFromFiles", () => {
  const file = (name: string, text: string, type = '') => new File([text], name, { type });

  it('types them by extension where the browser left File.type empty, and gives each a path of its own', async () => {
    const read = await attachmentsFromFiles(
      [file('sales.csv', 'a,b\n'), file('C:\\Users\\me\\sales.csv', 'c'), file('photo.jpg', 'x', 'image/jpeg'), file('notes', 'n')],
      {
        existingFiles: ['photo.jpg'],
      },
    );
    expect(read.map(({ path, mimeType }) => [path, mimeType])).toEqual([
      ['sales.csv', 'text/csv'],
      ['sales (2).csv', 'text/csv'],
      ['photo (2).jpg', 'image/jpeg'],
      ['notes', 'application/octet-stream'],
    ]);
    expect(new TextDecoder().decode(read[0].data)).toBe('a,b\n');
    // What it returns is what sendMessage takes, and its path is a string to read.
    expectTypeOf(read).toExtend<Attachment[]>();
    expectTypeOf(read[0].path).toEqualTypeOf<string>();
  });

  it('refuses a file over maxBytes before reading any', async () => {
    const big = { name: 'big.bin', type: '', size: MAX_ATTACHMENT_BYTES + 1, arrayBuffer: () => Promise.reject(new Error('read')) };
    await expect(attachmentsFromFiles([file('a.txt', 'a'), big])).rejects.toThrow(new RangeError('big.bin is larger than 20 MB'));
    await expect(attachmentsFromFiles([file('a.txt', 'abc')], { maxBytes: 2 })).rejects.toThrow(RangeError);
    await expect(attachmentsFromFiles([file('a.txt', 'abc')], { maxBytes: Number.NaN })).rejects.toThrow('maxBytes must be a number of bytes; got NaN');
  });
});

describe("a run's files: base64 in the result, bytes through fileOutputBytes", () => {
  it('decodes a returned file, and gives undefined for one whose contents were omitted', () => {
    expect(fileOutputBytes({ path: 'a.txt', mimeType: 'text/plain', size: 2, data: 'aGk=' })).toEqual(new TextEncoder().encode('hi'));
    expect(
      fileOutputBytes({ path: 'big.bin', mimeType: 'application/octet-stream', size: 1e9, data: '', omitted: 'over limits.maxFileBytes' }),
    ).toBeUndefined();
    expect(() => fileOutputBytes({ mimeType: 'image/png', data: 'not base64!' })).toThrow(new TypeError('file.data is not base64'));
    // The bytes may be missing, so the type says so.
    expectTypeOf(fileOutputBytes).returns.toEqualTypeOf<Uint8Array | undefined>();
  });

  it('tells the model of them by path, as RunResult.files has it', () => {
    const response = runResultResponse(runResult({ files: [{ path: 'out/a.csv', mimeType: 'text/csv', data: 'YQ==', size: 1 }] }));
    expect(response.files).toEqual([{ path: 'out/a.csv', size: 1 }]);
  });
});
