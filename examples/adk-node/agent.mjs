// An ADK agent whose Python runs in the sandbox: Gemini writes the code, a Deno process runs it,
// one interpreter for the whole conversation. Needs GEMINI_API_KEY (and GOOGLE_GEMINI_BASE_URL
// for a proxy). Each argument is one message of the conversation.
import { InMemoryRunner, LlmAgent } from '@google/adk';
import { SandboxCodeExecutor, withCodeExecution } from 'pyodide-code-execution/adk';

const messages = process.argv.length > 2 ? process.argv.slice(2) : ['What is the sum of the first 50 primes?', 'And how many of them end in 3?'];

const codeExecutor = new SandboxCodeExecutor({ limits: { timeoutMs: 30_000 } });
const agent = withCodeExecution(
  new LlmAgent({
    name: 'analyst',
    model: process.env.GEMINI_MODEL ?? 'gemini-flash-latest',
    instruction:
      'Answer by writing Python in ```python blocks: each block runs, and you see its output before you answer. Variables stay defined from one block to the next.',
    codeExecutor,
  }),
);
const runner = new InMemoryRunner({ agent, appName: 'analyst' });
const session = await runner.sessionService.createSession({ appName: 'analyst', userId: 'me' });

try {
  for (const message of messages) {
    console.log(`> ${message}`);
    const newMessage = { role: 'user', parts: [{ text: message }] };
    for await (const event of runner.runAsync({ userId: 'me', sessionId: session.id, newMessage })) {
      for (const part of event.content?.parts ?? []) {
        if (part.executableCode) console.log(`[code]\n${part.executableCode.code}`);
        else if (part.codeExecutionResult) console.log(`[${part.codeExecutionResult.outcome === 'OUTCOME_OK' ? 'output' : 'failed'}]\n${part.text}`);
        else if (part.text && !part.thought) console.log(part.text.trim());
      }
    }
  }
} finally {
  // The session's interpreter (a Deno process) goes with it.
  await codeExecutor.close();
}
