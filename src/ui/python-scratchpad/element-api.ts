/**
 * `<python-scratchpad>` as a page's TypeScript sees it: an interface over `HTMLElement`, not the
 * Lit class, so a page's types need no `lit` (the widget bundles it); the class implements it, so
 * the two cannot drift apart.
 */
import type { RunOptions, RunResult } from '../../shared/types.js';

/** What the scratchpad needs from a sandbox (`PythonSandbox` has it). */
export interface ScratchpadSandbox {
  run(code: string, options?: RunOptions): Promise<RunResult>;
  interrupt(): void;
}

/** The scratchpad element: a Python editor with a Run button, running in a sandbox it is given. */
export interface PythonScratchpadElement extends HTMLElement {
  /** The sandbox to run in. Set directly, or found through `for`. */
  sandbox: ScratchpadSandbox | undefined;
  /** Id of a `<code-exec-chat>` whose sandbox to share (the `for` attribute). */
  for: string | undefined;
  /** The code in the editor (the `code` attribute). */
  code: string;
  /** Title in the header (the `heading` attribute). */
  heading: string;
  /** `light`, `dark`, or absent to follow the OS setting. */
  theme: 'light' | 'dark' | 'auto' | undefined;
  /** Runs the editor's code; resolves with the result (also shown), or undefined when there is no sandbox or a run is under way. */
  run(): Promise<RunResult | undefined>;
  /** Interrupts the running code. */
  stop(): void;
}
