'use client';

import { useChat } from '@ai-sdk/react';
import { type UIDataTypes, type UIMessage, lastAssistantMessageIsCompleteWithToolCalls } from 'ai';
import type { PythonSandbox } from 'pyodide-code-execution/sandbox';
import { type PythonToolInput, type PythonToolOutput, runPythonToolCall } from 'pyodide-code-execution/ai-sdk';
import { type FormEvent, useEffect, useRef, useState } from 'react';

type ChatMessage = UIMessage<unknown, UIDataTypes, { run_python: { input: PythonToolInput; output: PythonToolOutput } }>;

/** The chat: the route streams the model, and this page runs its run_python calls in a sandbox of its own. */
export function Chat() {
  const sandbox = useRef<Promise<PythonSandbox>>(undefined);
  const [python, setPython] = useState('starting…');
  const [input, setInput] = useState('');

  // Created in the browser only (an effect never runs on the server), before the first call needs it.
  useEffect(() => {
    let active = true;
    const creating = import('pyodide-code-execution/sandbox').then(({ PythonSandbox }) => PythonSandbox.create());
    sandbox.current = creating;
    creating.then(
      () => active && setPython('ready'),
      (failure: unknown) => active && setPython(`failed: ${failure}`),
    );
    return () => {
      active = false;
      void creating.then((created) => created.dispose()).catch(() => undefined);
    };
  }, []);

  const { messages, sendMessage, addToolOutput, status, error } = useChat<ChatMessage>({
    // Once every call of the last answer has its output, send them back to the model.
    sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithToolCalls,
    onToolCall: async ({ toolCall }) => {
      if (toolCall.dynamic || toolCall.toolName !== 'run_python') return;
      const { toolCallId } = toolCall;
      try {
        if (!sandbox.current) throw new Error('Python has not started.');
        // Checks the model's input and runs it; an exception in the code is an output with its traceback.
        const output = await runPythonToolCall(await sandbox.current, toolCall.input);
        void addToolOutput({ tool: 'run_python', toolCallId, output });
      } catch (failure) {
        void addToolOutput({ tool: 'run_python', toolCallId, state: 'output-error', errorText: String(failure) });
      }
    },
  });

  const send = (event: FormEvent) => {
    event.preventDefault();
    if (!input.trim()) return;
    void sendMessage({ text: input });
    setInput('');
  };

  // Everything below comes from the model or the sandbox: shown as text (React escapes it), images as data URLs.
  return (
    <>
      <p className="python">Python: {python}</p>
      {messages.map((message) => (
        <div key={message.id} className={`message ${message.role}`}>
          {message.parts.map((part, index) => {
            const key = `${message.id}-${index}`;
            if (part.type === 'text') return <p key={key}>{part.text}</p>;
            if (part.type !== 'tool-run_python') return null;
            return (
              <figure key={key} className="run-python" data-state={part.state}>
                <pre className="code">{part.input?.code}</pre>
                {part.state === 'output-available' && (
                  <>
                    <pre className="output">{part.output.text}</pre>
                    {part.output.images.map((image, i) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey lint/performance/noImgElement: a finished run's images never move; a data URL, not a page asset
                      <img key={`${key}-${i}`} alt="A figure from the run" src={`data:${image.mimeType};base64,${image.data}`} />
                    ))}
                  </>
                )}
                {part.state === 'output-error' && <pre className="error">{part.errorText}</pre>}
              </figure>
            );
          })}
        </div>
      ))}
      {error && <p className="error">{error.message}</p>}
      <form onSubmit={send}>
        <input value={input} onChange={(event) => setInput(event.target.value)} placeholder="What is the sum of the first 50 primes?" />
        <button type="submit" disabled={status !== 'ready' || python !== 'ready'}>
          Send
        </button>
      </form>
    </>
  );
}
