/**
 * The official MCP SDK's client for a test page: `Client` and `StreamableHTTPClientTransport`,
 * bundled once for the browser into test-results/mcp-browser/mcp-client.js, as an app's bundler
 * would (the library itself never loads the SDK).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'vite';
import { REPO_ROOT } from './repo.js';

/** Bundles the client to `/test-results/mcp-browser/mcp-client.js`; built beside it and moved in place when it differs. */
export async function bundleMcpClient(): Promise<void> {
  const outDir = `${REPO_ROOT}test-results/mcp-browser`;
  const building = `${outDir}.${process.pid}`;
  const entry = `${building}-entry.js`;
  // A fresh clone has no test-results/ until some suite writes there.
  mkdirSync(`${REPO_ROOT}test-results`, { recursive: true });
  writeFileSync(
    entry,
    "export { Client } from '@modelcontextprotocol/sdk/client/index.js';\nexport { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';\n",
  );
  try {
    await build({
      configFile: false,
      logLevel: 'warn',
      publicDir: false,
      root: REPO_ROOT,
      build: { outDir: building, emptyOutDir: true, lib: { entry, formats: ['es'], fileName: () => 'mcp-client.js' } },
    });
    const built = readFileSync(`${building}/mcp-client.js`);
    if (!existsSync(`${outDir}/mcp-client.js`) || !readFileSync(`${outDir}/mcp-client.js`).equals(built)) {
      mkdirSync(outDir, { recursive: true });
      renameSync(`${building}/mcp-client.js`, `${outDir}/mcp-client.js`);
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
    rmSync(entry, { force: true });
  }
}
