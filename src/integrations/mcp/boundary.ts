/**
 * What the command line says on stderr at start about where Python runs and what it can reach,
 * and a missing or broken Deno in the server's words (the check itself is the sandbox's).
 */
import { SandboxBootError } from '../../sandbox/errors.js';
import { DENO_INSTALL_HINT, DenoUnavailableError, findDeno } from '../../sandbox/isolation/deno-binary.js';
import type { DenoBoundary } from '../../shared/types.js';
import { BoundaryUnavailableError } from './errors.js';

/** The lines said at start, each a whole sentence (each is prefixed with the program's name): the boundary, and each thing the flags opened. */
export function boundaryNotice(options: BoundaryOptions): string[] {
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

/** Where Python runs, as the server's options say it. */
export type BoundaryOptions = { isolation?: 'deno' | 'worker'; deno?: DenoBoundary };

/**
 * A sandbox's failure to start because of Deno (missing, or there but not running: the sandbox's
 * own check, src/sandbox/isolation/deno-binary.ts), in the server's words: its flags, the npx
 * line, the `--isolation worker` way out. Undefined for any other failure.
 * @param deno The path the server was given (`--deno`), if any.
 */
export function boundaryUnavailable(error: unknown, deno: string | undefined): BoundaryUnavailableError | undefined {
  // The sandbox throws its boot error with Deno's failure as the cause; findDeno throws it bare.
  const cause = SandboxBootError.isInstance(error) ? error.cause : error;
  if (!DenoUnavailableError.isInstance(cause)) return undefined;
  const what =
    cause.code === 'deno-does-not-run'
      ? `and ${cause.fact} Reinstall it (${DENO_INSTALL_HINT} beside this package) or pass --deno <path> of one that runs; then call again.`
      : deno === undefined
        ? `whose permissions keep the code from your files, environment, network and processes, and Deno was not found. Install it beside this package: ${DENO_INSTALL_HINT} (with npx: npx -y -p pyodide-code-execution -p deno pyodide-code-execution mcp), or put deno on the PATH, or pass --deno <path>; then call again.`
        : `whose permissions keep the code from your files, environment, network and processes, and --deno ${deno} is not an executable. Install Deno (${DENO_INSTALL_HINT} beside this package) or fix the path; then call again.`;
  return new BoundaryUnavailableError(`Python cannot run: this server runs it in a Deno process, ${what} ${WORKER_ALTERNATIVE}`, { cause });
}

/**
 * Resolves when the Deno the server will use is there (or Python runs without it); said once at
 * start. Each sandbox's start finds it again, so Deno installed later is found by the next call.
 * @throws {BoundaryUnavailableError} Deno is missing; the message has the install line and the `--isolation worker` way out.
 */
export async function checkBoundary(options: BoundaryOptions): Promise<void> {
  if (options.isolation === 'worker') return;
  const path = options.deno?.path;
  try {
    await findDeno(path);
  } catch (error) {
    throw boundaryUnavailable(error, path) ?? error;
  }
}
