// Gemini writes and runs the Python on Google's servers (the README's "server-side execution").
// GEMINI_API_KEY is your key; GEMINI_BASE_URL, if set, is a proxy (or a test server) to send to.
import { GoogleGenAI } from '@google/genai';
import { createCodeExecutionChat } from 'pyodide-code-execution';

const ai = new GoogleGenAI({ apiKey: process.env.GEMINI_API_KEY, httpOptions: { baseUrl: process.env.GEMINI_BASE_URL } });
const chat = createCodeExecutionChat({ ai, model: 'gemini-flash-latest', execution: 'server' });
const res = await chat.sendMessage({ message: 'What is the sum of the first 50 prime numbers? Generate and run code.' });
for (const part of res.candidates?.[0]?.content?.parts ?? []) {
  if (part.text) console.log(part.text);
  if (part.executableCode) console.log(`[code]\n${part.executableCode.code}`);
  if (part.codeExecutionResult) console.log(`[${part.codeExecutionResult.outcome}]\n${part.codeExecutionResult.output}`);
}
