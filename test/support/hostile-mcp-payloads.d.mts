/** Types of hostile-mcp-payloads.mjs (plain JavaScript, so the stdio server runs on Node as is). */
export declare const TOOLS: { name: string; description: string; inputSchema: Record<string, unknown> }[];
export declare function toolAnswer(id: string | number, name: string, args?: Record<string, unknown>): Generator<string | Buffer>;
export declare function initializeAnswer(id: string | number, version: string): Record<string, unknown>;
