/**
 * bench/mcp-traffic.mjs's pure helpers: the scripted direct model reads server-filesystem's
 * `list_directory_with_sizes` text as the real server writes it, and the task's data is what the
 * bench's tables say (25 files whose three largest print apart; a graph of 78 entities).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectServer, fillReports, formatSize, memoryGraph, parseSizeListing, sizeInBytes } from '../../bench/mcp-traffic.mjs';
import { temporaryFolder } from '../support/mcp-servers.js';

const folder = temporaryFolder('mcp-traffic-');
let client: Awaited<ReturnType<typeof connectServer>>;

beforeAll(async () => {
  fillReports(folder.path);
  client = await connectServer('filesystem', [folder.path]);
}, 30_000);

afterAll(async () => {
  await client?.close();
  folder.remove();
});

it('formats sizes as the server does and reads them back', () => {
  expect([0, 512, 1023, 1024, 5598, 3 * 1024 ** 2].map(formatSize)).toEqual(['0 B', '512 B', '1023 B', '1.00 KB', '5.47 KB', '3.00 MB']);
  expect(sizeInBytes('5.47 KB')).toBeCloseTo(5601.28);
  expect(sizeInBytes('512 B')).toBe(512);
});

it('parses the real server’s sized listing: folders, and files with the sizes they have on disk', async () => {
  const listing = async (path: string) => {
    const result = await client.callTool({ name: 'list_directory_with_sizes', arguments: { path } });
    return parseSizeListing((result.content as { text: string }[])[0].text);
  };
  expect(await listing(folder.path)).toEqual([
    { name: '2025', dir: true },
    { name: '2026', dir: true },
    { name: 'README.md', dir: false, size: formatSize(statSync(join(folder.path, 'README.md')).size) },
  ]);
  const quarter = join(folder.path, '2026', 'q3');
  expect(await listing(quarter)).toEqual(
    readdirSync(quarter)
      .sort()
      .map((name) => ({ name, dir: false, size: formatSize(statSync(join(quarter, name)).size) })),
  );
});

it('fills 25 files in 11 folders, the four largest apart in the size the server prints', () => {
  const files = readdirSync(folder.path, { recursive: true, encoding: 'utf8' }).filter((path) => statSync(join(folder.path, path)).isFile());
  expect(files).toHaveLength(25);
  const sizes = files.map((path) => statSync(join(folder.path, path)).size).sort((a, b) => b - a);
  expect(new Set(sizes.slice(0, 4).map(formatSize)).size).toBe(4);
});

it('seeds a graph of 78 entities and 112 relations, five of its projects led from Berlin', () => {
  const lines = memoryGraph()
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line));
  expect(lines.filter((line) => line.type === 'entity')).toHaveLength(78);
  const relations = lines.filter((line) => line.type === 'relation');
  expect(relations).toHaveLength(112);
  const berlin = new Set(relations.filter((r) => r.relationType === 'based_in' && r.to === 'Berlin').map((r) => r.from));
  const works = new Map(relations.filter((r) => r.relationType === 'works_at').map((r) => [r.from, r.to]));
  expect(relations.filter((r) => r.relationType === 'leads' && berlin.has(works.get(r.from)))).toHaveLength(5);
});
