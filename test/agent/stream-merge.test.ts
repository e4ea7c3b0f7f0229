/** Streamed chunks become the turn's parts: what is joined and what stays apart. */
import { describe, expect, it } from 'vitest';
import { mergeStreamedParts } from '../../src/agent/stream-merge.js';

describe('mergeStreamedParts', () => {
  it('joins text deltas and keeps a signature-only empty text part as it came', () => {
    expect(mergeStreamedParts([{ text: 'The ' }, { text: 'sum' }, { text: '' }, { text: ' is 5117.' }, { text: '', thoughtSignature: 'c2ln' }])).toEqual([
      { text: 'The sum is 5117.' },
      { text: '', thoughtSignature: 'c2ln' },
    ]);
  });

  it('never joins a signed part with its neighbours, and keeps thoughts apart from answers', () => {
    expect(
      mergeStreamedParts([{ text: 'Thinking', thought: true }, { text: '…', thought: true }, { text: 'Answer', thoughtSignature: 'c2ln' }, { text: ' more' }]),
    ).toEqual([{ text: 'Thinking…', thought: true }, { text: 'Answer', thoughtSignature: 'c2ln' }, { text: ' more' }]);
  });

  it('keeps function calls and their signatures untouched', () => {
    const call = { functionCall: { id: 'a', name: 'run_python', args: { code: 'x' } }, thoughtSignature: 'c2ln' };
    expect(mergeStreamedParts([{ text: 'Running.' }, call])).toEqual([{ text: 'Running.' }, call]);
  });
});
