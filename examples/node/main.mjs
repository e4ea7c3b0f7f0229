import { PythonSandbox } from 'pyodide-code-execution';

// In Node the sandbox is a worker thread; Pyodide's runtime comes from the package itself.
const sandbox = await PythonSandbox.create();
const run = await sandbox.run('6 * 7');
console.log(run.result); // 42
await sandbox.dispose();
