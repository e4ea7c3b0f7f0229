// An ADK agent in the page: Gemini writes Python, SandboxCodeExecutor runs it in Pyodide inside a
// sandboxed, opaque-origin frame (no network, no access to this page), one interpreter for the
// conversation. The key stays in this page; for anything public, send Gemini's requests through
// your own server instead (`?base=` below points ADK's Gemini at it).
import { Gemini, InMemoryRunner, LlmAgent } from '@google/adk';
import { SandboxCodeExecutor, withCodeExecution } from 'pyodide-code-execution/adk';

const base = new URLSearchParams(location.search).get('base');

/** ADK's Gemini takes no base URL in a page: its HTTP options carry one. */
class PageGemini extends Gemini {
  getHttpOptions() {
    return base ? { ...super.getHttpOptions(), baseUrl: new URL(base, location.href).href } : super.getHttpOptions();
  }
}

const form = document.querySelector('form');
const log = document.querySelector('#log');
let runner;
let sessionId;

function show(kind, text) {
  const line = document.createElement('div');
  line.className = kind;
  line.textContent = text;
  log.append(line);
}

async function start(apiKey) {
  const codeExecutor = new SandboxCodeExecutor();
  const agent = withCodeExecution(
    new LlmAgent({
      name: 'analyst',
      model: new PageGemini({ model: 'gemini-flash-latest', apiKey }),
      instruction: 'Answer by writing Python in ```python blocks: each block runs, and you see its output before you answer.',
      codeExecutor,
    }),
  );
  runner = new InMemoryRunner({ agent, appName: 'analyst' });
  sessionId = (await runner.sessionService.createSession({ appName: 'analyst', userId: 'me' })).id;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const message = form.message.value;
  form.querySelector('button').disabled = true;
  try {
    if (!runner) await start(form.key.value);
    show('you', `> ${message}`);
    const newMessage = { role: 'user', parts: [{ text: message }] };
    for await (const event of runner.runAsync({ userId: 'me', sessionId, newMessage })) {
      for (const part of event.content?.parts ?? []) {
        if (part.executableCode) show('code', part.executableCode.code);
        else if (part.codeExecutionResult) show(part.codeExecutionResult.outcome === 'OUTCOME_OK' ? 'output' : 'failed', part.text);
        else if (part.text && !part.thought) show('model', part.text.trim());
      }
    }
  } catch (error) {
    show('failed', String(error));
  } finally {
    form.querySelector('button').disabled = false;
    log.dataset.turns = String(Number(log.dataset.turns ?? 0) + 1);
  }
});
