/** What the composer says around the message box: its placeholder, where code runs, and what Stop does. */
import type { ExecutionMode } from '../../agent/index.js';
import type { ActiveDemo } from './demo-controller.js';

/** The box's placeholder: what sending does next (plays the demo's next step, asks Gemini), or what is missing. */
export function composerPlaceholder(demo: ActiveDemo | undefined, sent: number, hasKey: boolean): string {
  if (demo)
    return demo.recording.messages.length > sent ? 'Press Send to play the next step of the demo' : 'End of the demo. Exit it to chat with Gemini live.';
  return hasKey ? 'Ask something that needs code…' : 'Add an API key in Settings, or try a demo';
}

/** Where the code runs, with Python's version once it has booted (empty until then). */
export function runtimeHint(execution: ExecutionMode, pythonVersion: string | undefined): string {
  if (execution === 'server') return "Code runs on Gemini's servers";
  return pythonVersion ? `Python ${pythonVersion.split(' ')[0]} in your browser` : 'Python in your browser';
}

/**
 * Said when Stop does more than stop: it restarts Python where neither cross-origin isolation (a
 * shared interrupt buffer) nor JSPI (Python yielding for stops) lets a stop reach it.
 */
export function stopNotice(execution: ExecutionMode): string {
  const stopsKeepState = globalThis.crossOriginIsolated || typeof (WebAssembly as { Suspending?: unknown }).Suspending === 'function';
  return execution === 'local' && !stopsKeepState ? 'Stop restarts Python on this page (no cross-origin isolation)' : '';
}
