// @vitest-environment jsdom
/**
 * A Live session's transcript drawn by the widget's one renderer (render-parts.ts), as the chat
 * modes' are: the model's text, our run as a code cell with its outcome and output, and the code a
 * Live model drafts before its call (which nothing runs) as a cell marked "draft, not run".
 */
import type { LiveServerMessage } from '@google/genai';
import { render } from 'lit';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLiveCodeExecution } from '../../src/agent/index.js';
import { renderParts } from '../../src/ui/render-parts.js';
import { ScriptedSandbox } from '../support/scripted-sandbox.js';

let drawn: HTMLElement;

/** A server message as the SDK hands it on (its class adds getters the handler does not read). */
const message = (fields: object) => fields as LiveServerMessage;

// The server's messages go straight to the session's handler (the socket is the agent suites' business).
beforeAll(async () => {
  const sandbox = new ScriptedSandbox(() => ({ output: '42\n', stdout: '42\n' }));
  const live = createLiveCodeExecution({ sandbox });
  const responses: unknown[] = [];
  // As an app wires its own connection: callbacks() for ai.live.connect, then attach() of the session it returned.
  live.callbacks();
  live.attach({ sendClientContent: () => undefined, sendToolResponse: (response) => responses.push(response), close: () => undefined });
  live.handleMessage(message({ setupComplete: {} }));
  live.handleMessage(
    message({
      serverContent: { modelTurn: { parts: [{ executableCode: { language: 'PYTHON', code: 'print(default_api.run_python(code="print(6 * 7)"))' } }] } },
    }),
  );
  live.handleMessage(message({ toolCall: { functionCalls: [{ id: 'c1', name: 'run_python', args: { code: 'print(6 * 7)' } }] } }));
  while (responses.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  live.handleMessage(message({ serverContent: { modelTurn: { parts: [{ text: 'Six times seven is **42**.' }] } } }));
  live.handleMessage(message({ serverContent: { turnComplete: true } }));
  const model = live.getTranscript().at(-1);
  drawn = document.createElement('div');
  render(renderParts(model?.parts ?? [], { downloadUrl: () => 'blob:none' }), drawn);
});

describe('a Live transcript in the widget renderer', () => {
  it('draws the drafted code as a cell marked "draft, not run", with no output', () => {
    const [draft] = drawn.querySelectorAll('.cell');
    expect(draft?.getAttribute('aria-label')).toBe('Python code the model wrote, not run');
    expect(draft?.querySelector('.badge')?.textContent).toBe('draft, not run');
    expect(draft?.textContent).toContain('default_api.run_python');
  });

  it('draws our run as a cell with its outcome and output, as the chat modes do', () => {
    const [, run] = drawn.querySelectorAll('.cell');
    expect(run?.getAttribute('aria-label')).toBe('Python code cell');
    expect(run?.querySelector('.badge')?.textContent?.trim()).toBe('ok');
    expect(run?.textContent).toContain('print(6 * 7)');
    expect(run?.textContent).toContain('42');
  });

  it('draws the model text as Markdown after the cells', () => {
    expect(drawn.querySelector('.md strong')?.textContent).toBe('42');
    expect(drawn.querySelectorAll('.cell')).toHaveLength(2);
  });
});
