/**
 * The AI SDK tool's side of the one file shape (dist/ai-sdk.js, no sandbox booted): files already
 * in the sandbox are `existingFiles` (`files` a deprecated alias), and the files a run wrote are
 * listed by `path`, as `RunResult.files` has them (`name`, the earlier key, beside it).
 */
import { describe, expect, test } from 'vitest';
import { pythonToolDefinition, toPythonToolOutput } from '../../dist/ai-sdk.js';
import { runResult } from '../support/fixtures.js';

describe('the AI SDK tool and files', () => {
  test('existingFiles are named in the default description; the deprecated files still are; both at once is a TypeError', () => {
    expect(pythonToolDefinition({ existingFiles: ['data/sales.csv'] }).description).toContain('Files in the working directory: "data/sales.csv".');
    expect(pythonToolDefinition({ files: ['old.csv'] }).description).toContain('Files in the working directory: "old.csv".');
    expect(() => pythonToolDefinition({ existingFiles: ['a'], files: ['a'], description: 'mine' })).toThrow(
      'files and existingFiles are both given; keep existingFiles (files is deprecated)',
    );
  });

  test('the files a run wrote are { path, size } in the output, with the deprecated name beside path', () => {
    const output = toPythonToolOutput(runResult({ files: [{ path: 'out/a.csv', mimeType: 'text/csv', data: 'YQ==', size: 1 }] }));
    expect(output.files).toEqual([{ path: 'out/a.csv', size: 1, name: 'out/a.csv' }]);
    expect(output.text).toContain('Files written: out/a.csv (1 byte)');
  });
});
