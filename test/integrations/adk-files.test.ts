/**
 * Files both ways through a real ADK `LlmAgent` on the fake Gemini server, in Node behind Deno:
 * a CSV of the user's message becomes an input file of the session's cells (ADK's
 * `optimizeDataFile`), read with `csv` once ADK's own pandas cell has failed (pandas loads from
 * the CDN, unreachable here; the test points the sandbox at a closed port, so it fails the same everywhere); a PNG a cell writes without matplotlib comes back as
 * an output file, which ADK saves as an artifact.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SandboxCodeExecutor } from '../../dist/adk.node.js';
import { reply, text } from '../fake-gemini/scenarios.js';
import { FakeGemini } from '../fake-gemini/server.js';
import { pngSize } from '../support/png.js';
import { APP, agentRunner, cellResults, codeBlock, newSession, requestText, turn, useFakeGemini } from '../support/adk.js';

let fake: FakeGemini;
let executor: SandboxCodeExecutor;

beforeAll(async () => {
  fake = await FakeGemini.start();
  useFakeGemini(fake);
  // Wheels from a closed loopback port: pandas fails to load here as it does offline, on any machine.
  executor = new SandboxCodeExecutor({ optimizeDataFile: true, sandbox: { packageBaseUrl: 'http://127.0.0.1:9/' } });
});
afterAll(async () => {
  await executor?.close();
  await fake?.close();
});

const CSV = 'region,sales\nnorth,120\nsouth,80\neast,45\n';

/** A 3×2 red PNG from the standard library alone (zlib, struct). */
const WRITE_PNG = `import struct, zlib
def chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))
rows = b''.join(b'\\x00' + b'\\xff\\x00\\x00' * 3 for _ in range(2))
png = b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 3, 2, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b'')
open('red.png', 'wb').write(png)
print(len(png), 'bytes')`;

describe('files through an LlmAgent', () => {
  test("a CSV of the message is an input file, read with csv after ADK's own pandas cell fails on the unreachable CDN", async () => {
    const runner = agentRunner(executor);
    const session = await newSession(runner);
    fake.reset().script([
      {
        reply: reply([text(codeBlock("import csv\nrows = list(csv.DictReader(open('data_1_2.csv')))\nprint(len(rows), sum(int(r['sales']) for r in rows))"))]),
      },
      { reply: reply([text('245 in 3 regions.')]) },
    ]);
    const csv = { inlineData: { mimeType: 'text/csv', data: Buffer.from(CSV).toString('base64') } };
    const events = await turn(runner, session, [{ text: 'Total sales?' }, csv]);

    expect(fake.failures).toEqual([]);
    const [pandasCell, csvCell] = cellResults(events);
    // ADK's data-file cell (explore_df with pandas) ends as a failed cell: the package cannot load.
    expect(pandasCell).toEqual({ outcome: 'OUTCOME_FAILED', text: expect.stringMatching(/^PackageLoadError: Could not load package pandas/) });
    expect(csvCell).toEqual({ outcome: 'OUTCOME_OK', text: expect.stringContaining('3 245') });
    // The first request already names the file in place of its data, and shows the pandas cell's failure.
    const first = requestText(fake.requests[0]);
    expect(first).toContain('Available file: `data_1_2.csv`');
    expect(first).toContain('PackageLoadError');
    expect(JSON.stringify(fake.requests[0].body.contents)).not.toContain('inlineData');
    expect(requestText(fake.requests[1])).toContain('3 245');
  }, 120_000);

  test('a PNG the cell writes without matplotlib comes back as an output file, saved by ADK as an artifact with its MIME type', async () => {
    const runner = agentRunner(executor);
    const session = await newSession(runner);
    fake.reset().script([{ reply: reply([text(codeBlock(WRITE_PNG))]) }, { reply: reply([text('Here is a red square.')]) }]);
    const events = await turn(runner, session, 'Draw a red image.');

    expect(fake.failures).toEqual([]);
    expect(cellResults(events)[0].text).toMatch(/Saved artifacts:\nred\.png/);
    const saved = await runner.artifactService?.loadArtifact({ appName: APP, userId: 'user-1', sessionId: session, filename: 'red.png' });
    expect(saved?.inlineData?.mimeType).toBe('image/png');
    expect(pngSize(saved?.inlineData?.data ?? '')).toEqual({ width: 3, height: 2 });
  }, 120_000);
});
