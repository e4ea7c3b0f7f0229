/**
 * What the command line says on stderr at start about where Python runs and what it can reach,
 * and the check that Deno is there, made before each interpreter starts.
 */
import { execFile } from 'node:child_process';
import { DENO_INSTALL_HINT, findDeno } from '../../sandbox/isolation/deno-binary.js';
import { BoundaryUnavailableError } from './errors.js';
import type { PythonMcpServerOptions } from './options.js';

/** The lines said at start, each a whole sentence (each is prefixed with the program's name): the boundary, and each thing the flags opened. */
export function boundaryNotice(options: Pick<PythonMcpServerOptions, 'isolation' | 'deno'>): string[] {
  if (options.isolation === 'worker')
    return [
      "Python runs in a Node worker thread with this process's rights (--isolation worker): its code can read your files and environment, use the network, start processes and write to the MCP channel. Use it for trusted code only.",
    ];
  const deno = options.deno ?? {};
  const net = deno.allowNet === true ? 'any host' : Array.isArray(deno.allowNet) && deno.allowNet.length > 0 ? deno.allowNet.join(', ') : undefined;
  return [
    `Python runs in a Deno process: no file outside its runtime, no environment variable, no process, no MCP channel, and ${net ? `network access OPENED (--allow-net) to ${net}` : 'no network'}.`,
    ...(deno.allowRead?.length ? [`Reading OPENED (--allow-read): ${deno.allowRead.join(', ')}.`] : []),
  ];
}

/** What `--isolation worker` gives up, said wherever it is offered as the way out. */
export const WORKER_ALTERNATIVE =
  "Or restart the server with --isolation worker to run trusted code only: Python then runs in the server's own Node process with its rights (your files, environment variables, network, processes and the MCP channel), without the Deno boundary.";

/**
 * Resolves when the Deno the server will use is there (or Python runs without it). Asked before
 * each interpreter starts, not only at start: the server keeps serving without Deno, so a client
 * sees why in every call's result (nobody reads a server's stderr), and Deno installed later is
 * found by the next call.
 * @throws {BoundaryUnavailableError} Deno is missing; the message has the install line and the `--isolation worker` way out.
 */
export async function checkBoundary(options: Pick<PythonMcpServerOptions, 'isolation' | 'deno'>): Promise<void> {
  if (options.isolation === 'worker') return;
  const path = options.deno?.path;
  try {
    await findDeno(path);
  } catch {
    const missing =
      path === undefined
        ? `Deno was not found. Install it beside this package: ${DENO_INSTALL_HINT} (with npx: npx -y -p pyodide-code-execution -p deno pyodide-code-execution mcp), or put deno on the PATH, or pass --deno <path>; then call again.`
        : `--deno ${path} is not an executable. Install Deno (${DENO_INSTALL_HINT} beside this package) or fix the path; then call again.`;
    throw new BoundaryUnavailableError(
      `Python cannot run: this server runs it in a Deno process, whose permissions keep the code from your files, environment, network and processes, and ${missing} ${WORKER_ALTERNATIVE}`,
    );
  }
}

/** Deno executables seen to run, by path: asked once per process. */
const runs = new Map<string, Promise<void>>();

/**
 * Resolves when the Deno found runs (`deno --version`), checked once per path and process. Meant
 * to run beside an interpreter's boot, so a working Deno costs no time: one that cannot run (a
 * broken install, another platform's binary) would otherwise be found only when the boot times
 * out, minutes later, with no word of Deno.
 * @throws {BoundaryUnavailableError} the executable did not run; the message has its error and the `--isolation worker` way out.
 */
export async function checkDenoRuns(options: Pick<PythonMcpServerOptions, 'isolation' | 'deno'>): Promise<void> {
  if (options.isolation === 'worker') return;
  const deno = await findDeno(options.deno?.path);
  let check = runs.get(deno);
  if (!check) {
    check = new Promise<void>((resolve, reject) => {
      execFile(deno, ['--version'], { timeout: 30_000, encoding: 'utf8' }, (error, _stdout, stderr) => {
        if (!error) return resolve();
        const why = `${error.killed ? 'did not answer within 30 s' : `failed (${error.code ?? error.signal ?? error.message})`}${stderr.trim() ? `: ${stderr.trim().slice(0, 300)}` : ''}`;
        reject(
          new BoundaryUnavailableError(
            `Python cannot run: this server runs it in a Deno process, and Deno (${deno}) does not run: deno --version ${why}. Reinstall it (${DENO_INSTALL_HINT} beside this package) or pass --deno <path> of one that runs; then call again. ${WORKER_ALTERNATIVE}`,
          ),
        );
      });
    });
    runs.set(deno, check);
    // Not remembered when it failed, so a Deno fixed later is seen by the next call.
    check.catch(() => runs.delete(deno));
  }
  return check;
}
