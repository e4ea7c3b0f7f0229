// Code mode: the model's Python calls this app's own functions inside one run, instead of the model
// calling each one and copying the results into its next cell. Only what the code prints goes back
// to the model. GEMINI_API_KEY is your key; GEMINI_BASE_URL, if set, is a proxy (or a test server).
import { GoogleGenAI } from '@google/genai';
import { PythonSandbox, createCodeExecutionChat } from 'pyodide-code-execution';

// The app's data: two years of monthly sales for twelve regions (in a real app, a database or an API).
const REGIONS = ['north', 'south', 'east', 'west', 'centre', 'coast', 'hills', 'lakes', 'plains', 'valley', 'islands', 'capital'];
const salesOf = (region) => Array.from({ length: 24 }, (_, month) => 100 + REGIONS.indexOf(region) * 10 + month * (REGIONS.indexOf(region) % 4));

const ai = new GoogleGenAI({ apiKey: process.env.GEMINI_API_KEY, httpOptions: { baseUrl: process.env.GEMINI_BASE_URL } });
const sandbox = await PythonSandbox.create();
let calls = 0;
try {
  const chat = createCodeExecutionChat({
    ai,
    model: 'gemini-flash-latest',
    sandbox,
    functions: [
      {
        declaration: { name: 'list_regions', description: 'The names of the sales regions.' },
        callableFrom: 'code',
        handler: () => REGIONS,
      },
      {
        declaration: {
          name: 'get_sales_data',
          description: 'Monthly sales of one region over the last 24 months, oldest first, in euros.',
          parametersJsonSchema: { type: 'object', properties: { region: { type: 'string', enum: REGIONS } }, required: ['region'] },
        },
        callableFrom: 'code',
        handler: ({ region }) => {
          calls++;
          return { region, months: salesOf(region) };
        },
      },
    ],
  });
  const res = await chat.sendMessage({ message: 'Which regions grew most from last year to this year? Compute it with code.' });
  for (const part of res.candidates?.[0]?.content?.parts ?? []) {
    if (part.text) console.log(part.text);
    if (part.executableCode) console.log(`[code]\n${part.executableCode.code}`);
    if (part.codeExecutionResult) console.log(`[${part.codeExecutionResult.outcome}]\n${part.codeExecutionResult.output}`);
  }
  console.log(`(the model's code called get_sales_data ${calls} times)`);
} finally {
  await sandbox.dispose();
}
