import { PythonSandbox, type RunResult } from 'pyodide-code-execution';

const sandbox = await PythonSandbox.create();
const run: RunResult = await sandbox.run('6 * 7');
console.log(run.result); // 42
await sandbox.dispose();
