import { PythonSandbox } from 'pyodide-code-execution';

const output = document.querySelector('#result');

async function main() {
  const sandbox = await PythonSandbox.create();
  const run = await sandbox.run('6 * 7');
  output.value = run.result ?? run.error?.message ?? '';
  document.body.dataset.interruptible = String(sandbox.interruptible);
  document.body.dataset.state = run.outcome === 'OUTCOME_OK' ? 'done' : 'error';
}

main().catch((error) => {
  output.value = String(error);
  document.body.dataset.state = 'error';
});
