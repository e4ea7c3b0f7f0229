/**
 * Packages for a test page, bundled as an app's bundler would (the library itself never loads
 * them): the official MCP SDK's client (`Client`, `StreamableHTTPClientTransport`) into
 * test-results/mcp-browser/mcp-client.js, and the MCP Apps host side (`AppBridge`,
 * `PostMessageTransport` of `@modelcontextprotocol/ext-apps/app-bridge`) into
 * test-results/mcp-browser/app-bridge.js.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'vite';
import { REPO_ROOT } from './repo.js';

/** Bundles the client to `/test-results/mcp-browser/mcp-client.js`. */
export function bundleMcpClient(): Promise<void> {
  return bundleForPage(
    'mcp-client.js',
    "export { Client } from '@modelcontextprotocol/sdk/client/index.js';\nexport { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';\n",
  );
}

/** Bundles the MCP Apps host bridge to `/test-results/mcp-browser/app-bridge.js`. */
export function bundleAppBridge(): Promise<void> {
  return bundleForPage('app-bridge.js', "export { AppBridge, PostMessageTransport } from '@modelcontextprotocol/ext-apps/app-bridge';\n");
}

/** Bundles `source` to `/test-results/mcp-browser/<fileName>`; built beside it and moved in place when it differs. */
async function bundleForPage(fileName: string, source: string): Promise<void> {
  const outDir = `${REPO_ROOT}test-results/mcp-browser`;
  const building = `${outDir}.${fileName}.${process.pid}`;
  const entry = `${building}-entry.js`;
  // A fresh clone has no test-results/ until some suite writes there.
  mkdirSync(`${REPO_ROOT}test-results`, { recursive: true });
  writeFileSync(entry, source);
  try {
    await build({
      configFile: false,
      logLevel: 'warn',
      publicDir: false,
      root: REPO_ROOT,
      resolve: { dedupe: ['zod'] },
      build: { outDir: building, emptyOutDir: true, lib: { entry, formats: ['es'], fileName: () => fileName } },
    });
    const built = readFileSync(`${building}/${fileName}`);
    if (!existsSync(`${outDir}/${fileName}`) || !readFileSync(`${outDir}/${fileName}`).equals(built)) {
      mkdirSync(outDir, { recursive: true });
      renameSync(`${building}/${fileName}`, `${outDir}/${fileName}`);
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
    rmSync(entry, { force: true });
  }
}
