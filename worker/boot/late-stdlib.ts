/**
 * On a first visit the standard library (2.5 MB) is downloaded last, so that the wasm compiles and
 * the snapshot restores while it is on its way instead of after it. A restore does not read it:
 * the snapshot holds every module the interpreter had imported, and zipimport's table of the
 * rest. So a restore that would wait for it is given an empty zip, and the real one is written
 * over it when it comes. Until then runs may start: an import of a module in the zip waits for
 * it inside the run (worker/python/late_stdlib.py), which takes JSPI (`callPromising`); a run
 * that could get where Python cannot wait (no JSPI, top-level `await`, a package to load) waits
 * for the zip before it starts. A fresh boot imports from it, so it waits for the real one.
 */
import type { PyodideInterface } from 'pyodide';
import type { Bytes } from '../../src/shared/protocol.js';
import { canWait } from '../jspi/can-wait.js';
import { type MustStop, watchForStop } from '../stops/stop-poll.js';

/** A zip with no entries: its end-of-central-directory record alone. */
const EMPTY_ZIP = new Uint8Array([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]);

export class LateStdlib {
  private bytes: Bytes | undefined;
  private readonly arrived: Promise<Bytes>;
  private resolveArrived!: (bytes: Bytes) => void;
  private rejectArrived!: (error: Error) => void;
  private restoring = false;
  private servedEmpty = false;
  /** Settles once no interpreter is left with the empty zip (rejects if the real one could not be written). */
  private installed: Promise<void> = Promise.resolve();
  /** Whether an interpreter still has the empty zip (the real one neither written yet nor failed). */
  private waiting = false;
  /** Whether Python can wait for a JS promise mid-run (JSPI), once asked. */
  private canWait: Promise<boolean> | undefined;

  constructor() {
    this.arrived = new Promise((resolve, reject) => {
      this.resolveArrived = resolve;
      this.rejectArrived = reject;
    });
    this.arrived.catch(() => undefined); // said by whenInstalled
  }

  /** The real standard library (with the runtime, or later); only the first is kept. */
  arrive(bytes: Bytes): void {
    if (this.bytes) return;
    this.bytes = bytes;
    this.resolveArrived(bytes);
  }

  /** The real standard library will not come (the host could not download it); `message` says why. */
  fail(message: string): void {
    if (!this.bytes) this.rejectArrived(new Error(message));
  }

  /** What Pyodide gets when it asks for `python_stdlib.zip`: during a restore, an empty zip if the real one is not here yet. */
  forPyodide(): Promise<Bytes> {
    if (this.bytes || !this.restoring) return this.arrived;
    this.servedEmpty = true;
    return Promise.resolve(EMPTY_ZIP.slice());
  }

  /** Runs a restore (`load`); an interpreter that got the empty zip gets the real one written over it when it comes. */
  async restore(load: () => Promise<PyodideInterface>): Promise<PyodideInterface> {
    this.restoring = true;
    this.servedEmpty = false;
    let pyodide: PyodideInterface;
    try {
      pyodide = await load();
    } finally {
      this.restoring = false;
    }
    if (this.servedEmpty) {
      this.waiting = true;
      this.installed = this.arrived.then((bytes) => writeOver(pyodide, bytes));
      const settled = () => (this.waiting = false);
      this.installed.then(settled, settled);
    }
    this.installed.catch(() => undefined); // said by whenInstalled
    return pyodide;
  }

  /**
   * After a restore, once the sandbox's Python modules are written: an import from the missing zip
   * waits for it (worker/python/late_stdlib.py), or until `mustStop` says the run must stop
   * (stop-poll.ts: a suspended run checks no interrupt buffer itself).
   */
  holdImports(pyodide: PyodideInterface, mustStop: MustStop = () => false): void {
    if (!this.waiting) return;
    const module = pyodide.pyimport('late_stdlib');
    const installed = this.installed;
    // Resolves true if the run was stopped first, false once the zip is in; rejects if it will not come.
    const arrivalOrStop = () =>
      new Promise<boolean>((resolve, reject) => {
        const unwatch = watchForStop(mustStop, () => resolve(true));
        installed.then(() => resolve(false), reject).finally(unwatch);
      });
    module.wait_for(arrivalOrStop);
    installed
      .then(
        () => module.done(),
        (error: Error) => module.failed(String(error?.message ?? error)), // the finder stays, and says why an import fails
      )
      .finally(() => module.destroy());
    this.canWait = canWait(pyodide);
  }

  /**
   * How a run starts: `'sync'` once the zip is in; `'promising'` while it is not and imports can
   * wait for it inside the run (call the runner with `callPromising`). A run for which `mustHaveIt`
   * says so, or where Python cannot wait, waits here for the zip. Rejects if the zip could not be
   * written or downloaded.
   */
  async runMode(mustHaveIt: () => boolean): Promise<'sync' | 'promising'> {
    if (!this.waiting) return 'sync';
    if (!mustHaveIt() && (await this.canWait)) return 'promising';
    await this.installed;
    return 'sync';
  }

  /** Settles once Python can import from the real standard library. */
  whenInstalled(): Promise<void> {
    return this.installed;
  }
}

/**
 * The real zip where Pyodide put the empty one (`/lib/python3NN.zip`). zipimport's table of it,
 * in the snapshot, was read from this same file at build time, and nothing re-reads it (that would
 * take `importlib.invalidate_caches()`, 0.1 s, 0.45 s on a phone): imports now find their bytes.
 */
async function writeOver(pyodide: PyodideInterface, stdlib: Bytes): Promise<void> {
  const bytes = stdlib instanceof Uint8Array ? stdlib : new Uint8Array(await stdlib.arrayBuffer());
  const name = (pyodide.FS.readdir('/lib') as string[]).find((entry) => /^python\d+\.zip$/.test(entry));
  if (!name) throw new Error('the standard library has no place in /lib');
  pyodide.FS.writeFile(`/lib/${name}`, bytes);
}
