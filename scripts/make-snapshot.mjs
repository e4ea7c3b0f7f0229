/**
 * Builds the snapshot shipped in the package (dist/pyodide/sandbox-snapshot.bin.gz): the Node
 * build boots Python once with this build's runtime and Python sources, exactly as a browser's
 * first boot would, and keeps its memory snapshot, gzipped. A first visit restores it instead of
 * booting (src/sandbox/runtime/shipped-snapshot.ts). Run after the lib build (`npm run build` does).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/**
 * Python binds `pyodide.ffi.run_sync` once, when it first starts, to a working one only where the
 * JavaScript runtime has JSPI; a snapshot keeps that choice. A first visit's imports wait for the
 * standard library through it (worker/boot/late-stdlib.ts), so the shipped snapshot is made with JSPI:
 * on by default from Node 24, behind a flag before. (Where a browser has no JSPI, the bound
 * `run_sync` says it cannot switch stacks, as Pyodide's own does when not entered through
 * `callPromising`, and runs wait for the standard library before they start.)
 */
const hasJspi = () => 'Suspending' in WebAssembly || 'Suspender' in WebAssembly;
if (!hasJspi()) {
  const probe = "process.exit('Suspending' in WebAssembly || 'Suspender' in WebAssembly ? 0 : 1)";
  // Node 22: --experimental-wasm-jspi; Node 20: --experimental-wasm-stack-switching (the older API, which Pyodide also takes).
  const flag = ['--experimental-wasm-jspi', '--experimental-wasm-stack-switching'].find((f) => spawnSync(process.execPath, [f, '-e', probe]).status === 0);
  if (!flag) throw new Error(`Node ${process.version} has no WebAssembly JSPI, even behind a flag: the shipped snapshot needs it (use Node 20 or newer)`);
  const { status } = spawnSync(process.execPath, [flag, fileURLToPath(import.meta.url)], { stdio: 'inherit' });
  process.exit(status ?? 1);
}

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const target = join(dist, 'pyodide', 'sandbox-snapshot.bin.gz');
const { PythonSandbox } = await import(join(dist, 'index.node.js'));

const directory = mkdtempSync(join(tmpdir(), 'sandbox-snapshot-'));
try {
  const sandbox = await PythonSandbox.create({ snapshotCache: { directory }, warmSpare: false, shippedSnapshot: false });
  await sandbox.whenIdle();
  await sandbox.dispose();
  const [file] = readdirSync(directory).filter((name) => name.endsWith('.bin'));
  if (!file) throw new Error('the boot made no snapshot');
  const snapshot = readFileSync(join(directory, file));
  writeFileSync(target, gzipSync(snapshot, { level: 9 }));
  const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
  console.log(`dist/pyodide/sandbox-snapshot.bin.gz: ${mb(statSync(target).size)} (${mb(snapshot.length)} unpacked)`);
} finally {
  rmSync(directory, { recursive: true, force: true });
}
