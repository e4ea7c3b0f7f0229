/**
 * Where Node draws charts: a Node process of its own, with a memory cap and a deadline per chart.
 * A checked spec can still ask vega for more than it can give (a bin step of 1e-6 makes a hundred
 * million bins): drawn on the host's thread it would stall the event loop and end the process out
 * of memory, and a worker thread's memory limit does not stop V8 from ending the whole process on
 * such an allocation. In a process of its own it ends that process; the chart gets a note, and the
 * next chart gets a new process. Charts are drawn one at a time; the process keeps the host alive
 * only while a chart is being drawn.
 */
import type { ChildProcess } from 'node:child_process';
import { afterHostTime } from '../runs/host-time.js';

/** How long one chart may take to draw (SVG and PNG), in milliseconds of the host's own time (runs/host-time.ts). */
export const CHART_RENDER_TIMEOUT_MS = 10_000;
/** The drawing process's heap, in MiB: an honest 2 MiB spec takes a small part of it. */
export const CHART_RENDER_HEAP_MB = 512;

/** What the process is given once: the packages (file URLs, found from this module) and the bytes it needs. */
export interface ProcessSetup {
  modules: { vega: string; vegaLite: string; interpreter: string; resvg: string };
  wasm: Uint8Array;
  fonts: Uint8Array[];
  maxSide: number;
}

/** One chart to draw: its checked spec, and whether the SVG alone is wanted. */
export interface RenderJob {
  spec: string;
  scale: number;
  svgOnly: boolean;
}

/** The process's answer. */
export type RenderAnswer = { svg: string; cpuMs: number; png?: Uint8Array; width?: number; height?: number; error?: undefined } | { error: string };

let drawer: ChildProcess | undefined;
let queue: Promise<unknown> = Promise.resolve();

/** Draws `job` in the drawing process (started, and given `setup()`, when there is none), after the jobs before it. */
export function renderInProcess(job: RenderJob, setup: () => Promise<ProcessSetup>): Promise<RenderAnswer> {
  const turn = queue.then(() => run(job, setup));
  queue = turn.catch(() => undefined);
  return turn;
}

async function run(job: RenderJob, setup: () => Promise<ProcessSetup>): Promise<RenderAnswer> {
  if (!drawer) {
    const given = await setup();
    const { spawn } = await import(/* @vite-ignore */ 'node:child_process');
    // Source, not a file: the process's code goes wherever a bundler puts this module.
    // No code from strings: eval and Function throw there, whatever a spec's expressions try.
    const flags = [`--max-old-space-size=${CHART_RENDER_HEAP_MB}`, '--disallow-code-generation-from-strings'];
    drawer = spawn(process.execPath, [...flags, '-e', PROCESS_SOURCE], {
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      serialization: 'advanced',
      env: {},
    });
    drawer.send(given);
  }
  const child = drawer;
  return new Promise<RenderAnswer>((resolve) => {
    const end = (answer: RenderAnswer, stop: boolean) => {
      cancelDeadline();
      child.off('message', onMessage).off('exit', onExit).off('error', onError);
      if (stop) {
        if (drawer === child) drawer = undefined;
        child.kill('SIGKILL');
      } else {
        child.unref();
        (child.channel as { unref?: () => void } | undefined)?.unref?.();
      }
      resolve(answer);
    };
    const onMessage = (answer: RenderAnswer) => end(answer, false);
    const onExit = (code: number | null, signal: string | null) =>
      end({ error: code === 134 || signal === 'SIGABRT' ? `it needs more than ${CHART_RENDER_HEAP_MB} MiB to draw` : 'the drawing process stopped' }, true);
    const onError = (error: Error) => end({ error: `the drawing process failed (${error.message})` }, true);
    const cancelDeadline = afterHostTime(CHART_RENDER_TIMEOUT_MS, () => end({ error: `it took over ${CHART_RENDER_TIMEOUT_MS / 1000} s to draw` }, true));
    child.on('message', onMessage).on('exit', onExit).on('error', onError);
    // Held only while a chart is drawn: an idle drawing process never keeps the host from exiting.
    child.ref();
    (child.channel as { ref?: () => void } | undefined)?.ref?.();
    child.send(job);
  });
}

/**
 * The process's code, as text: no bundler or test transform may rewrite its `import()`s, and it may
 * use nothing outside itself. vega draws SVG (no canvas: `renderer: 'none'`; expressions
 * interpreted, never compiled into functions; a loader that refuses every URL and file), then
 * resvg rasterizes it with the fonts given (its wasm sees no system font).
 */
const PROCESS_SOURCE = `
let setup;
const refuse = async (uri) => { throw new Error('charts load nothing (' + String(uri).slice(0, 100) + ')'); };
const loader = { load: refuse, sanitize: refuse, http: refuse, file: refuse };
let ready;
const start = () => (async () => {
  const m = setup.modules;
  const [vega, vegaLite, interpreter, resvgModule] = await Promise.all([import(m.vega), import(m.vegaLite), import(m.interpreter), import(m.resvg)]);
  const resvg = resvgModule.initWasm ? resvgModule : resvgModule.default; // its CommonJS build, as resolved
  await resvg.initWasm(setup.wasm);
  return { vega, vegaLite, interpreter, resvg };
})();
process.on('message', async (message) => {
  if (!setup) {
    setup = message; // the first message: where the packages are, resvg's wasm, the fonts
    ready = start();
    ready.catch(() => {});
    return;
  }
  const job = message;
  const started = process.cpuUsage();
  const cpuMs = () => { const used = process.cpuUsage(started); return (used.user + used.system) / 1000; };
  try {
    const { vega, vegaLite, interpreter, resvg } = await ready;
    // Quiet: vega-lite's warnings (an unused channel, say) would go to an MCP server's console.
    const compiled = vegaLite.compile(JSON.parse(job.spec), { logger: vega.logger(vega.None) }).spec;
    const view = new vega.View(vega.parse(compiled, undefined, { ast: true }), {
      renderer: 'none', loader, expr: interpreter.expressionInterpreter, logLevel: vega.None,
    });
    let svg;
    try { svg = await view.toSVG(); } finally { view.finalize(); }
    if (job.svgOnly) return process.send({ svg, cpuMs: cpuMs() });
    const side = (name) => Number(svg.match(name === 'width' ? /^<svg[^>]*?\\swidth="([\\d.]+)"/ : /^<svg[^>]*?\\sheight="([\\d.]+)"/)?.[1] ?? 0);
    const zoom = Math.min(job.scale, setup.maxSide / Math.max(side('width'), side('height'), 1));
    const image = new resvg.Resvg(svg, {
      font: { fontBuffers: setup.fonts, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans', loadSystemFonts: false },
      fitTo: { mode: 'zoom', value: zoom },
    });
    const rendered = image.render();
    const png = rendered.asPng();
    const { width, height } = rendered;
    rendered.free();
    image.free();
    const answer = { svg, png, width, height, cpuMs: cpuMs() };
    process.send(answer);
  } catch (error) {
    process.send({ error: String((error && error.message) || error) });
  }
});
`;
