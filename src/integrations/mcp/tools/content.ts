/**
 * Tool results as MCP content: a run as its text and one `image` block per image and drawn chart, a file as text,
 * an image or a base64 resource; each with its structured result (structured.ts) beside it.
 */
import type { CallToolResult } from '@modelcontextprotocol/server';
import type { RunResult } from '../../../shared/types.js';
import { runImages } from '../../../sandbox/charts/run-images.js';
import { runResultText } from '../../shared/run-text.js';
import { chartsMeta } from '../apps/chart-app.js';
import { runStructured } from './structured.js';

/**
 * The result of a `run_python` call: the run's text (see `runResultText`), then its images and its
 * charts' PNGs (`drawCharts`), the run's fields as `structuredContent` (short specs among them),
 * and, in `_meta`, every chart's spec for the chart app (apps/).
 * @param note Said before the text: the interpreter was closed while idle, so earlier state is gone.
 * @param skillsNote Said before the text too: skills the folder left out of this interpreter, or did not keep from this run.
 */
export function runContent(result: RunResult, note?: string, skillsNote?: string): CallToolResult {
  const text = [note, skillsNote, runResultText(result)].filter(Boolean).join('\n\n');
  const charts = chartsMeta(result);
  return {
    content: [{ type: 'text', text }, ...runImages(result).map((image) => ({ type: 'image' as const, data: image.data, mimeType: image.mimeType }))],
    structuredContent: runStructured(result, note, skillsNote),
    ...(charts && { _meta: charts }),
  };
}

/** The result of a `write_file` call. */
export function writtenContent(path: string, size: number): CallToolResult {
  return { content: [{ type: 'text', text: `Wrote ${path}.` }], structuredContent: { path, size } };
}

/** A tool error: the call did not do its job (bad arguments, a sandbox that could not start or was reset). */
export function toolError(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

/** A plain confirmation. */
export function toolText(text: string): CallToolResult {
  return { content: [{ type: 'text', text }] };
}

const TEXT_TYPE = 'text/plain; charset=utf-8';
const BINARY_TYPE = 'application/octet-stream';

const IMAGE_TYPES: [RegExp, string, number[]][] = [
  [/\.png$/i, 'image/png', [0x89, 0x50, 0x4e, 0x47]],
  [/\.jpe?g$/i, 'image/jpeg', [0xff, 0xd8, 0xff]],
  [/\.gif$/i, 'image/gif', [0x47, 0x49, 0x46, 0x38]],
  [/\.webp$/i, 'image/webp', [0x52, 0x49, 0x46, 0x46]],
];

/**
 * The result of a `read_file` call. An image is one only if its name and its first bytes agree, so
 * a client never renders bytes it was told are something else.
 */
export function fileContent(path: string, bytes: Uint8Array): CallToolResult {
  // Always an object: a text file holding `42` would otherwise be taken for JSON by some clients.
  const structured = (mimeType: string) => ({ path, size: bytes.length, mimeType });
  const image = IMAGE_TYPES.find(([name, , magic]) => name.test(path) && magic.every((byte, i) => bytes[i] === byte));
  if (image) return { content: [{ type: 'image', data: Buffer.from(bytes).toString('base64'), mimeType: image[1] }], structuredContent: structured(image[1]) };
  const text = utf8(bytes);
  if (text !== undefined) return { content: [{ type: 'text', text }], structuredContent: { ...structured(TEXT_TYPE), text } };
  const uri = `file:///home/pyodide/${path
    .replace(/^\/home\/pyodide\/?/, '')
    .split('/')
    .map(encodeURIComponent)
    .join('/')}`;
  return {
    content: [{ type: 'resource', resource: { uri, mimeType: BINARY_TYPE, blob: Buffer.from(bytes).toString('base64') } }],
    structuredContent: structured(BINARY_TYPE),
  };
}

function utf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
