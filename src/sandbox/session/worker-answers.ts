/**
 * Everything the worker sends is checked here before the host uses it: in isolated mode the
 * worker runs untrusted code and may say anything. A message that does not fit is dropped
 * (events) or turned into a clear error (answers to calls).
 */
import type { BootInfo, RunRequest, WorkerEvent, WorkerRunResult } from '../../shared/protocol.js';
import type { ChartOutput, FileInfo, FileOutput, ImageOutput, PythonErrorInfo, SandboxLimits } from '../../shared/types.js';
import { base64Length, base64Size, isBase64 } from '../files/base64.js';
import { ProtocolError, SandboxFileTooLargeError } from '../errors.js';
import { IMPORT_NAME, MAX_INDEX_NAMES_PER_REQUEST } from '../../shared/protocol.js';
import { FUNCTION_LIMITS } from '../../shared/function-limits.js';
import { isObject } from '../../common/json-object.js';
import { withCheckedCharts } from '../charts/checked-charts.js';
import { CHART_LIMITS, MAX_FILES_PER_RUN, MAX_IMAGES_PER_RUN, maxOutputFieldChars } from '../limits.js';

const isString = (v: unknown): v is string => typeof v === 'string';
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function fail(what: string): never {
  throw new ProtocolError(`The sandbox worker sent a malformed ${what}`);
}

/** More than an honest worker ever sends: checked before anything is decoded or kept. */
function tooMuch(what: string): never {
  throw new ProtocolError(`The sandbox worker sent ${what}, more than the sandbox's limits allow; it was stopped as misbehaving`);
}

/** Caps a string from the worker (a malicious one could send gigabytes). */
function text(v: unknown, max: number, what: string): string {
  if (!isString(v)) fail(what);
  return v.length > max ? `${v.slice(0, max)}\n[truncated by the host]` : v;
}

export function parseWorkerEvent(data: unknown): WorkerEvent | undefined {
  if (!isObject(data)) return undefined;
  switch (data.type) {
    case 'run-started':
      return isCount(data.runId) ? { type: 'run-started', runId: data.runId } : undefined;
    case 'output':
      if (!isCount(data.runId) || (data.stream !== 'stdout' && data.stream !== 'stderr') || !isString(data.text)) return undefined;
      return { type: 'output', runId: data.runId, stream: data.stream, text: data.text.slice(0, 1 << 20) };
    case 'progress':
      if (!['boot', 'packages', 'ready'].includes(data.phase as string) || !isString(data.message)) return undefined;
      return { type: 'progress', phase: data.phase as 'boot', message: data.message.slice(0, 500) };
    case 'package-request':
      if (!isCount(data.requestId) || !isString(data.fileName)) return undefined;
      return { type: 'package-request', requestId: data.requestId, fileName: data.fileName.slice(0, 300) };
    case 'index-request': {
      if (!isCount(data.requestId)) return undefined;
      // A request that does not fit is still answered (refused), so the run waiting for it ends at once.
      const refused = (why: string) => ({ type: 'index-request' as const, requestId: data.requestId as number, names: [], refused: why });
      if (!Array.isArray(data.names) || data.names.length === 0) return refused('the request named no module');
      if (data.names.length > MAX_INDEX_NAMES_PER_REQUEST)
        return refused(`at most ${MAX_INDEX_NAMES_PER_REQUEST} modules per package index request; this one named ${data.names.length}`);
      if (!data.names.every((name) => isString(name) && IMPORT_NAME.test(name)))
        return refused('a package index is asked only for ASCII Python identifiers of up to 100 characters');
      return { type: 'index-request', requestId: data.requestId, names: [...new Set(data.names as string[])] };
    }
    case 'function-call': {
      if (!isCount(data.runId) || !isCount(data.callId)) return undefined;
      // Answered even when it does not fit (refused), so the Python call waiting for it raises at once.
      const call = { type: 'function-call' as const, runId: data.runId, callId: data.callId, name: '', args: '{}' };
      if (!isString(data.name) || !IMPORT_NAME.test(data.name)) return { ...call, refused: 'a function is called by its name, a Python identifier' };
      if (!isString(data.args)) return { ...call, name: data.name, refused: 'the arguments are not JSON text' };
      if (data.args.length > FUNCTION_LIMITS.maxArgsChars)
        return { ...call, name: data.name, refused: `the arguments are over ${FUNCTION_LIMITS.maxArgsChars} characters of JSON` };
      return { ...call, name: data.name, args: data.args };
    }
    default:
      return undefined;
  }
}

function error(v: unknown, max: number): PythonErrorInfo | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) fail('error');
  return { name: text(v.name, 200, 'error name'), message: text(v.message, max, 'error message'), traceback: text(v.traceback, max, 'traceback') };
}

function image(v: unknown, maxBase64: number): ImageOutput {
  if (!isObject(v) || !/^image\/[\w.+-]+$/.test(String(v.mimeType)) || !isString(v.data)) fail('image');
  if (v.data.length > maxBase64) tooMuch(`an image of ${formatBytes(base64Size(v.data))}`);
  if (!isBase64(v.data)) fail('image (its data is not base64)');
  return { mimeType: v.mimeType as string, data: v.data };
}

/** A chart's shape and size; its content is checked once the answer is whole (`withCheckedCharts`). */
function chart(v: unknown): ChartOutput {
  if (!isObject(v) || !/^application\/vnd\.vegalite\.v[56]\+json$/.test(String(v.mimeType)) || !isString(v.spec)) fail('chart');
  if (v.spec.length > CHART_LIMITS.maxChartChars) tooMuch(`a chart of ${formatBytes(v.spec.length)}`);
  return { mimeType: v.mimeType as ChartOutput['mimeType'], spec: v.spec };
}

/** A run's charts: at most `CHART_LIMITS.maxCharts`, `maxTotalChartChars` together. */
function charts(v: unknown): ChartOutput[] {
  if (!Array.isArray(v)) fail('run result');
  if (v.length > CHART_LIMITS.maxCharts) tooMuch(`${v.length} charts (at most ${CHART_LIMITS.maxCharts} per run)`);
  const sum = v.reduce((n: number, item: unknown) => n + (isObject(item) && isString(item.spec) ? item.spec.length : 0), 0);
  if (sum > CHART_LIMITS.maxTotalChartChars) tooMuch(`${v.length} charts totalling ${formatBytes(sum)}`);
  return v.map(chart);
}

function file(v: unknown, maxBase64: number): FileOutput {
  if (!isObject(v) || !isString(v.path) || !isString(v.mimeType) || !isString(v.data) || !isCount(v.size)) fail('file');
  if (v.data.length > maxBase64) tooMuch(`a file of ${formatBytes(base64Size(v.data))}`);
  if (!isBase64(v.data)) fail('file (its data is not base64)');
  const out: FileOutput = { path: v.path.slice(0, 1000), mimeType: v.mimeType.slice(0, 200), data: v.data, size: v.size };
  if (v.omitted !== undefined) out.omitted = text(v.omitted, 500, 'file note');
  else if (base64Size(v.data) !== v.size) fail('file (its size does not match its data)');
  return out;
}

/** The limits a run result is checked against. */
export type ResultLimits = Pick<SandboxLimits, 'maxOutputBytes' | 'maxFileBytes' | 'maxTotalFileBytes'>;

/**
 * A worker's answer to `run`, checked against what an honest worker can send: the output caps,
 * at most `MAX_IMAGES_PER_RUN` images and `MAX_FILES_PER_RUN` files, file and image bytes within
 * `maxFileBytes` each and `maxTotalFileBytes` together (per kind), all of it valid base64, and
 * charts within `CHART_LIMITS`.
 * Sizes are checked on string lengths before anything is decoded.
 */
export function validateRunResult(v: unknown, limits: ResultLimits): WorkerRunResult {
  if (!isObject(v) || !['ok', 'error', 'interrupted', 'fatal'].includes(v.status as string) || !isCount(v.streamedChunks) || !isCount(v.heapBytes))
    fail('run result');
  if (!Array.isArray(v.images) || !Array.isArray(v.files)) fail('run result');
  if (v.images.length > MAX_IMAGES_PER_RUN) tooMuch(`${v.images.length} images (at most ${MAX_IMAGES_PER_RUN} per run)`);
  if (v.files.length > MAX_FILES_PER_RUN) tooMuch(`${v.files.length} files (at most ${MAX_FILES_PER_RUN} per run)`);
  const perItem = base64Length(limits.maxFileBytes);
  const total = base64Length(limits.maxTotalFileBytes);
  for (const [what, list] of [
    ['images', v.images],
    ['files', v.files],
  ] as const) {
    const sum = list.reduce((n: number, item: unknown) => n + (isObject(item) && isString(item.data) ? item.data.length : 0), 0);
    if (sum > total)
      tooMuch(`${list.length} ${what} totalling ${formatBytes((sum / 4) * 3)} (limits.maxTotalFileBytes is ${formatBytes(limits.maxTotalFileBytes)})`);
  }
  const max = maxOutputFieldChars(limits);
  return {
    status: v.status as WorkerRunResult['status'],
    output: text(v.output, max, 'output'),
    stdout: text(v.stdout, max, 'stdout'),
    stderr: text(v.stderr, max, 'stderr'),
    error: error(v.error, max),
    result: v.result === undefined ? undefined : text(v.result, 20_000, 'result'),
    images: v.images.map((i) => image(i, perItem)),
    charts: charts(v.charts ?? []),
    files: v.files.map((f) => file(f, perItem)),
    streamedChunks: v.streamedChunks,
    heapBytes: v.heapBytes,
    removedFiles: v.removedFiles === undefined ? undefined : removedFiles(v.removedFiles),
  };
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.round(bytes / 1024)} KB`;
}

function removedFiles(v: unknown): string[] {
  if (!Array.isArray(v) || v.length > 10_000 || !v.every((p) => isString(p) && p.length <= 1000)) fail('removed files');
  return v as string[];
}

export function validateBootInfo(v: unknown): BootInfo {
  if (!isObject(v) || !isString(v.pyodideVersion) || !isString(v.pythonVersion) || !['snapshot', 'fresh', 'saved'].includes(v.bootPath as string))
    fail('boot answer');
  if (v.snapshot !== undefined && !(v.snapshot instanceof Uint8Array)) fail('snapshot');
  return {
    pyodideVersion: /^[\w.+-]{1,40}$/.test(v.pyodideVersion) ? v.pyodideVersion : fail('version'),
    pythonVersion: v.pythonVersion.slice(0, 40),
    interruptible: v.interruptible === true,
    yieldsForStops: v.yieldsForStops === true,
    bootPath: v.bootPath as BootInfo['bootPath'],
    snapshotRejected: v.snapshotRejected === undefined ? undefined : text(v.snapshotRejected, 500, 'snapshot note'),
    snapshot: v.snapshot as Uint8Array | undefined,
    progressEvents: isCount(v.progressEvents) ? v.progressEvents : 0,
    stateKey:
      isObject(v.stateKey) && isString(v.stateKey.sourceHash)
        ? { pyodideVersion: v.pyodideVersion, sourceHash: v.stateKey.sourceHash.slice(0, 40) }
        : undefined,
  };
}

/**
 * `readFile`'s answer: the bytes, at most `maxBytes` of them. A file the worker says (or shows) is
 * larger is refused with its size; a size is taken only as a count.
 */
export function validateFileRead(v: unknown, path: string, maxBytes: number | undefined): Uint8Array {
  if (v instanceof Uint8Array) {
    if (maxBytes !== undefined && v.length > maxBytes) throw new SandboxFileTooLargeError(path, v.length, maxBytes);
    return v;
  }
  if (maxBytes === undefined || !isObject(v) || v.tooLarge !== true || !isCount(v.size) || v.size <= maxBytes) fail('file contents');
  throw new SandboxFileTooLargeError(path, v.size, maxBytes);
}

export function validateFileList(v: unknown): FileInfo[] {
  if (!Array.isArray(v)) fail('file list');
  return v.map((f) => {
    if (!isObject(f) || !isString(f.path) || !isCount(f.size)) fail('file list entry');
    return { path: f.path.slice(0, 1000), size: f.size };
  });
}

/** What `runAnswer` needs of a `WorkerSession` (which imports this module). */
interface RunningSession {
  remote: { run(request: RunRequest): Promise<unknown> };
  untilDeath<T>(work: Promise<T>): Promise<{ value: T } | { died: string }>;
  declareChunks(runId: number, chunks: number): void;
}

/**
 * The worker's answer to `request`, checked: its result, or why it cannot be trusted any more (a
 * failed call, a malformed answer) or died first.
 */
export async function runAnswer(session: RunningSession, request: RunRequest, limits: ResultLimits): Promise<{ result: WorkerRunResult } | { crash: string }> {
  const answer = await session.untilDeath(
    session.remote
      .run(request)
      .then(async (reply) => {
        const result = validateRunResult(reply, limits);
        session.declareChunks(request.runId, result.streamedChunks);
        return { result: await withCheckedCharts(result) };
      })
      // A failed call or a malformed answer (validateRunResult throws): the worker cannot be trusted any more.
      .catch((error: unknown) => ({ crash: `worker call failed: ${(error as Error)?.message ?? String(error)}` })),
  );
  return 'died' in answer ? { crash: answer.died } : answer.value;
}
