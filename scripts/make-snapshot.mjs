/**
 * Builds the snapshot shipped in the package (dist/pyodide/sandbox-snapshot.bin.gz): the Node
 * build boots Python once with this build's runtime and Python sources, exactly as a browser's
 * first boot would, and keeps its memory snapshot, gzipped. A first visit restores it instead of
 * booting (src/sandbox/shipped-snapshot.ts). Run after the lib build (`npm run build` does).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

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
