'use client';

import { useEffect, useState } from 'react';
import type { PythonSandbox } from 'pyodide-code-execution';

type Shown = { text: string; state?: 'done' | 'error' };

/** Runs Python in the browser once the page has loaded (never on the server). */
export function PythonResult() {
  const [shown, setShown] = useState<Shown>({ text: '…' });

  useEffect(() => {
    let active = true;
    let sandbox: PythonSandbox | undefined;

    (async () => {
      const { PythonSandbox } = await import('pyodide-code-execution');
      sandbox = await PythonSandbox.create();
      if (!active) return sandbox.dispose();
      const run = await sandbox.run('6 * 7');
      document.body.dataset.interruptible = String(sandbox.interruptible);
      if (active) setShown({ text: run.result ?? run.error?.message ?? '', state: run.outcome === 'OUTCOME_OK' ? 'done' : 'error' });
    })().catch((error: unknown) => {
      if (active) setShown({ text: String(error), state: 'error' });
    });

    return () => {
      active = false;
      void sandbox?.dispose();
    };
  }, []);

  // The page says it is done once the result is on screen.
  useEffect(() => {
    if (shown.state) document.body.dataset.state = shown.state;
  }, [shown.state]);

  return <output id="result">{shown.text}</output>;
}
