/**
 * One file shape in and out: `existingFiles` names the files already in the sandbox on every entry
 * that tells the model of them (`files`, its old name, is a deprecated alias; `RunResult.files`
 * keeps the name for a run's outputs).
 */
import { GenerateContentResponse, type GenerateContentParameters } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { type CodeExecutionChatOptions, createCodeExecutionChat, runPythonDeclaration, sandboxAsCallableTool } from '../../src/agent/index.js';
import { ScriptedSandbox } from '../support/scripted-sandbox.js';

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

  it('still takes the deprecated files; both names at once, or a list that is not of strings, is a TypeError', async () => {
    const { ai, requests } = recordingClient();
    await createCodeExecutionChat({ ai, model: 'm', sandbox, files: ['old.csv'] }).sendMessage({ message: 'hi' });
    expect(described(requests[0])).toContain('"old.csv"');
    expect(runPythonDeclaration({ timeoutMs: 1000, files: ['old.csv'] }).description).toContain('"old.csv"');

    const both = 'existingFiles and files are both given; keep existingFiles (files is deprecated)';
    expect(() => createCodeExecutionChat({ ai, model: 'm', sandbox, files: ['a'], existingFiles: ['a'] })).toThrow(both);
    expect(() => sandboxAsCallableTool(sandbox, { files: ['a'], existingFiles: ['a'] })).toThrow(both);
    expect(() => runPythonDeclaration({ timeoutMs: 1000, files: ['a'], existingFiles: ['a'] })).toThrow(both);
    // @ts-expect-error: paths, not a path.
    expect(() => createCodeExecutionChat({ ai, model: 'm', sandbox, existingFiles: 'a.csv' })).toThrow('existingFiles must be an array of paths');
  });
});
