/**
 * Code mode (`RunOptions.functions`, `LocalFunction.callableFrom: 'code'`):
 *   - one call's round trip from the run's Python to a page function and back (code-calls.mjs),
 *     p50 and p95 per round, in Node and in Chromium: default isolation (the sandboxed frame) on
 *     a cross-origin-isolated page and on a plain page, `isolation: 'worker'` on the isolated page;
 *     awaited and plain (waiting in place: JSPI, else a blocked thread) calls, and the floor
 *     (`await asyncio.sleep(0)`);
 *   - the model traffic of one task, "get the sales data of 12 regions and compute each region's
 *     growth", on a scripted fake model (no network) through the real `createCodeExecutionChat`:
 *     direct function calls (12 parallel `get_sales_data` calls in one response, then one
 *     `run_python` cell with the data pasted in) against code mode (one `run_python` cell that
 *     calls `default_api.get_sales_data` per region). Requests and bytes sent to the model.
 *
 * Alone: `node bench/code-mode.mjs [node] [traffic] [chromium]` (after `npm run build`; all three
 * without arguments; `BENCH_QUICK=1` for a handful of samples). Run the Chromium part under the
 * browser lock (e.g. `node bench/code-mode.mjs chromium` under `flock`).
 * In the whole bench: `BENCH_ONLY=code-mode npm run bench`.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { withFreshBenchPage } from './bench-page.mjs';
import { measureCodeCalls } from './code-calls.mjs';
import { runAloneIfMain } from './run-alone.mjs';
import { median, percentile } from './suite.mjs';

export const CODE_MODE_COUNTS = { rounds: 3, warmup: 100, calls: 1000 };
export const CODE_MODE_QUICK_COUNTS = { rounds: 1, warmup: 20, calls: 100 };

/** The variants of the round trip, as [key, label, site ('isolated' | 'plain'), create() options]. */
const CHROMIUM_VARIANTS = [
  ['isolatedFrame', "Chromium: `isolation: 'frame'` (default), cross-origin-isolated page", 'isolated', {}],
  ['plainFrame', "Chromium: `isolation: 'frame'` (default), page without COOP/COEP", 'plain', {}],
  ['isolatedWorker', "Chromium: `isolation: 'worker'`, cross-origin-isolated page", 'isolated', { isolation: 'worker' }],
];
const FORMS = [
  ['awaited', '`await default_api.ping(i=i)`'],
  ['plain', '`default_api.ping(i=i)`, waiting in place (JSPI, else a blocked thread)'],
];

/**
 * Every part asked for (`parts`: 'node', 'traffic', 'chromium'). Chromium needs `launchChromium`
 * and `startStaticServer` (test/support) and `root`, the frozen build's folder.
 */
export async function benchCodeMode({ distDir, root, counts, parts = ['node', 'traffic', 'chromium'], launchChromium, startStaticServer, log }) {
  const out = { counts };
  if (parts.includes('node')) out.node = await nodeRoundTrips(distDir, counts, log);
  if (parts.includes('traffic')) out.traffic = await modelTraffic(distDir, log);
  if (parts.includes('chromium')) out.chromium = await chromiumRoundTrips({ root, counts, launchChromium, startStaticServer, log });
  return out;
}

/** Per round a fresh sandbox in this process (worker thread). */
async function nodeRoundTrips(distDir, counts, log) {
  const { PythonSandbox } = await import(pathToFileURL(join(distDir, 'index.node.js')).href);
  const rounds = [];
  for (let round = 0; round < counts.rounds; round++) {
    log(`code mode, node round ${round + 1}/${counts.rounds}`);
    rounds.push(await measureCodeCalls(PythonSandbox, {}, counts));
  }
  return summarize(rounds);
}

/** Per round one browser, a fresh context and page per variant, the variants in rotating order. */
async function chromiumRoundTrips({ root, counts, launchChromium, startStaticServer, log }) {
  const sites = { isolated: await startStaticServer({ root, crossOriginIsolated: true }), plain: await startStaticServer({ root }) };
  const rounds = Object.fromEntries(CHROMIUM_VARIANTS.map(([key]) => [key, []]));
  let version;
  try {
    for (let round = 0; round < counts.rounds; round++) {
      const browser = await launchChromium();
      version = browser.version();
      try {
        for (let i = 0; i < CHROMIUM_VARIANTS.length; i++) {
          const [key, , site, options] = CHROMIUM_VARIANTS[(i + round) % CHROMIUM_VARIANTS.length];
          log(`code mode, chromium round ${round + 1}/${counts.rounds}: ${key}`);
          const measured = await withFreshBenchPage(
            browser,
            sites[site],
            (page) => page.evaluate(([o, c]) => window.bench.codeCalls(o, c), [options, counts]),
            (line) => log(`chromium ${line}`),
            { isolated: site === 'isolated' },
          );
          const expected = options.isolation ?? 'frame';
          if (measured.isolation !== expected) throw new Error(`${key}: create() made ${measured.isolation} isolation, not ${expected}`);
          rounds[key].push(measured);
        }
      } finally {
        await browser.close();
      }
    }
  } finally {
    await sites.isolated.close();
    await sites.plain.close();
  }
  return { version, ...Object.fromEntries(Object.entries(rounds).map(([key, measured]) => [key, summarize(measured)])) };
}

/** Per form: each round's p50 and p95, and their medians over rounds. */
function summarize(rounds) {
  const out = { jspi: rounds.every((r) => r.jspi), forms: {} };
  for (const form of ['floor', 'promise', 'awaited', 'plain']) {
    const measured = rounds.map((r) => r.forms[form]).filter(Boolean);
    if (!measured.length) continue;
    const p50s = measured.map((times) => percentile(times, 50));
    const p95s = measured.map((times) => percentile(times, 95));
    out.forms[form] = { p50: median(p50s), p95: median(p95s), p50s, p95s, calls: measured[0].length };
  }
  return out;
}

const REGIONS = ['north', 'south', 'east', 'west', 'central', 'coast', 'alps', 'lakes', 'islands', 'capital', 'valley', 'highlands'];
const MONTHS = Array.from({ length: 24 }, (_, i) => `${2024 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);

/** 24 months of one region's sales, in euros: a trend and a season, deterministic. */
function salesData(region) {
  const index = REGIONS.indexOf(region);
  if (index < 0) throw new Error(`unknown region ${JSON.stringify(region)}`);
  const base = 80_000 + 13_000 * index;
  const trend = 0.002 * ((index % 7) - 2);
  const months = MONTHS.map((month, m) => ({
    month,
    sales: Math.round(base * (1 + trend) ** m * (1 + 0.15 * Math.sin(((m % 12) / 12) * 2 * Math.PI + index)) * 100) / 100,
  }));
  return { region, currency: 'EUR', months };
}

const DECLARATION = {
  name: 'get_sales_data',
  description: "Monthly sales of one region for the last 24 months, in euros: { region, currency, months: [{ month: 'YYYY-MM', sales }] }.",
  parameters: { type: 'object', properties: { region: { type: 'string' } }, required: ['region'] },
};
const GROWTH = ['    growth = sum(sales[12:]) / sum(sales[:12]) - 1', '    print(f"{region}: {growth:+.1%}")'];
const CODE_MODE_CELL = [
  `for region in ${JSON.stringify(REGIONS)}:`,
  '    data = await default_api.get_sales_data(region=region)',
  '    sales = [m["sales"] for m in data["months"]]',
  ...GROWTH,
].join('\n');

const functionCall = (name, args, id) => ({ functionCall: { name, args, id } });
const modelTurn = (parts) => ({ candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP' }] });
/** The output of the last `run_python` call, from the function responses of the request's last turn. */
const lastOutput = (contents) => contents.at(-1).parts.find((p) => p.functionResponse?.name === 'run_python').functionResponse.response.output;

/** The scripted model of each mode: one function per request, from the request's contents to the response. */
const SCRIPTS = {
  direct: [
    () => modelTurn(REGIONS.map((region, i) => functionCall('get_sales_data', { region }, `s${i}`))),
    (contents) => {
      // The model pastes what it was sent: each region's 24 numbers.
      const pasted = contents.at(-1).parts.map(({ functionResponse: { response } }) => [response.output.region, response.output.months.map((m) => m.sales)]);
      const code = [`data = ${JSON.stringify(Object.fromEntries(pasted))}`, 'for region, sales in data.items():', ...GROWTH].join('\n');
      return modelTurn([functionCall('run_python', { code }, 'c1')]);
    },
    (contents) => modelTurn([{ text: `Growth over the last 12 months against the 12 before:\n${lastOutput(contents)}` }]),
  ],
  code: [
    () => modelTurn([functionCall('run_python', { code: CODE_MODE_CELL }, 'c1')]),
    (contents) => modelTurn([{ text: `Growth over the last 12 months against the 12 before:\n${lastOutput(contents)}` }]),
  ],
};

/** One message of each mode through the real chat; what each request carried. */
async function modelTraffic(distDir, log) {
  const { PythonSandbox, createCodeExecutionChat } = await import(pathToFileURL(join(distDir, 'index.node.js')).href);
  const sandbox = await PythonSandbox.create();
  const out = {};
  try {
    for (const [mode, callableFrom] of [
      ['direct', 'model'],
      ['code', 'code'],
    ]) {
      log(`code mode, model traffic: ${mode}`);
      const requests = [];
      const script = SCRIPTS[mode];
      const generateContent = async ({ contents, config }) => {
        const response = script[requests.length](contents);
        requests.push({
          contentsBytes: bytes(contents),
          requestBytes: bytes({ contents, tools: config.tools, systemInstruction: config.systemInstruction }),
          responseBytes: bytes(response.candidates[0].content),
        });
        return structuredClone(response);
      };
      const ai = { models: { generateContent, generateContentStream: () => Promise.reject(new Error('not scripted')) } };
      let handled = 0;
      const functions = [{ declaration: DECLARATION, callableFrom, handler: ({ region }) => (handled++, salesData(region)) }];
      const chat = createCodeExecutionChat({ ai, model: 'fake-model', sandbox, functions });
      const res = await chat.sendMessage({ message: "Get the sales data of our 12 regions and compute each region's growth." });
      if (requests.length !== script.length) throw new Error(`${mode}: ${requests.length} model requests, scripted ${script.length}`);
      if (handled !== REGIONS.length) throw new Error(`${mode}: get_sales_data ran ${handled} times`);
      // The answer's text parts (the SDK's \`text\` getter warns about the transcript's code parts).
      const answer = res.candidates[0].content.parts.flatMap((p) => (p.text ? [p.text] : [])).join('');
      out[mode] = { requests: requests.length, ...sum(requests), answer, perRequest: requests };
    }
  } finally {
    await sandbox.dispose();
  }
  if (out.direct.answer !== out.code.answer) throw new Error(`the modes answered differently:\n${out.direct.answer}\n---\n${out.code.answer}`);
  return out;
}

const bytes = (value) => Buffer.byteLength(JSON.stringify(value));
const sum = (requests) => Object.fromEntries(['contentsBytes', 'requestBytes', 'responseBytes'].map((key) => [key, requests.reduce((s, r) => s + r[key], 0)]));

/** Target rows (report.mjs `targetsTable`): the p50 goal on the frame rows, the rest for reference. */
export function codeModeTargets(codeMode, goals) {
  if (!codeMode) return [];
  const TARGET = "Code mode: one call's round trip, Python → page function (a small dict) → Python, p50 (timed in Python)";
  const rows = [];
  const add = (where, measured, goalMs) => {
    if (!measured) return;
    const range = [Math.min(...measured.p50s), Math.max(...measured.p50s)];
    const goal = goalMs === undefined ? { goal: 'reference', met: undefined } : { goal: `≤ ${goalMs} ms`, met: measured.p50 <= goalMs };
    rows.push({ target: TARGET, where, value: measured.p50, unit: 'ms', n: measured.p50s.length, range, ...goal });
  };
  for (const [key, label] of CHROMIUM_VARIANTS)
    for (const [form, call] of FORMS) add(`${label}, ${call}`, codeMode.chromium?.[key]?.forms[form], key.endsWith('Frame') ? goals.codeCallP50Ms : undefined);
  for (const [form, call] of FORMS) add(`Node, ${call}`, codeMode.node?.forms[form]);
  return rows;
}

/** The code-mode tables: round trips, then the model traffic. */
export function codeModeTable(codeMode) {
  if (!codeMode) return '';
  const ms = (value) => (value === undefined ? '—' : `${value.toFixed(2)} ms`);
  const lines = [
    '### Code mode',
    '',
    '| Where | Awaited call p50 | p95 | Plain call (in place) p50 | p95 | Floor: `await asyncio.sleep(0)` p50 | Floor: `await` a resolved JS promise p50 |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  const variants = [
    ...CHROMIUM_VARIANTS.map(([key, label]) => [label, codeMode.chromium?.[key]]),
    [`Node ${process.versions.node} (worker thread)`, codeMode.node],
  ];
  for (const [label, measured] of variants) {
    if (!measured) continue;
    const { awaited, plain, floor, promise } = measured.forms;
    const plainCells = plain ? [ms(plain.p50), ms(plain.p95)] : ['— (cannot wait)', '—'];
    lines.push(`| ${label} | ${ms(awaited?.p50)} | ${ms(awaited?.p95)} | ${plainCells.join(' | ')} | ${ms(floor?.p50)} | ${ms(promise?.p50)} |`);
  }
  const c = codeMode.counts;
  lines.push(
    '',
    `Each call timed inside Python (\`time.perf_counter()\` around the one call); ${c.calls} calls in one run after ${c.warmup} in another, a fresh sandbox per round; p50 and p95 per round, medians over ${c.rounds} round${c.rounds === 1 ? '' : 's'}. The handler returns \`{ i, ok: true, label: 'pong' }\`; its argument is checked against the schema.`,
  );
  const t = codeMode.traffic;
  if (t) {
    const ratio = (key) => `${(t.direct[key] / t.code[key]).toFixed(1)}×`;
    lines.push(
      '',
      "| Task: 12 regions' sales data, each region's growth | Model requests | Bytes sent to the model (`contents`, summed over requests) | Same, with tool declarations | Bytes the model wrote |",
      '| --- | --- | --- | --- | --- |',
      `| Direct function calls (12 parallel calls in one response, then one \`run_python\` with the data pasted) | ${t.direct.requests} | ${t.direct.contentsBytes} | ${t.direct.requestBytes} | ${t.direct.responseBytes} |`,
      `| Code mode (one \`run_python\` cell calling \`default_api.get_sales_data\` per region) | ${t.code.requests} | ${t.code.contentsBytes} | ${t.code.requestBytes} | ${t.code.responseBytes} |`,
      `| Direct ÷ code mode | ${(t.direct.requests / t.code.requests).toFixed(1)}× | ${ratio('contentsBytes')} | ${ratio('requestBytes')} | ${ratio('responseBytes')} |`,
      '',
      "A scripted fake model (no network) through the real `createCodeExecutionChat`; each region's data is 24 months of `{ month, sales }` (about 0.9 kB of JSON). Both modes print the same growth lines and give the same answer.",
    );
  }
  return lines.join('\n');
}

await runAloneIfMain(import.meta.url, { bench: benchCodeMode, table: codeModeTable, counts: CODE_MODE_COUNTS, quickCounts: CODE_MODE_QUICK_COUNTS });
