/**
 * A boot that ran out of `limits.bootTimeoutMs`, in words that point at the likely cause: a
 * runtime that cannot be read sends the user to check where it is served; one that was read (the
 * host fetched its bytes, or in Node its files are there) means the machine was too busy to boot
 * Python in time, which a later try can fix (`retryable`).
 */
import type { BootConfig } from '../../shared/protocol.js';
import { isNode } from '../../shared/is-node.js';
import { SandboxBootError } from '../errors.js';

export async function bootTimeout(ms: number, config: BootConfig): Promise<SandboxBootError> {
  const limit = `Python did not start within ${ms} ms (limits.bootTimeoutMs)`;
  if (await runtimeReadable(config))
    return new SandboxBootError(`${limit}, though its runtime was read: the machine was too busy to boot it in time. Try again.`, { retryable: true });
  return new SandboxBootError(`${limit}. Check that ${config.indexURL} serves the Pyodide runtime, with application/wasm for pyodide.asm.wasm.`);
}

/** Whether the runtime is known to be readable: its bytes came with the config, or (Node) its wasm is a readable file. */
async function runtimeReadable(config: BootConfig): Promise<boolean> {
  if (config.runtime) return true;
  if (!isNode || !config.indexURL.startsWith('file:')) return false;
  try {
    const { access } = await import(/* @vite-ignore */ 'node:fs/promises');
    await access(new URL('pyodide.asm.wasm', config.indexURL.endsWith('/') ? config.indexURL : `${config.indexURL}/`));
    return true;
  } catch {
    return false;
  }
}

/**
 * The boot's deadline: `expired` rejects with `bootTimeout`'s error `ms` after `from` resolves (at
 * once without it: a staged boot's clock starts when its state is handed in); `clear` ends it.
 */
export function bootDeadline(ms: number, config: BootConfig, from?: Promise<unknown>): { expired: Promise<never>; clear(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let cleared = false;
  const expired = new Promise<never>((_, reject) => {
    const arm = () => {
      if (!cleared) timer = setTimeout(() => void bootTimeout(ms, config).then(reject), ms);
    };
    if (from) from.then(arm, () => undefined);
    else arm();
  });
  return {
    expired,
    clear() {
      cleared = true;
      clearTimeout(timer);
    },
  };
}
