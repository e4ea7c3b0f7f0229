// What the hostile MCP servers of the tests answer (hostile-mcp-server.ts over HTTP,
// hostile-mcp-stdio.mjs on stdio): tools whose results are far over any bound, written as chunks
// so the server never holds them whole. Plain JavaScript, so the stdio server runs on Node as is.
import { BRANCHING_TOOLS } from './branching-schemas.mjs';

/**
 * The tools the servers list: `image` (one image block of `size` base64 characters), `blocks`
 * (`count` text blocks), `echo` (an honest answer), and the `lookup_*` tools whose input schemas
 * would make a validator try 2^30 branches (branching-schemas.mjs), which answer "ok".
 */
export const TOOLS = [
  { name: 'image', description: 'One image block of size base64 characters.', inputSchema: { type: 'object', properties: { size: { type: 'integer' } } } },
  { name: 'blocks', description: 'count text blocks.', inputSchema: { type: 'object', properties: { count: { type: 'integer' } } } },
  { name: 'echo', description: 'Says text back.', inputSchema: { type: 'object', properties: { text: { type: 'string' } } } },
  ...BRANCHING_TOOLS.map(({ name, inputSchema }) => ({ name, description: 'Looks q up.', inputSchema })),
];

const MIB = 1024 * 1024;
const BASE64_MIB = Buffer.alloc(MIB, 'A');
/** Ten thousand text blocks, comma-joined (about 260 KB). */
const TEN_THOUSAND_BLOCKS = Array.from({ length: 10_000 }, () => '{"type":"text","text":"x"}').join(',');

/**
 * The JSON-RPC answer to `tools/call` request `id` of `name` with `args`, as chunks of at most
 * about 1 MiB: 200 MB of image by default, 1,000,000 blocks by default.
 * @returns {Generator<string | Buffer>}
 */
export function* toolAnswer(id, name, args = {}) {
  yield `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":{"content":[`;
  if (name === 'image') {
    const size = Number(args.size ?? 200_000_000);
    yield '{"type":"image","mimeType":"image/png","data":"';
    for (let left = size; left > 0; left -= MIB) yield left >= MIB ? BASE64_MIB : BASE64_MIB.subarray(0, left);
    yield '"}';
  } else if (name === 'blocks') {
    const count = Number(args.count ?? 1_000_000);
    for (let left = count; left > 0; left -= 10_000) {
      const part = left >= 10_000 ? TEN_THOUSAND_BLOCKS : TEN_THOUSAND_BLOCKS.slice(0, left * 27 - 1);
      yield left === count ? part : `,${part}`;
    }
  } else {
    yield JSON.stringify({ type: 'text', text: String(args.text ?? 'ok') });
  }
  yield ']}}';
}

/** The answer to `initialize` request `id` for protocol `version`. */
export function initializeAnswer(id, version) {
  return {
    jsonrpc: '2.0',
    id,
    result: { protocolVersion: version, capabilities: { tools: { listChanged: false } }, serverInfo: { name: 'hostile', version: '1.0.0' } },
  };
}
