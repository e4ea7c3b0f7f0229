/** Types of mcp-traffic.mjs, for its tests. */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';

export function serverPath(name: 'filesystem' | 'memory' | 'everything'): string;
export function connectServer(name: 'filesystem' | 'memory' | 'everything', args?: string[], env?: Record<string, string>): Promise<Client>;
export function formatSize(bytes: number): string;
export type SizeListingEntry = { name: string; dir: true } | { name: string; dir: false; size: string };
export function parseSizeListing(text: string): SizeListingEntry[];
export function sizeInBytes(size: string): number;
export function fillReports(root: string): void;
export function memoryGraph(): string;
export const MODES: [string, string][];
export function mcpTraffic(distDir: string, log?: (line: string) => void): Promise<Record<string, Record<string, unknown>>>;
