/**
 * What the command line says on stderr at start about where Python runs and what it can reach,
 * and its check that Deno is there before serving (a client would otherwise see every call fail).
 */
import { findDeno } from '../../sandbox/isolation/deno-binary.js';
import type { PythonMcpServerOptions } from './options.js';

/** The lines said at start: the boundary, and each thing the flags opened. */
export function boundaryNotice(options: Pick<PythonMcpServerOptions, 'isolation' | 'deno'>): string[] {
  if (options.isolation === 'worker')
    return [
      "Python runs in a Node worker thread with this process's rights (--isolation worker): its code can read your files and",
      'environment, use the network, start processes and write to the MCP channel. Use it for trusted code only.',
    ];
  const deno = options.deno ?? {};
  const net = deno.allowNet === true ? 'any host' : Array.isArray(deno.allowNet) && deno.allowNet.length > 0 ? deno.allowNet.join(', ') : undefined;
  return [
    'Python runs in a Deno process: no file outside its runtime, no environment variable, no process, no MCP channel, and',
    net ? `network access OPENED (--allow-net) to ${net}.` : 'no network.',
    ...(deno.allowRead?.length ? [`Reading OPENED (--allow-read): ${deno.allowRead.join(', ')}`] : []),
  ];
}

/**
 * Resolves when the Deno the server will use is there (or Python runs without it).
 * @throws {Error} Deno is missing; the message has the install line and the `--isolation worker` way out.
 */
export async function checkBoundary(options: Pick<PythonMcpServerOptions, 'isolation' | 'deno'>): Promise<void> {
  if (options.isolation === 'worker') return;
  try {
    await findDeno(options.deno?.path);
  } catch (error) {
    throw new Error(`${(error as Error).message} (Or run trusted code only, without the boundary: --isolation worker.)`);
  }
}
