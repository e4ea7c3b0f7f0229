#!/usr/bin/env node
/**
 * Writes the recorded demos in public/demos/ from readable sources: the Python each demo runs
 * lives in scripts/demos/*.py (so it can be edited and tried with python3), the model's words here.
 *
 *   node scripts/make-demos.mjs
 *
 * Recordings hold model turns only: the code in each run_python call runs live when the demo is
 * replayed, and `{{output}}` or `{{last_line}}` in a final answer quotes what that run printed (as
 * text: a code span for one line, a fenced block for several; see src/ui/replay/template.ts).
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'public', 'demos');
const py = (name) => readFileSync(join(here, 'demos', `${name}.py`), 'utf8').trimEnd();
const call = (code) => ({ functionCall: { name: 'run_python', args: { code } } });
const model = (...parts) => ({ role: 'model', parts });
const text = (value) => ({ text: value });

const demos = [
  {
    id: 'primes',
    file: 'primes.json',
    title: 'Sum of the first 50 primes',
    description: 'The model writes a primality check, runs it here and answers from the output; a follow-up reuses its variables.',
    messages: [
      {
        text: 'What is the sum of the first 50 prime numbers? Generate and run code for the calculation.',
        turns: [
          model(text("I'll generate the first 50 primes with a simple trial-division check and add them up."), call(py('primes'))),
          model(text('The sum of the first 50 prime numbers is **{{output}}**.')),
        ],
      },
      {
        text: 'Which is the largest of them, how many are below 100, and how many twin-prime pairs are there?',
        turns: [
          model(text('The `primes` list from the previous run is still in memory, so I can query it directly.'), call(py('primes-followup'))),
          model(text('From the same list:\n\n{{output}}\n\nTwin primes are pairs that differ by 2, such as (3, 5) and (11, 13).')),
        ],
      },
    ],
  },
  {
    id: 'sales',
    file: 'sales.json',
    title: 'Sales data analysis with a chart',
    description: 'A CSV attachment, revenue by month and region with csv + statistics, and a chart drawn without matplotlib.',
    messages: [
      {
        text: 'Analyze the attached sales data: total revenue by month and by region, and chart the monthly revenue.',
        attachments: [{ name: 'sales.csv', mimeType: 'text/csv', text: readFileSync(join(here, 'demos', 'sales.csv'), 'utf8') }],
        turns: [
          model(text("Let me look at the file's structure first."), call(py('sales-peek'))),
          model(
            text(
              "Each row is one product's sales in one region for one month, so revenue is `units × unit_price`. " +
                "I'll total it by month and region with the standard library, then draw a stacked bar chart. " +
                'Plotting libraries may not be available offline, so the chart is drawn pixel by pixel and encoded as a PNG.',
            ),
            call(py('sales-analysis')),
          ),
          model(
            text(
              'The output above gives the revenue by month and region, in dollars. In short: {{last_line}}\n\n' +
                "The chart stacks each region's revenue per month, so both the monthly total and the regional mix are visible at a glance.",
            ),
          ),
        ],
      },
      {
        text: 'Can you make that chart interactive, so I can look at one region at a time?',
        turns: [
          model(
            text(
              'The totals from the previous run are still in memory. ' +
                "I'll pass them to `display()` as a Vega-Lite chart, which the page draws live: hover a bar for its value, " +
                'click a region in the legend to pick it out.',
            ),
            call(py('sales-chart')),
          ),
          model(text('Here it is: {{last_line}}. Click a region in the legend to pick it out; double-click the chart to see them all again.')),
        ],
      },
    ],
  },
  {
    id: 'loan',
    file: 'loan.json',
    title: 'Loan amortization table',
    description: 'A 30-year mortgage schedule: the first year month by month, yearly totals, and the full schedule as a CSV download.',
    messages: [
      {
        text: 'Make an amortization table for a $250,000 mortgage at 6.5% a year over 30 years. Show the first 12 months and yearly totals, and save the full schedule as a CSV file.',
        turns: [
          model(
            text(
              "I'll use the standard annuity formula for the monthly payment, then step through all 360 months, charging interest on the remaining balance.",
            ),
            call(py('loan')),
          ),
          // The answer points at the output instead of repeating its tables (the cell shows them).
          model(
            text(
              'The output above gives the monthly payment and total interest, the first 12 months, and what each of the 30 years pays towards principal and interest with the balance left at its end. ' +
                'The full 360-month schedule is saved as **amortization.csv**: download it from the code cell above.',
            ),
          ),
        ],
      },
    ],
  },
];

mkdirSync(out, { recursive: true });
for (const demo of demos) {
  const recording = {
    format: 'code-exec-chat/recording@1',
    title: demo.title,
    description: demo.description,
    model: 'gemini-flash-latest',
    execution: 'local',
    messages: demo.messages,
  };
  writeFileSync(join(out, demo.file), `${JSON.stringify(recording, null, 2)}\n`);
}
writeFileSync(
  join(out, 'index.json'),
  `${JSON.stringify(
    demos.map(({ id, title, description, file }) => ({ id, title, description, url: file })),
    null,
    2,
  )}\n`,
);
console.log(`Wrote ${demos.length} demos to ${out}`);
