/** Turns bench results into the Markdown table for the README. */

/** [label, key in a warm/cold result, unit] in table order; `ratio` rows compare with raw Pyodide. */
const ROWS = [
  ['Time to ready, cold (`create()` until resolved)', 'readyMs', 'ms'],
  ['Time to ready, boot snapshot cached ¹', 'snapshotReadyMs', 'ms'],
  ['Run round trip `x = 1`, median', 'roundTripMedianMs', 'ms'],
  ['Run round trip `x = 1`, p99', 'roundTripP99Ms', 'ms'],
  ['Interrupt latency, `while True: pass`', 'interruptMs', 'ms'],
  ['Interrupts lost (run ended by terminate instead) ²', 'interruptsLost', 'count'],
  ['Working interpreter after a forced terminate, from the deadline ³', 'restartMs', 'ms'],
  ['`print` 100,000 lines', 'print100kMs', 'ms'],
  ['CPU-bound: count primes below 200,000 (pure Python) ⁴', 'cpuSeconds', 's'],
];

export function markdownTable(results) {
  const header = ['Metric', 'Node: sandbox', 'Node: raw Pyodide', 'Node: sandbox ÷ raw', 'Chromium: sandbox', 'Chromium: raw Pyodide', 'Chromium: sandbox ÷ raw'];
  const lines = [row(header), row(header.map(() => '---'))];
  for (const [label, key, unit] of ROWS) {
    const cells = [label];
    for (const env of ['node', 'chromium']) {
      const sandbox = results[env]?.sandbox?.[key];
      const raw = results[env]?.raw?.[key];
      if (unit === 'count') cells.push(`${sandbox ?? '—'} of ${results.machine.counts.interrupts}`, `${raw ?? '—'} of ${results.machine.counts.interrupts}`, '');
      else cells.push(formatValue(sandbox, unit), formatValue(raw, unit), formatRatio(sandbox, raw));
    }
    lines.push(row(cells));
  }
  const native = results.native.cpuSeconds;
  const vsNative = ['CPU-bound, × native `python3` ⁴'];
  for (const env of ['node', 'chromium']) {
    vsNative.push(formatRatio(results[env]?.sandbox?.cpuSeconds, native), formatRatio(results[env]?.raw?.cpuSeconds, native), '');
  }
  lines.push(row(vsNative));
  const m = results.machine;
  return [
    ...lines,
    '',
    '¹ A later `create()` in the same process or page, restored from the boot snapshot the first sandbox made. Raw Pyodide has none.',
    '² Pyodide reads and clears the interrupt buffer non-atomically, so an interrupt written in between is dropped.',
    `³ The sandbox gives Python \`interruptGraceMs\` (${m.interruptGraceMs} ms, the default) to stop, then switches to its warm spare; raw Pyodide is terminated at once and boots anew. The code swallows \`KeyboardInterrupt\` so both really terminate.`,
    `⁴ Time measured inside Python (\`time.perf_counter\`). Native: \`python3\` ${m.python3} (${formatValue(native, 's')}); Pyodide runs Python ${m.pyodidePython}.`,
    '',
    `Medians unless marked; cold boots: ${m.counts.cold} fresh processes / browser contexts each; snapshot boots: ${m.counts.snapshotReady}; round trips: ${m.counts.roundTrips}; interrupts: ${m.counts.interrupts}; restarts, prints, CPU: ${m.counts.restarts}/${m.counts.prints}/${m.counts.cpu} runs. Chromium page served with COOP/COEP (cross-origin isolated).`,
    `Machine: ${m.cpus}× ${m.cpuModel}, Node ${m.node}, Chromium ${m.chromium}, Pyodide ${m.pyodide}, ${m.date}.`,
  ].join('\n');
}

function row(cells) {
  return `| ${cells.join(' | ')} |`;
}

export function formatValue(value, unit) {
  if (value === undefined || Number.isNaN(value)) return '—';
  if (unit === 's') return `${value.toFixed(2)} s`;
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  if (value >= 100) return `${value.toFixed(0)} ms`;
  if (value >= 10) return `${value.toFixed(1)} ms`;
  return `${value.toFixed(2)} ms`;
}

export function formatRatio(value, reference) {
  if (value === undefined || reference === undefined || !reference) return '—';
  return `${(value / reference).toFixed(2)}×`;
}
