/**
 * What an index sends may make resolving long, never a freeze of the host: the resolver is
 * linear in it, bounded, and yields to the event loop, so no pause of the host's thread reaches
 * 200 ms, and a resolution past a bound fails saying which (not the time bound, a minute later).
 * The metadata and pages are generated. A pause is a gap between 5 ms timer ticks, counted as the
 * CPU time this process spent in it (at most the gap): on the shared, loaded test machine other
 * processes delay a tick by 100-300 ms with nothing blocking this thread, and that is not a freeze
 * of the host; work that does not yield spends the whole gap on the CPU.
 */
import { createServer } from 'node:http';
import { describe, expect, test } from 'vitest';
import { PackageBroker } from '../../src/sandbox/packages/package-broker.js';
import { type IndexFile, type IndexSource, resolveFromIndex } from '../../src/sandbox/packages/package-index/dependency-resolver.js';
import { environmentOf } from '../../src/sandbox/packages/package-index/target-environment.js';
import { listenOnLoopback } from '../support/loopback.js';
import { longestPause } from '../support/pauses.js';

const env = environmentOf({ python: '3.14.2', abi_version: '2026_0', arch: 'wasm32', platform: 'emscripten_5_0_3' });
const options = { env, lockName: () => undefined, maxDistributions: 24 };
const SHA = '0'.repeat(64);

/** An index of one project per entry: its files (one pure wheel of 1.0 unless given) and its `Requires-Dist` lines. */
function index(projects: Record<string, { requires?: string[]; files?: IndexFile[] }>): IndexSource {
  const wheel = (project: string): IndexFile => ({
    filename: `${project}-1.0-py3-none-any.whl`,
    url: `https://index.test/${project}-1.0-py3-none-any.whl`,
    sha256: SHA,
    yanked: false,
    hasMetadata: true,
  });
  return {
    async files(project) {
      const spec = projects[project];
      return spec && (spec.files ?? [wheel(project)]);
    },
    async metadata(file) {
      const project = file.filename.split('-')[0];
      return ['Metadata-Version: 2.1', `Name: ${project}`, ...(projects[project]?.requires ?? []).map((line) => `Requires-Dist: ${line}`), '', ''].join('\n');
    },
  };
}

/** `chain[e1]`, then `chain[e2]; extra == "e1"`, …: each extra of the chosen project asks for the next one. */
const chainOfExtras = (length: number) => ['chain[e1]', ...Array.from({ length: length - 1 }, (_, i) => `chain[e${i + 2}]; extra == "e${i + 1}"`)];

describe('resolving never freezes the host', () => {
  test('metadata asking a chain of 150 extras of one project fails at the extras bound, with no pause of 200 ms', async () => {
    const requires = chainOfExtras(150);
    expect(requires.join('\n').length).toBeLessThan(5_000);
    const { pauseMs, outcome } = await longestPause(() => resolveFromIndex(['chain'], index({ chain: { requires } }), options));
    expect(String(outcome)).toMatch(/more than 64 extras of chain were asked for in one run/);
    expect(pauseMs).toBeLessThan(200);
  });

  test('34 kB of chained extras fails at the bound on requirement lines, at once', async () => {
    const requires = chainOfExtras(1200);
    expect(requires.join('\n').length).toBeGreaterThan(34_000);
    const { pauseMs, outcome } = await longestPause(() => resolveFromIndex(['chain'], index({ chain: { requires } }), options));
    expect(String(outcome)).toMatch(/chain's metadata has 1200 requirements, more than 500; refused/);
    expect(pauseMs).toBeLessThan(200);
  });

  test('500 ordinary requirements (the most one distribution may have) resolve with no pause of 200 ms', async () => {
    const requires = Array.from({ length: 500 }, (_, i) => `dep${i} >=1.0; python_version >= "3.9" and sys_platform != "win32" and extra == "x${i}"`);
    const { pauseMs, outcome } = await longestPause(() => resolveFromIndex(['big'], index({ big: { requires } }), options));
    expect(outcome).toMatchObject({ wheels: [{ project: 'big' }] });
    expect(pauseMs).toBeLessThan(200);
  });

  test('a requirement line of 100 kB is refused before it is parsed', async () => {
    const { pauseMs, outcome } = await longestPause(() =>
      resolveFromIndex(['long'], index({ long: { requires: [`a; ${'python_version >= "3" and '.repeat(4000)}os_name == "posix"`] } }), options),
    );
    expect(String(outcome)).toMatch(/long has a requirement of \d+ characters, more than 500; refused/);
    expect(pauseMs).toBeLessThan(200);
  });

  test('a project page of 30,000 files of one version (about 5 MB) is picked from with no pause of 200 ms', async () => {
    const files = Array.from(
      { length: 30_000 },
      (_, i): IndexFile => ({
        filename: `huge-1.0-${i}-cp311-cp311-manylinux_2_28_x86_64.whl`,
        url: `https://index.test/huge-1.0-${i}.whl`,
        sha256: SHA,
        yanked: false,
        hasMetadata: true,
      }),
    );
    files.push({ filename: 'huge-1.0-py3-none-any.whl', url: 'https://index.test/huge-1.0-py3-none-any.whl', sha256: SHA, yanked: false, hasMetadata: true });
    const { pauseMs, outcome } = await longestPause(() => resolveFromIndex(['huge'], index({ huge: { files } }), options));
    expect(outcome).toMatchObject({ wheels: [{ project: 'huge', file: { filename: 'huge-1.0-py3-none-any.whl' } }] });
    expect(pauseMs).toBeLessThan(200);
  });

  test('a project page of 30,000 versions is picked from with no pause of 200 ms', async () => {
    const files = Array.from(
      { length: 30_000 },
      (_, i): IndexFile => ({
        filename: `many-${Math.floor(i / 100)}.${i % 100}-py3-none-any.whl`,
        url: `https://index.test/many-${i}.whl`,
        sha256: SHA,
        yanked: false,
        hasMetadata: true,
      }),
    );
    const { pauseMs, outcome } = await longestPause(() => resolveFromIndex(['many'], index({ many: { files } }), options));
    expect(outcome).toMatchObject({ wheels: [{ project: 'many', version: '299.99' }] });
    expect(pauseMs).toBeLessThan(200);
  });

  test('through the host: an index on loopback serving 300 chained extras fails at the extras bound, with no pause of 200 ms', async () => {
    const metadata = ['Name: chain', ...chainOfExtras(300).map((line) => `Requires-Dist: ${line}`), '', ''].join('\n');
    const server = await listenOnLoopback(
      createServer((request, response) => {
        if (request.url === '/simple/chain/') {
          const file = { filename: 'chain-1.0-py3-none-any.whl', url: '/files/chain-1.0-py3-none-any.whl', hashes: { sha256: SHA }, 'core-metadata': true };
          return void response.writeHead(200, { 'content-type': 'application/vnd.pypi.simple.v1+json' }).end(JSON.stringify({ files: [file] }));
        }
        if (request.url === '/files/chain-1.0-py3-none-any.whl.metadata') return void response.writeHead(200).end(metadata);
        response.writeHead(404).end();
      }),
    );
    try {
      const broker = new PackageBroker(JSON.stringify({ packages: {} }), () => `${server.origin}/lock/`, `${server.origin}/simple/`);
      const { pauseMs, outcome } = await longestPause(() => broker.fromIndex(['chain']));
      expect(String(outcome)).toMatch(/more than 64 extras of chain were asked for in one run/);
      expect(pauseMs).toBeLessThan(200);
    } finally {
      await server.close();
    }
  });
});
