/**
 * A session's sandbox whose every run may call `functions` (code mode): the MCP server's
 * `run_python` runs through it, so the downstream tools are reachable from Python and nothing else
 * changes (the calls cross the sandbox's existing protocol and, with Deno, its relay).
 */
import type { PythonSandbox } from '../../sandbox/python-sandbox.js';
import type { SandboxFunction } from '../../types.js';

/** `sandbox`, its `run` given `functions` (a run's own come after them); the sandbox itself when there are none. */
export function withFunctions(sandbox: PythonSandbox, functions: readonly SandboxFunction[]): PythonSandbox {
  if (functions.length === 0) return sandbox;
  return new Proxy(sandbox, {
    get(target, key) {
      if (key === 'run') {
        return (code: string, options: Parameters<PythonSandbox['run']>[1] = {}) =>
          target.run(code, { ...options, functions: [...functions, ...(options.functions ?? [])] });
      }
      // The class keeps private state: its methods run on the sandbox itself, not the proxy.
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
