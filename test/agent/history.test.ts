/** History turns and token usage across the loop's steps. */
import { describe, expect, it } from 'vitest';
import { appendUserTurn } from '../../src/agent/history.js';
import { addUsage } from '../../src/agent/usage.js';

describe('history and usage', () => {
  it('joins a new user turn to a trailing user turn, without mutating the history', () => {
    const history = [
      { role: 'user', parts: [{ text: 'a' }] },
      { role: 'model', parts: [{ text: 'b' }] },
      { role: 'user', parts: [{ functionResponse: { name: 'f', response: {} } }] },
    ];
    const copy = structuredClone(history);
    const next = appendUserTurn(history, { role: 'user', parts: [{ text: 'c' }] });
    expect(next).toHaveLength(3);
    expect(next[2].parts).toEqual([{ functionResponse: { name: 'f', response: {} } }, { text: 'c' }]);
    expect(history).toEqual(copy);
    expect(appendUserTurn(next.slice(0, 2), { role: 'user', parts: [{ text: 'c' }] })).toHaveLength(3);
  });

  it('sums token counts across steps', () => {
    expect(addUsage({ promptTokenCount: 10, totalTokenCount: 15 }, { promptTokenCount: 20, candidatesTokenCount: 3, totalTokenCount: 23 })).toEqual({
      promptTokenCount: 30,
      candidatesTokenCount: 3,
      totalTokenCount: 38,
    });
    expect(addUsage(undefined, { totalTokenCount: 1 })).toEqual({ totalTokenCount: 1 });
  });
});
