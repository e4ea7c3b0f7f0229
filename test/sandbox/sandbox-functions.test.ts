/**
 * The page's functions, called from the sandbox's Python with `await default_api.<name>(...)`
 * (`RunOptions.functions`), in Node against the built library; and the host's checks of the
 * worker's `function-call` messages, tested on the checking functions themselves.
 */
import { describe, expect, it } from 'vitest';
import type { PythonSandbox, SandboxFunction } from '../../dist/index.node.js';
import { DEFAULT_API_OWN_NAMES } from '../../src/shared/default-api-names.js';
import { FUNCTION_LIMITS } from '../../src/shared/function-limits.js';
import { DEFAULT_LIMITS } from '../../src/sandbox/limits.js';
import { FunctionCalls, answerFunctionCall } from '../../src/sandbox/functions/function-calls.js';
import { parseWorkerEvent } from '../../src/sandbox/session/worker-answers.js';
import { functionAnswer } from '../../src/shared/protocol.js';
import { JSPI, useSandbox } from '../support/fixtures.js';

let sandbox: PythonSandbox;
// A short per-call timeout, so the timeout test is quick, and caps other than the defaults, so the
// tests show they are read from limits; no spare: these runs never restart.
const LIMITS = { functionTimeoutMs: 1500, maxFunctionCalls: 30, maxConcurrentFunctionCalls: 3 };
useSandbox({ warmSpare: false, limits: LIMITS }, (made) => {
  sandbox = made;
});

const salesData: SandboxFunction = {
  name: 'get_sales_data',
  description: 'Sales of one region.',
  parameters: { type: 'object', properties: { region: { type: 'string', enum: ['north', 'south'] }, month: { type: 'integer' } }, required: ['region'] },
  handler: ({ region, month }) => ({ region, month: month ?? null, total: region === 'north' ? 120 : 80 }),
};

/** A function whose calls are counted, and which never ends until its signal aborts. */
function hanging() {
  const seen = { calls: 0, aborted: [] as unknown[] };
  const fn: SandboxFunction = {
    name: 'wait_forever',
    handler: (_args, { signal }) =>
      new Promise((_, reject) => {
        seen.calls++;
        signal.addEventListener('abort', () => {
          seen.aborted.push(signal.reason);
          reject(signal.reason);
        });
      }),
  };
  return { fn, seen };
}

describe('functions from the page', () => {
  it('are awaited from Python, twelve in a loop, and return dicts (no import needed)', async () => {
    const r = await sandbox.run(
      'rows = []\nfor m in range(12):\n    rows.append(await default_api.get_sales_data(region="north", month=m))\n[type(rows[0]).__name__, rows[11]["month"], sum(r["total"] for r in rows)]',
      { functions: [salesData] },
    );
    expect(r.outcome).toBe('OUTCOME_OK');
    expect(r.result).toBe("['dict', 11, 1440]");
  });

  it('take positional arguments in the order of the schema, and `from default_api import`', async () => {
    const r = await sandbox.run('from default_api import get_sales_data\n(await get_sales_data("south", 3))', { functions: [salesData] });
    expect(r.result).toBe("{'region': 'south', 'month': 3, 'total': 80}");
    const tooMany = await sandbox.run('await get_sales_data("south", 3, 4)', { functions: [salesData] });
    expect(tooMany.error?.name).toBe('TypeError');
    expect(tooMany.error?.message).toMatch(/takes 2 positional arguments but 3 were given/);
  });

  it('keep helpers of an earlier cell working while later runs pass the function again', async () => {
    await sandbox.run('async def north():\n    return (await default_api.get_sales_data(region="north"))["total"]', { functions: [salesData] });
    expect((await sandbox.run('await north()', { functions: [salesData] })).result).toBe('120');
    const without = await sandbox.run('await north()');
    expect(without.outcome).toBe('OUTCOME_FAILED');
    expect(without.error?.name).toBe('FunctionCallError');
    expect(without.error?.message).toMatch(/get_sales_data is not available in this run/);
  });

  it('give None for undefined, and a Python exception with the message for a throw', async () => {
    const functions: SandboxFunction[] = [
      { name: 'nothing', handler: () => undefined },
      {
        name: 'broken',
        handler: async () => {
          throw new Error('the warehouse is closed');
        },
      },
      { name: 'cyclic', handler: () => BigInt(1) },
    ];
    const r = await sandbox.run(
      'out = [await default_api.nothing()]\ntry:\n    await default_api.broken()\nexcept default_api.FunctionCallError as e:\n    out.append(str(e))\ntry:\n    await default_api.cyclic()\nexcept RuntimeError as e:\n    out.append("json" if "JSON" in str(e) else str(e))\nout',
      { functions },
    );
    expect(r.result).toBe("[None, 'broken: the warehouse is closed', 'json']");
  });

  it('refuse arguments that do not fit the schema, without running the handler', async () => {
    let ran = 0;
    const fn = { ...salesData, handler: () => ran++ };
    const r = await sandbox.run('await default_api.get_sales_data(region="east")', { functions: [fn] });
    expect(r.error?.name).toBe('FunctionCallError');
    expect(r.error?.message).toMatch(/arguments\.region: Instance does not match any of \["north","south"\]/);
    const missing = await sandbox.run('await default_api.get_sales_data(month=2)', { functions: [fn] });
    expect(missing.error?.message).toMatch(/arguments: Instance does not have required property "region"/);
    expect(ran).toBe(0);
  });

  it('say which functions there are for an unknown name', async () => {
    const r = await sandbox.run('await default_api.get_weather()', { functions: [salesData] });
    expect(r.error?.name).toBe('AttributeError');
    expect(r.error?.message).toMatch(/no function 'get_weather' in this run \(available: get_sales_data\)/);
  });

  it('are found by search_tools: every word of the query in the name or description, one line each', async () => {
    const orders: SandboxFunction = { name: 'list_orders', description: 'Orders of a region.\nPaged, newest first.', handler: () => [] };
    const functions = [salesData, orders, hanging().fn];
    const found = async (query: string) => (await sandbox.run(`default_api.search_tools(${JSON.stringify(query)})`, { functions })).result;
    expect(await found('REGION')).toBe("['get_sales_data(region: str, month: int = None): Sales of one region.', 'list_orders(): Orders of a region.']");
    expect(await found('sales north')).toBe('[]');
    expect(await found('wait')).toBe("['wait_forever()']");
    expect(await found('')).toMatch(/^\['get_sales_data.*', 'list_orders.*', 'wait_forever\(\)'\]$/);
  });

  it("keep default_api's own names: dir() lists them beside the run's functions, and no function may take one", async () => {
    // Every listed name is one Python defines: the list and default_api.py cannot drift apart unseen.
    const listed = await sandbox.run('dir(default_api), [name for name in dir(default_api) if not hasattr(default_api, name)]', { functions: [salesData] });
    const names = [...DEFAULT_API_OWN_NAMES, 'get_sales_data'].sort().map((name) => `'${name}'`);
    expect(listed.result).toBe(`([${names.join(', ')}], [])`);
    for (const name of DEFAULT_API_OWN_NAMES) {
      await expect(sandbox.run('x = 1', { functions: [salesData, { name, handler: () => 1 }] })).rejects.toThrow(
        `functions[1].name must not be one of default_api's own names (AwaitRequired, FunctionCallError, search_tools); got "${name}"`,
      );
    }
  });

  it('in async code, tell the model to use await when a call is not awaited (nothing is sent)', async () => {
    let ran = 0;
    const fn = { ...salesData, handler: () => ran++ };
    // A cell that uses `await` is async code: its calls are awaitables, for gather and tasks.
    const run = (code: string) => sandbox.run(`import asyncio\nawait asyncio.sleep(0)\n${code}`, { functions: [fn] });
    const r = await run('x = default_api.get_sales_data(region="north")\nx["total"]');
    expect(r.error?.name).toBe('TypeError');
    expect(r.error?.message).toMatch(/without await.*write `await default_api\.get_sales_data\(\.\.\.\)`/);
    const dropped = await run('default_api.get_sales_data(region="north")\nNone');
    expect(dropped.stderr).toMatch(/Warning: default_api\.get_sales_data\(\.\.\.\) was called without await/);
    const shown = await run('shown = repr(default_api.get_sales_data(region="north"))\nprint(shown)');
    expect(shown.stdout).toMatch(/was called without await, so it did not run/);
    const attribute = await run('total = default_api.get_sales_data(region="north").total');
    expect(attribute.error?.name).toBe('AttributeError');
    expect(attribute.error?.message).toMatch(/write `await default_api\.get_sales_data/);
    expect(ran).toBe(0);
  });

  it('gather awaitable calls from async code', async () => {
    const r = await sandbox.run('import asyncio\n[r["total"] for r in await asyncio.gather(*[default_api.get_sales_data(x) for x in ("north", "south")])]', {
      functions: [salesData],
    });
    expect(r.result).toBe('[120, 80]');
  });

  it('stop at limits.maxFunctionCalls per run', async () => {
    let ran = 0;
    const fn: SandboxFunction = { name: 'tick', handler: () => ++ran };
    const r = await sandbox.run(
      'n = 0\ntry:\n    for _ in range(50):\n        await default_api.tick()\n        n += 1\nexcept default_api.FunctionCallError as e:\n    print(e)\nn',
      {
        functions: [fn],
      },
    );
    expect(r.result).toBe(String(LIMITS.maxFunctionCalls));
    expect(r.stdout).toMatch(/at most 30 function calls per run \(limits\.maxFunctionCalls\)/);
    expect(ran).toBe(LIMITS.maxFunctionCalls);
  });

  it('run at most limits.maxConcurrentFunctionCalls handlers at once; more wait their turn', async () => {
    let running = 0;
    let most = 0;
    const fn: SandboxFunction = {
      name: 'slow',
      handler: async () => {
        most = Math.max(most, ++running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        running--;
        return 1;
      },
    };
    const r = await sandbox.run('import asyncio\nsum(await asyncio.gather(*[default_api.slow() for _ in range(20)]))', { functions: [fn] });
    expect(r.result).toBe('20');
    expect(most).toBe(LIMITS.maxConcurrentFunctionCalls);
  });

  it('time a call out after limits.functionTimeoutMs: Python raises, the handler signal aborts', async () => {
    const { fn, seen } = hanging();
    const r = await sandbox.run('try:\n    await default_api.wait_forever()\nexcept default_api.FunctionCallError as e:\n    print(e)\n"after"', {
      functions: [fn],
    });
    expect(r.outcome).toBe('OUTCOME_OK');
    expect(r.stdout).toMatch(/did not finish within 1500 ms \(limits\.functionTimeoutMs\)/);
    expect(r.result).toBe("'after'");
    expect(seen.aborted).toHaveLength(1);
  });

  it('end a run stopped while a call is pending, aborting the handler and keeping globals', async () => {
    for (const how of ['interrupt', 'deadline'] as const) {
      const { fn, seen } = hanging();
      await sandbox.run(`kept_${how} = 7`);
      const running = sandbox.run('await default_api.wait_forever()', { functions: [fn], ...(how === 'deadline' && { timeoutMs: 400 }) });
      if (how === 'interrupt') {
        while (seen.calls === 0) await new Promise((resolve) => setTimeout(resolve, 10));
        sandbox.interrupt();
      }
      const r = await running;
      expect(r.outcome).toBe(how === 'interrupt' ? 'OUTCOME_FAILED' : 'OUTCOME_DEADLINE_EXCEEDED');
      expect(r.stateLost).toBe(false);
      expect(seen.aborted).toHaveLength(1);
      expect(String(seen.aborted[0])).toMatch(/the run was stopped/);
      expect((await sandbox.run(`kept_${how}`)).result).toBe('7');
    }
  });

  it('ask confirm after the checks and before the handler: only true runs it, a decline or a throw raise in Python', async () => {
    const asked: unknown[] = [];
    const sent: string[] = [];
    const answers: Record<string, () => unknown> = {
      'a@example.com': () => true,
      'b@example.com': () => false,
      'c@example.com': () => Promise.reject(new Error('the approver is offline')),
      'd@example.com': () => 'yes',
    };
    const sendEmail: SandboxFunction = {
      name: 'send_email',
      parameters: { type: 'object', properties: { to: { type: 'string' } }, required: ['to'] },
      handler: ({ to }) => sent.push(String(to)),
      confirm: (call, { signal }) => {
        asked.push(call);
        expect(signal.aborted).toBe(false);
        return answers[String(call.args.to)]() as boolean;
      },
    };
    const r = await sandbox.run(
      [
        'for to in ["a@example.com", "b@example.com", "c@example.com", "d@example.com", 7]:',
        '    try:',
        '        await default_api.send_email(to=to)',
        '        print("sent", to)',
        '    except default_api.FunctionCallError as e:',
        '        print(e)',
      ].join('\n'),
      { functions: [sendEmail] },
    );
    expect(r.stdout.split('\n')).toEqual([
      'sent a@example.com',
      'send_email: the user declined this call of send_email; it did not run',
      'send_email: the approver is offline',
      'send_email: the user declined this call of send_email; it did not run',
      expect.stringMatching(/arguments do not fit send_email's parameters/),
      '',
    ]);
    expect(sent).toEqual(['a@example.com']);
    // The schema refusal was never asked about.
    expect(asked).toEqual(['a', 'b', 'c', 'd'].map((x) => ({ name: 'send_email', args: { to: `${x}@example.com` } })));
    await expect(sandbox.run('x = 1', { functions: [{ ...sendEmail, confirm: true as unknown as SandboxFunction['confirm'] }] })).rejects.toThrow(
      /confirm must be a function/,
    );
  });

  it('wait for confirm past limits.functionTimeoutMs, until the run ends: its signal aborts then and globals stay', async () => {
    let ran = 0;
    const slowYes: SandboxFunction = { name: 'slow_yes', handler: () => ++ran, confirm: () => new Promise((resolve) => setTimeout(() => resolve(true), 2000)) };
    expect((await sandbox.run('await default_api.slow_yes()', { functions: [slowYes] })).result).toBe('1');

    const reasons: unknown[] = [];
    const never: SandboxFunction = {
      name: 'never_answered',
      handler: () => ++ran,
      confirm: (_call, { signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(reasons.push(signal.reason)))),
    };
    await sandbox.run('kept_confirm = 9');
    const r = await sandbox.run('await default_api.never_answered()', { functions: [never], timeoutMs: 2000 });
    expect(r.outcome).toBe('OUTCOME_DEADLINE_EXCEEDED');
    expect(r.stateLost).toBe(false);
    expect(String(reasons[0])).toMatch(/the run was stopped/);
    expect(ran).toBe(1);
    expect((await sandbox.run('kept_confirm')).result).toBe('9');
  });

  it('refuse a bad functions entry when the run starts, naming it, with nothing run', async () => {
    await expect(sandbox.run('x = 1', { functions: [{ name: 'not-valid', handler: () => 1 }] })).rejects.toThrow(
      /functions\[0\]\.name must be an ASCII Python identifier \(a letter first, up to 100 characters, not a keyword\); got "not-valid"/,
    );
    await expect(sandbox.run('x = 1', { functions: [salesData, { name: 'class', handler: () => 1 }] })).rejects.toThrow(/functions\[1\]/);
    await expect(sandbox.run('x = 1', { functions: [{ name: 'f' } as unknown as SandboxFunction] })).rejects.toThrow(TypeError);
  });
});

/**
 * Python finds the worker's events port (patching `MessagePort.prototype.postMessage`, as
 * test/support/forgery.ts does, with Node's `globalThis`), posts `function-call`s of its own on
 * it, and prints the host's answers to them.
 */
const FORGE_CALLS = `import asyncio, sys, js
from pyodide.ffi import to_js
js.eval("""(() => {
  const g = globalThis;
  g.__ports = []; g.__runIds = []; g.__answers = [];
  const post = (g.__post = MessagePort.prototype.postMessage);
  MessagePort.prototype.postMessage = function (m, transfer) {
    if (m && m.type === 'output' && !g.__ports.includes(this)) {
      g.__ports.push(this);
      g.__runIds.push(m.runId);
      this.addEventListener('message', (e) => {
        if (e.data && e.data.type === 'function-result' && e.data.callId >= 1e6) g.__answers.push(JSON.stringify(e.data));
      });
    }
    return post.call(this, m, transfer);
  };
})()""")
print("this run")
sys.stdout.flush()
this_run = max(js.__runIds)
forged = [
    (this_run, "not_in_run", "{}"),
    (this_run, "counted", "[" * 1_100_000),
    (this_run - 1, "counted", "{}"),
    (this_run, "counted", "{}"),
]
for i, (run_id, name, args) in enumerate(forged):
    for port in js.__ports:
        port.postMessage(to_js({"type": "function-call", "runId": run_id, "callId": 10**6 + i, "name": name, "args": args}, dict_converter=js.Object.fromEntries))
await asyncio.sleep(0.5)
js.eval("MessagePort.prototype.postMessage = globalThis.__post")
for a in js.__answers:
    print(a)`;

describe('a worker that forges function calls', () => {
  it('gets refusals for a name not in the run, huge arguments and a finished run; no handler runs for them', async () => {
    let ran = 0;
    const counted: SandboxFunction = { name: 'counted', handler: () => ++ran };
    const r = await sandbox.run(FORGE_CALLS, { functions: [counted] });
    expect(r.error?.traceback ?? '').toBe('');
    expect(r.outcome).toBe('OUTCOME_OK');
    const answers = r.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { callId: number; answer: string });
    const byId = new Map(answers.map((a) => [a.callId - 1e6, a.answer]));
    expect(byId.get(0)).toMatch(/^e.*no function "not_in_run" in this run/);
    expect(byId.get(1)).toMatch(/^e.*arguments are over 1048576 characters/);
    expect(byId.get(2)).toMatch(/^e.*only while their run is going/);
    // The control: a well-formed call for the current run is as good as Python's own.
    expect(byId.get(3)).toBe('r1');
    expect(ran).toBe(1);
  });
});

describe("the host's checks of a worker's function calls", () => {
  const call = (name: string, args = '{}') => ({ type: 'function-call' as const, runId: 1, callId: 9, name, args });
  const limits = { ...DEFAULT_LIMITS, functionTimeoutMs: 1000 };

  it('refuses a name that is not one of the run’s functions, running nothing', async () => {
    let ran = 0;
    const calls = new FunctionCalls([{ name: 'allowed', handler: () => ++ran }], limits);
    const reply = await calls.answer(call('fetch_secrets'));
    expect(reply).toEqual({ type: 'function-result', callId: 9, answer: expect.stringMatching(/^e.*no function "fetch_secrets" in this run/) });
    expect(ran).toBe(0);
  });

  it('refuses huge arguments before parsing them, and arguments that are not an object', async () => {
    const huge = parseWorkerEvent({ ...call('allowed'), args: 'x'.repeat(FUNCTION_LIMITS.maxArgsChars + 1) });
    expect(huge).toMatchObject({ type: 'function-call', name: 'allowed', args: '{}', refused: expect.stringMatching(/over/) });
    let ran = 0;
    const calls = new FunctionCalls([{ name: 'allowed', handler: () => ++ran }], limits);
    expect((await calls.answer(huge as ReturnType<typeof call>)).answer).toMatch(/^e.*over 1048576 characters/);
    expect((await calls.answer(call('allowed', '[1,2]'))).answer).toMatch(/^e.*must be an object/);
    expect((await calls.answer(call('allowed', '{"a":'))).answer).toMatch(/^e.*not valid JSON/);
    expect(parseWorkerEvent({ ...call('allowed'), name: 'os.system' })).toMatchObject({ refused: expect.any(String) });
    expect(ran).toBe(0);
  });

  it('refuses a call for a run that is not the current one, or one already over', async () => {
    let ran = 0;
    expect((await answerFunctionCall(undefined, call('allowed'))).answer).toMatch(/^e.*only while their run is going/);
    const calls = new FunctionCalls([{ name: 'allowed', handler: () => ++ran }], limits);
    calls.stop('the run ended');
    // Said as a stop: Python waiting in place raises KeyboardInterrupt, an awaiting task is cancelled.
    expect((await calls.answer(call('allowed'))).answer).toBe(functionAnswer.stopped);
    expect(ran).toBe(0);
  });

  it('refuses a result over maxResultChars of JSON, and checks nested schemas without eval', async () => {
    const calls = new FunctionCalls(
      [
        { name: 'big', handler: () => 'x'.repeat(FUNCTION_LIMITS.maxResultChars) },
        {
          name: 'typed',
          parameters: {
            type: 'object',
            properties: { rows: { type: 'array', items: { type: 'object', properties: { n: { type: 'integer', minimum: 0 } }, required: ['n'] } } },
            additionalProperties: false,
          },
          handler: () => 'ok',
        },
      ],
      limits,
    );
    expect((await calls.answer(call('big'))).answer).toMatch(/^e.*returned 1048578 characters of JSON, over 1048576/);
    // The first problem found: the check stops there (its cost stays linear in the arguments' size).
    expect((await calls.answer(call('typed', '{"rows":[{"n":1},{"n":-1},{}]}'))).answer).toMatch(/^e.*arguments\.rows\.1\.n: -1 is less than 0\.$/);
    expect((await calls.answer(call('typed', '{"rows":[{"n":1},{}]}'))).answer).toMatch(/^e.*arguments\.rows\.1: Instance does not have required property "n"/);
    expect((await calls.answer(call('typed', '{"rows":[],"extra":1}'))).answer).toMatch(
      /^e.*arguments: Property "extra" does not match additional properties schema/,
    );
    expect(await calls.answer(call('typed', '{"rows":[{"n":2}]}'))).toEqual({ type: 'function-result', callId: 9, answer: 'r"ok"' });
  });
  it('refuses huge failing arguments as fast as it accepts fitting ones of the same size (no check compares every problem with every other)', async () => {
    const schemas: Record<string, Record<string, unknown>> = {
      numbers: { type: 'object', properties: { ids: { type: 'array', items: { type: 'number' } } } },
      items: { type: 'object', properties: { ids: { type: 'array', items: { type: 'string' } } } },
      enums: { type: 'object', properties: { ids: { type: 'array', items: { enum: [1, 2] } } } },
      closed: { type: 'object', properties: { ids: { type: 'array' } }, additionalProperties: false },
      unique: { type: 'object', properties: { ids: { type: 'array', uniqueItems: true } } },
    };
    const calls = new FunctionCalls(
      Object.entries(schemas).map(([name, parameters]) => ({ name, parameters, handler: () => 'ran' })),
      limits,
    );
    const timed = async (name: string, args: unknown) => {
      const start = performance.now();
      const reply = await calls.answer(call(name, JSON.stringify(args)));
      return { reply, ms: performance.now() - start };
    };
    /**
     * The failing check's time against the same check passing arguments of the same size just
     * before (generous against a busy machine; the pairwise check it replaces took 15 s for 24,000
     * items), tried up to three times: beside other work one try took 8 s where 0.8 is usual, and
     * a check that compares every problem with every other is slow on every try.
     */
    const againstControl = async (count: number, name: string, args: unknown) => {
      let measured: Awaited<ReturnType<typeof timed>> & { bound: number };
      let attempt = 0;
      do {
        const fitting = await timed('numbers', { ids: Array(count).fill(0) });
        expect(fitting.reply.answer).toBe('r"ran"');
        measured = { ...(await timed(name, args)), bound: 5 * fitting.ms + 500 };
      } while (measured.ms >= measured.bound && ++attempt < 3);
      return measured;
    };
    for (const count of [24_000, 60_000, 340_000]) {
      const failing = [
        await againstControl(count, 'items', { ids: Array(count).fill(0) }),
        await againstControl(count, 'enums', { ids: Array(count).fill(0) }),
        await againstControl(count, 'unique', { ids: count <= 60_000 ? Array.from({ length: count }, (_, i) => ({ i })) : Array(count).fill(0) }),
      ];
      if (count <= 60_000) failing.push(await againstControl(count, 'closed', Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, 1]))));
      for (const { reply, ms, bound } of failing) {
        expect(reply.answer).toMatch(/^e.*(the arguments do not fit|uniqueItems)/);
        expect(reply.answer.length).toBeLessThan(2_000);
        expect(ms, `${count} items: ${reply.answer.slice(0, 80)}`).toBeLessThan(bound);
      }
    }
    expect((await timed('unique', { ids: [1, 2, 2] })).reply.answer).toMatch(/^e.*Duplicate items/);
  });
});

/**
 * Gemini writes tool calls as plain Python (`print(default_api.name(arg=...))`). From plain code
 * (a cell without `await`, a helper, a lambda) a call waits for the page in place on every Node:
 * through JSPI where the engine has it (Node 24, 26), else with the worker's thread blocked on a
 * SharedArrayBuffer, which a Node worker always has (Node 22: worker/code-calls/blocking-wait.ts). A stop
 * reaches such a wait either way. (Where neither exists it raises AwaitRequired: browsers,
 * engines.browser.test.ts.)
 */
describe('functions called from plain code', () => {
  const helperCell = 'def total(region):\n    return default_api.get_sales_data(region=region)["total"]\nprint(sorted(map(total, ["north", "south"])))';
  const way = JSPI ? 'JSPI' : 'blocked thread';

  it(`(${way}) wait in place: inside a helper, a map and a loop, results as dicts`, async () => {
    const loop = 'n = 0\nfor region in ["north", "south"] * 10:\n    n += total(region)\nprint(n)';
    const r = await sandbox.run(`${helperCell}\n${loop}\nprint(type(default_api.get_sales_data("north")).__name__)`, { functions: [salesData] });
    expect(r.outcome).toBe('OUTCOME_OK');
    expect(r.stdout).toBe('[80, 120]\n2000\ndict\n');
  });

  it(`(${way}) awaited calls and plain ones mix across runs, and a failing call raises FunctionCallError in place`, async () => {
    const awaited = await sandbox.run('(await default_api.get_sales_data("south"))["total"]', { functions: [salesData] });
    expect(awaited.result).toBe('80');
    const refused = await sandbox.run(
      `try:\n    default_api.get_sales_data("west")\nexcept default_api.FunctionCallError:\n    print("refused")\n${helperCell}\ntotal("north")`,
      {
        functions: [salesData],
      },
    );
    expect(refused.stdout).toBe('refused\n[80, 120]\n');
    expect(refused.result).toBe('120');
  });

  it(`(${way}) a stop while such a call is pending ends the run with KeyboardInterrupt, and a deadline in time.sleep too; globals kept`, async () => {
    const { fn, seen } = hanging();
    await sandbox.run('kept = 7');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const stopped = await sandbox.run('default_api.wait_forever()', { functions: [fn], signal: controller.signal });
    expect(stopped.error?.name).toBe('KeyboardInterrupt');
    expect(stopped.stateLost).toBe(false);
    expect(seen.aborted).toHaveLength(1);
    // Such a run is entered through callPromising, where Pyodide's own time.sleep would wait on its event loop, and a stop there wedged the run.
    const sleeping = await sandbox.run('import time\ndefault_api.get_sales_data("north")\ntime.sleep(5)', { functions: [salesData], timeoutMs: 500 });
    expect(sleeping).toMatchObject({ outcome: 'OUTCOME_DEADLINE_EXCEEDED', stateLost: false });
    // The deadline strikes while a helper's call in a loop waits.
    const started = Date.now();
    const late = await sandbox.run('def ask():\n    return default_api.wait_forever()\nfor _ in range(3):\n    kept += 1\n    ask()', {
      functions: [fn],
      timeoutMs: 500,
    });
    expect(late.outcome).toBe('OUTCOME_DEADLINE_EXCEEDED');
    expect(late.stateLost).toBe(false);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(seen.calls).toBe(2);
    expect((await sandbox.run('kept')).result).toBe('8');
  });
});
