/**
 * An honest run that writes 5,000 one-byte files with long names (every sandbox limit
 * respected) must not reach the model as 5,000 listed files. The real sandbox and the fake Gemini.
 */
import { expect, test } from 'vitest';
import type { PythonSandbox } from '../../dist/index.node.js';
import { createCodeExecutionChat } from '../../src/agent/index.js';
import { MAX_LISTED_FILES_PER_RUN } from '../../src/agent/run-python/files.js';
import { MODEL, clientFor, functionResponses, reply, runPythonCall, text } from '../fake-gemini/scenarios.js';
import type { FakeGemini } from '../fake-gemini/server.js';
import { useAgentFixture } from '../support/agent-fixtures.js';

let fake: FakeGemini;
let sandbox: PythonSandbox;
useAgentFixture((fixture) => ({ fake, sandbox } = fixture));

const WRITE_5000_FILES = `import os
os.makedirs('flood', exist_ok=True)
for i in range(5000):
    with open(f"flood/{'n' * 150}-{i:04}.txt", 'w') as f:
        f.write('x')
print('written')`;

test('a cell that writes 5,000 small files gives the model a bounded function response', async () => {
  fake.script([{ reply: reply([runPythonCall(WRITE_5000_FILES, 'c1')]) }, { reply: reply([text('Done.')]) }]);
  const chat = createCodeExecutionChat({ ai: clientFor(fake), model: MODEL, sandbox });
  await chat.sendMessage({ message: 'Write 5,000 files.' });
  const [response] = functionResponses(fake.requests[1]);
  expect(response.response?.output).toBe('written\n');
  expect(response.response?.files).toHaveLength(MAX_LISTED_FILES_PER_RUN);
  expect(response.response?.filesNotListed).toBe(5000 - MAX_LISTED_FILES_PER_RUN);
  // Before: every file listed, 4.5 MB for three such cells; now a few kilobytes.
  expect(JSON.stringify(fake.requests[1].body).length).toBeLessThan(10_000);
}, 120_000);
