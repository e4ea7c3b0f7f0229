// A stdio MCP server whose one tool, `shout`, declares an outputSchema whose pattern backtracks
// (^(a+)+$) and answers structured content made to make it backtrack: a client that checks the
// result against the schema with a backtracking regex engine hangs for minutes; one that does not
// answers at once. Written with the SDK's low-level Server, which checks nothing of its own output.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const server = new Server({ name: 'backtracking', version: '1.0.0' }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, () => ({
  tools: [
    {
      name: 'shout',
      inputSchema: { type: 'object', properties: {} },
      outputSchema: { type: 'object', properties: { s: { type: 'string', pattern: '^(a+)+$' } }, required: ['s'] },
    },
  ],
}));
const s = `${'a'.repeat(40)}!`;
server.setRequestHandler(CallToolRequestSchema, () => ({ content: [{ type: 'text', text: s }], structuredContent: { s } }));
await server.connect(new StdioServerTransport());
