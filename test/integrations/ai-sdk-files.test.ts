/**
 * The AI SDK tool's side of the one file shape (dist/ai-sdk.js, no sandbox booted): files already
 * in the sandbox are `existingFiles` (`files` a deprecated alias).
 */
import { describe, expect, test } from 'vitest';
import { pythonToolDefinition } from '../../dist/ai-sdk.js';

describe('the AI SDK tool and files', () => {
  test('existingFiles are named in the default description; the deprecated files still are; both at once is a TypeError', () => {
    expect(pythonToolDefinition({ existingFiles: ['data/sales.csv'] }).description).toContain('Files in the working directory: "data/sales.csv".');
    expect(pythonToolDefinition({ files: ['old.csv'] }).description).toContain('Files in the working directory: "old.csv".');
    expect(() => pythonToolDefinition({ existingFiles: ['a'], files: ['a'], description: 'mine' })).toThrow(
      'existingFiles and files are both given; keep existingFiles (files is deprecated)',
    );
  });
});
