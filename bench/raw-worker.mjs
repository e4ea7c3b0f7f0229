/**
 * The reference the sandbox is compared with: the least code that runs Python in a worker.
 * `loadPyodide`, then `runPythonAsync` per message (top-level `await` works, as in the sandbox),
 * stdout collected through the fastest handler.
 * Runs as a browser module Worker and as a Node worker_threads Worker (same file).
 *
 * Protocol: {type:'boot', pyodideUrl, indexURL?, interruptBuffer?} → {type:'progress', message}… {type:'ready'}
 *           {type:'run', id, code} → {id, ok, result?, error?, stdout}
 * Progress messages mark the same boot steps as the sandbox's `onProgress`, for the bench's phase breakdown.
 */
const port = await connectToHost();
let pyodide;
let stdout = [];
const decoder = new TextDecoder();

port.onMessage(async (message) => {
  if (message.type === 'boot') {
    const { loadPyodide } = await import(message.pyodideUrl);
    port.send({ type: 'progress', message: 'Loading the Python runtime' });
    pyodide = await loadPyodide(message.indexURL ? { indexURL: message.indexURL } : {});
    if (message.interruptBuffer) pyodide.setInterruptBuffer(new Uint8Array(message.interruptBuffer));
    pyodide.setStdout({
      write(bytes) {
        stdout.push(decoder.decode(bytes, { stream: true }));
        return bytes.length;
      },
    });
    port.send({ type: 'ready' });
  } else if (message.type === 'run') {
    stdout = [];
    try {
      const value = await pyodide.runPythonAsync(message.code);
      const result = value === undefined ? undefined : String(value);
      value?.destroy?.(); // a PyProxy leaks unless destroyed
      port.send({ id: message.id, ok: true, result, stdout: stdout.join('') });
    } catch (error) {
      port.send({ id: message.id, ok: false, error: error.type ?? error.name, stdout: stdout.join('') });
    }
  }
});

async function connectToHost() {
  if (typeof WorkerGlobalScope !== 'undefined') {
    return { send: (m) => self.postMessage(m), onMessage: (fn) => self.addEventListener('message', (e) => fn(e.data)) };
  }
  const { parentPort } = await import('node:worker_threads');
  return { send: (m) => parentPort.postMessage(m), onMessage: (fn) => parentPort.on('message', fn) };
}
