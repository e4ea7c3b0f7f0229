/**
 * The app's functions of the code-mode tests, and the ways a call from the model's Python goes
 * wrong (a handler error, a schema refusal, a declined approval, a per-call timeout, the call cap),
 * shared by the chat, Interactions and Live suites: each case is one cell and what it must raise.
 */
import type { FunctionDeclaration } from '@google/genai';
import { expect } from 'vitest';
import type { SandboxOptions } from '../../dist/index.node.js';
import type { LocalFunction } from '../../src/agent/index.js';
import { AGENT_SANDBOX_OPTIONS } from './agent-fixtures.js';

/** A short per-call timeout and a small call cap, so the cases are quick (12 calls in a cell still fit). */
export const TROUBLE_SANDBOX_OPTIONS: SandboxOptions = { limits: { ...AGENT_SANDBOX_OPTIONS.limits, functionTimeoutMs: 1000, maxFunctionCalls: 15 } };

export const SALES: FunctionDeclaration = {
  name: 'get_sales_data',
  description: 'Monthly sales of one region, in euros.',
  parametersJsonSchema: { type: 'object', properties: { region: { type: 'string' } }, required: ['region'] },
};

/** get_sales_data, its calls counted: region-N sold N euros a month for three months. */
export function salesFunction(callableFrom: LocalFunction['callableFrom']) {
  const calls: string[] = [];
  const fn: LocalFunction = {
    declaration: SALES,
    callableFrom,
    handler: ({ region }) => {
      calls.push(String(region));
      const n = Number(String(region).split('-')[1]);
      if (!Number.isInteger(n)) throw new Error(`No region named ${String(region)}`);
      return { region, months: [n, n, n] };
    },
  };
  return { fn, calls };
}

/** The app's functions that go wrong when the model's code calls them, and what their handlers saw. */
export function troubled() {
  const seen = { sales: [] as string[], sent: [] as unknown[], confirmed: [] as unknown[], aborted: [] as unknown[], ticks: 0, waiting: 0 };
  const sales = salesFunction('code');
  seen.sales = sales.calls;
  const functions: LocalFunction[] = [
    sales.fn,
    {
      declaration: { name: 'send_email', parametersJsonSchema: { type: 'object', properties: { to: { type: 'string' } }, required: ['to'] } },
      callableFrom: 'code',
      handler: (args) => seen.sent.push(args),
      confirm: (call) => {
        seen.confirmed.push(call);
        return false;
      },
    },
    {
      declaration: { name: 'wait_forever' },
      callableFrom: 'code',
      handler: (_args, { signal }) =>
        new Promise((_, reject) => {
          seen.waiting++;
          signal?.addEventListener('abort', () => reject(seen.aborted.push(signal.reason)));
        }),
    },
    { declaration: { name: 'tick' }, callableFrom: 'code', handler: () => ++seen.ticks },
  ];
  return { functions, seen };
}

export type Seen = ReturnType<typeof troubled>['seen'];

/** One cell per case: it sets `state`, makes the call that goes wrong, and prints what Python raised. */
export const TROUBLES: { case: string; call: string; output: RegExp; check: (seen: Seen, events: readonly { type: string }[]) => void }[] = [
  {
    case: 'a handler error',
    call: 'await default_api.get_sales_data(region="nowhere")',
    output: /raised: get_sales_data: No region named nowhere/,
    check: (seen) => expect(seen.sales).toEqual(['nowhere']),
  },
  {
    case: 'a schema refusal',
    call: 'await default_api.get_sales_data(region=7)',
    output: /raised: .*arguments do not fit get_sales_data's parameters/,
    check: (seen) => expect(seen.sales).toEqual([]),
  },
  {
    case: 'a denied approval',
    call: 'await default_api.send_email(to="all@example.com")',
    output: /raised: send_email: the user declined this call of send_email; it did not run/,
    check: (seen, events) => {
      expect(seen.confirmed).toEqual([{ name: 'send_email', args: { to: 'all@example.com' } }]);
      expect(seen.sent).toEqual([]);
      expect(events.find((e) => e.type === 'code-call')).toMatchObject({ name: 'send_email', error: expect.stringMatching(/declined/) });
    },
  },
  {
    case: 'a per-call timeout',
    call: 'await default_api.wait_forever()',
    output: /raised: wait_forever: wait_forever did not finish within 1000 ms \(limits\.functionTimeoutMs\)/,
    check: (seen) => expect(String(seen.aborted)).toMatch(/did not finish within 1000 ms/),
  },
  {
    case: 'the call cap',
    call: 'for _ in range(20):\n        await default_api.tick()',
    output: /raised: .*at most 15 function calls per run \(limits\.maxFunctionCalls\)/,
    check: (seen) => expect(seen.ticks).toBe(15),
  },
];

export const troubleCell = (call: string, name: string) =>
  [`state = ${JSON.stringify(name)}`, 'try:', `    ${call}`, 'except default_api.FunctionCallError as error:', '    print("raised:", error)'].join('\n');
