/**
 * A bench group run by itself (`node bench/<group>.mjs [parts]`, after `npm run build`): it gets
 * the frozen build and the test harness's own helpers (Chromium's launcher, the static server,
 * server-everything over Streamable HTTP), prints its table on stdout and, with `BENCH_JSON=<file>`,
 * writes its results there. `BENCH_QUICK=1` takes the group's quick counts.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';
import { freezeBuild } from './frozen-build.mjs';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** A module of test/support, loaded as the tests load it. */
export async function testSupport(name) {
  return (await runnerImport(`${REPO_ROOT}test/support/${name}`, { configFile: false, logLevel: 'silent' })).module;
}

/** Runs `bench` (a group's entry) when `moduleUrl` is the script node was started with; else does nothing. */
export async function runAloneIfMain(moduleUrl, { bench, table, counts, quickCounts }) {
  if (process.argv[1] !== fileURLToPath(moduleUrl)) return;
  const [{ launchChromium }, { startStaticServer }, { startEverythingOverHttp }] = await Promise.all(
    ['chromium.ts', 'static-server.ts', 'mcp-servers.ts'].map(testSupport),
  );
  const parts = process.argv.slice(2);
  const build = freezeBuild();
  try {
    const results = await bench({
      distDir: build.distDir,
      root: build.root,
      counts: process.env.BENCH_QUICK === '1' ? quickCounts : counts,
      parts: parts.length ? parts : undefined,
      launchChromium,
      startStaticServer,
      startEverythingOverHttp,
      log: (line) => console.error(`[bench] ${line}`),
    });
    console.log(table(results));
    if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    build.remove();
  }
  process.exit(0);
}
