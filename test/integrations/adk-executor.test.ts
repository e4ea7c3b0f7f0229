/**
 * `SandboxCodeExecutor.executeCode` as ADK calls it, in Node behind Deno: input files written once
 * per interpreter and never over a file a cell changed, names that are not plain relative paths
 * refused; `stderr` only for a failure (warnings go to `stdout`); figures as output files; the
 * code's length, the cell's deadline and a stop; interpreters given back when idle and bounded in
 * number, the next cell saying what was lost.
 */
import type { CodeExecutionInput, CodeExecutionResult, InvocationContext } from '@google/adk';
import { afterAll, describe, expect, test } from 'vitest';
import { SandboxCodeExecutor } from '../../dist/adk.node.js';
import { PNG_1X1_BASE64 } from '../support/png.js';

const executors: SandboxCodeExecutor[] = [];
afterAll(async () => {
  await Promise.all(executors.map((executor) => executor.close()));
});

function executorWith(options: ConstructorParameters<typeof SandboxCodeExecutor>[0] = {}): SandboxCodeExecutor {
  const executor = new SandboxCodeExecutor(options);
  executors.push(executor);
  return executor;
}

/** What ADK hands the executor of one session: its ids, its events so far (one earlier cell result, or none), a stop signal. */
function context(session: string, options: { ranBefore?: boolean; signal?: AbortSignal } = {}): InvocationContext {
  const events = options.ranBefore ? [{ content: { role: 'model', parts: [{ text: 'x', codeExecutionResult: { outcome: 'OUTCOME_OK' } }] } }] : [];
  return { invocationId: 'i-1', session: { appName: 'app', userId: 'user', id: session, events }, abortSignal: options.signal } as unknown as InvocationContext;
}

function cell(
  executor: SandboxCodeExecutor,
  session: string,
  code: string,
  input: Partial<CodeExecutionInput> = {},
  options?: Parameters<typeof context>[1],
): Promise<CodeExecutionResult> {
  const codeExecutionInput = { code, language: 'python', inputFiles: [], executionId: session, ...input } as CodeExecutionInput;
  return executor.executeCode({ invocationContext: context(session, options), codeExecutionInput });
}

describe('input files', () => {
  const executor = executorWith();

  test("are written once per interpreter, never over the cell's own change, text or base64", async () => {
    const inputFiles = [
      { name: 'data.csv', content: 'a,b\n1,2\n', mimeType: 'text/csv' },
      { name: 'in/pixel.png', content: PNG_1X1_BASE64, contentEncoding: 'base64', mimeType: 'image/png' },
    ] as CodeExecutionInput['inputFiles'];
    const first = await cell(
      executor,
      'files',
      "print(open('data.csv').read().strip(), len(open('in/pixel.png', 'rb').read()))\nopen('data.csv', 'a').write('3,4\\n')",
      { inputFiles },
    );
    expect(first).toMatchObject({ stderr: '', stdout: expect.stringContaining('a,b\n1,2 70') });
    // ADK passes every input file again with each cell: the cell's change stays.
    const second = await cell(executor, 'files', "print(open('data.csv').read().splitlines())", { inputFiles });
    expect(second.stdout).toContain("['a,b', '1,2', '3,4']");
    // A file the session's code wrote before ADK first passed one of that name stays the code's.
    await cell(executor, 'files', "open('late.csv', 'w').write('mine')");
    const late = await cell(executor, 'files', "print(open('late.csv').read())", { inputFiles: [{ name: 'late.csv', content: 'ADK', mimeType: 'text/csv' }] });
    expect(late.stdout).toContain('mine');
    // Input files are not output files: only what the cell wrote comes back.
    expect(first.outputFiles.map((file) => file.name)).toEqual(['data.csv']);
  }, 60_000);

  test.each(['../up.csv', '/etc/passwd', 'a//b.csv', './x.csv', 'a\\b.csv', '', 'x\u0000.csv'])(
    'a name that is not a plain relative path (%j) is refused in stderr, and the code does not run',
    async (name) => {
      const result = await cell(executor, 'names', "open('ran.txt', 'w').write('ran')", { inputFiles: [{ name, content: 'x', mimeType: 'text/csv' }] });
      expect(result.stderr).toMatch(/^The input file .* was not written: .* The cell did not run\.$/s);
      expect(result.outputFiles).toEqual([]);
      expect((await cell(executor, 'names', "import os\nprint(os.path.exists('ran.txt'))")).stdout).toContain('False');
    },
    60_000,
  );

  test("one over the sandbox's maxFileBytes is refused before it is written", async () => {
    const small = executorWith({ sandbox: { limits: { maxFileBytes: 1000 } } });
    const result = await cell(small, 'big', 'print(1)', { inputFiles: [{ name: 'big.csv', content: 'x'.repeat(1001), mimeType: 'text/csv' }] });
    expect(result.stderr).toContain('over 1,000 bytes (maxFileBytes)');
  });
});

describe('stdout and stderr', () => {
  const executor = executorWith({ limits: { timeoutMs: 2_000, maxCodeChars: 400 } });

  test("a successful cell's warnings go to stdout, in order, and stderr stays empty (ADK takes any stderr for a failure)", async () => {
    const result = await cell(executor, 'streams', "import warnings, sys\nprint('before')\nwarnings.warn('careful')\nprint('after', file=sys.stderr)\n6 * 7");
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/before\n[\s\S]*UserWarning: careful[\s\S]*after\n42/);
  }, 60_000);

  test('a failing cell has its traceback in stderr and what it printed in stdout', async () => {
    const result = await cell(executor, 'streams', "print('so far')\n{}['missing']");
    expect(result.stdout).toBe('so far\n');
    expect(result.stderr).toMatch(/^Traceback \(most recent call last\):[\s\S]*KeyError: 'missing'$/);
  });

  test('a figure (an object shown with display) comes back as an output file, numbered through the session', async () => {
    const show = `class Pixel:\n    def _repr_png_(self):\n        import base64\n        return base64.b64decode('${PNG_1X1_BASE64}')\ndisplay(Pixel())`;
    const result = await cell(executor, 'figures', show);
    expect(result.stderr).toBe('');
    expect(result.outputFiles).toEqual([{ name: 'figure_1.png', content: PNG_1X1_BASE64, contentEncoding: 'base64', mimeType: 'image/png' }]);
  });

  test("a chart comes back as its PNG, the next figure's file", async () => {
    const result = await cell(executor, 'figures', `display({"data": {"values": [{"a": 1}]}, "mark": "point", "encoding": {"x": {"field": "a"}}})`);
    expect(result.stderr).toBe('');
    expect(result.outputFiles.map((file) => [file.name, file.mimeType])).toEqual([['figure_2.png', 'image/png']]);
    expect(atob(result.outputFiles[0].content).startsWith('\x89PNG')).toBe(true);
  });

  test('code over maxCodeChars, and a language other than Python, are refused without running', async () => {
    expect((await cell(executor, 'streams', `x = 1${' '.repeat(396)}`)).stderr).toMatch(/401 characters long, over the 400 allowed; it did not run/);
    expect((await cell(executor, 'streams', 'echo hi', { language: 'shell' as CodeExecutionInput['language'] })).stderr).toMatch(/Python only/);
  });

  test('a cell past its deadline fails in stderr, and the interpreter keeps its variables', async () => {
    await cell(executor, 'slow', 'kept = 7');
    const result = await cell(executor, 'slow', 'while True: pass');
    expect(result.stderr).toMatch(/TimeoutError: Execution exceeded the time limit of 2 s\. Variables are kept\./);
    expect((await cell(executor, 'slow', 'print(kept)')).stdout).toContain('7');
  }, 60_000);

  test("ADK's abort signal stops a running cell, said in stderr", async () => {
    await cell(executor, 'stopped', 'booted = True');
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 500);
    const result = await cell(executor, 'stopped', 'import time\ntime.sleep(30)', {}, { signal: stop.signal });
    expect(result.stderr).toMatch(/KeyboardInterrupt: Execution was interrupted/);
  }, 60_000);
});

describe('interpreters bounded by count and idle time', () => {
  test("an interpreter idle past a third of idleMs is given back; the session's next cell starts a new one and says so", async () => {
    const executor = executorWith({ limits: { idleMs: 3_000 } });
    await cell(executor, 'idle', 'x = 1');
    await new Promise((resolve) => setTimeout(resolve, 1_800));
    const result = await cell(executor, 'idle', "print('x' in globals())");
    expect(result.stdout).toMatch(/^This session's Python interpreter was closed after 1 second without calls, and this run started a new one[\s\S]*False/);
  }, 60_000);

  test('close() disposes the interpreters; a later cell does not run and says why', async () => {
    const executor = executorWith();
    await cell(executor, 'closing', 'x = 1');
    await executor.close();
    expect((await cell(executor, 'closing', 'print(x)')).stderr).toBe('The cell did not run: this code executor was closed.');
  }, 60_000);

  test('past maxSessions the longest idle session gives its interpreter to the new one; its next cell says its earlier state is gone', async () => {
    const executor = executorWith({ limits: { maxSessions: 1 } });
    await cell(executor, 'a', 'x = 1');
    await cell(executor, 'b', 'y = 2');
    const back = await cell(executor, 'a', "print('x' in globals())", {}, { ranBefore: true });
    expect(back.stderr).toBe('');
    expect(back.stdout).toMatch(/^This session's earlier cells ran in a Python interpreter that is gone[\s\S]*False/);
  }, 60_000);
});
