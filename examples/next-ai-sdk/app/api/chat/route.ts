import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { type UIMessage, convertToModelMessages, streamText } from 'ai';
import { pythonToolDefinition } from 'pyodide-code-execution/ai-sdk';

// The key (GOOGLE_GENERATIVE_AI_API_KEY) stays on the server. The base URL is for a proxy or a test server.
const google = createGoogleGenerativeAI({ baseURL: process.env.GOOGLE_GENERATIVE_AI_BASE_URL || undefined });

// No `execute`: the model's run_python calls go to the page, which runs them (app/chat.tsx). The
// definition's `toModelOutput` turns the page's output into what the model reads, checking it first.
const tools = { run_python: pythonToolDefinition() };

export async function POST(request: Request) {
  const { messages }: { messages: UIMessage[] } = await request.json();
  const result = streamText({
    model: google('gemini-flash-latest'),
    tools,
    messages: await convertToModelMessages(messages, { tools }),
  });
  return result.toUIMessageStreamResponse();
}
