/**
 * Local mode on the Interactions API with the real sandbox (Pyodide in a worker thread): state
 * kept across two messages, and a file the code wrote reported back to the model.
 */
import { describe, expect, it } from 'vitest';
import type { PythonSandbox } from '../../dist/index.node.js';
import { modelOutput, reply, resultJson, runPython } from '../fake-interactions/scenarios.js';
import { AGENT_SANDBOX_OPTIONS, kindsOf, partsOf } from '../support/agent-fixtures.js';
import { useSandbox } from '../support/fixtures.js';
import { expectCleanRun, localChat, useFakeInteractions } from './interactions-fixtures.js';

const ctx = useFakeInteractions();
let sandbox: PythonSandbox;
useSandbox(AGENT_SANDBOX_OPTIONS, (made) => {
  sandbox = made;
});

describe('local mode on the Interactions API, real sandbox', () => {
  it('keeps Python state across two messages and reports the file the code wrote', async () => {
    const { fake } = ctx;
    fake.script([
      { reply: reply('requires_action', [runPython('total = sum(range(10))\nopen("total.txt", "w").write(str(total))', 'a1')]) },
      {
        expect: (request) => expect(resultJson(request).files).toEqual([{ path: 'total.txt', size: 2 }]),
        reply: reply('completed', [modelOutput('Saved.')]),
      },
      { reply: reply('requires_action', [runPython('print(total * 2)', 'a2')]) },
      { reply: (request) => reply('completed', [modelOutput(`Twice is ${String(resultJson(request).output).trim()}.`)]) },
    ]);
    const chat = localChat(fake, sandbox);
    const first = await chat.sendMessage({ message: 'Sum 0..9 into total and save it.' });
    expect(kindsOf(partsOf(first))).toEqual(['executableCode', 'codeExecutionResult', 'text']);
    const second = await chat.sendMessage({ message: 'Twice the total?' });
    expect(partsOf(second).at(-1)?.text).toBe('Twice is 90.');
    expectCleanRun(fake);
  });
});
