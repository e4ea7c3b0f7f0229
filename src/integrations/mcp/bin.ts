#!/usr/bin/env node
/**
 * The package's `bin` (dist/cli.js): `npx pyodide-code-execution mcp [flags]`. See cli.ts.
 */
import { runCommandLine } from './cli.js';

process.exitCode = await runCommandLine(process.argv.slice(2));
// Interpreters and sockets are closed by now; a stray handle must not keep a stopped server alive.
process.exit();
