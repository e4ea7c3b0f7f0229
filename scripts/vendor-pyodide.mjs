#!/usr/bin/env node
/**
 * Vendors a full Pyodide distribution (all the wheels: numpy, pandas, matplotlib…) into the built
 * site, so packages load from this origin instead of the CDN and work fully offline.
 *
 *   node scripts/vendor-pyodide.mjs <source> [--out dist] [--force]
 *
 * <source> is one of:
 *   - a folder holding a full distribution (with pyodide-lock.json and *.whl files),
 *   - a release archive (pyodide-314.0.7.tar.bz2, .tar.gz, .tgz), or
 *   - an http(s) URL of such an archive.
 *
 * It copies the distribution into <out>/pyodide/ (beside the runtime the lib build put there),
 * refuses a distribution whose version differs from the installed `pyodide` package (the wheels
 * must match the interpreter; --force overrides), and points the demo page's widget at it
 * (`packages-url="./pyodide/"` in <out>/index.html). Other pages embedding the widget set that
 * attribute themselves. Run it after `npm run build`; the service worker caches wheels on first use.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function usage(message) {
  if (message) console.error(`vendor-pyodide: ${message}\n`);
  console.error('Usage: node scripts/vendor-pyodide.mjs <folder | archive.tar.bz2 | https://…/archive.tar.bz2> [--out dist] [--force]');
  process.exit(message ? 1 : 0);
}

function parseArgs(argv) {
  const options = { source: undefined, out: join(repo, 'dist'), force: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') usage();
    else if (arg === '--force') options.force = true;
    else if (arg === '--out') options.out = resolve(argv[++i] ?? usage('--out needs a folder'));
    else if (!options.source) options.source = arg;
    else usage(`unexpected argument ${arg}`);
  }
  if (!options.source) usage('no source given');
  return options;
}

/** Downloads a URL into `dir`; returns the file path. */
async function download(url, dir) {
  const file = join(dir, basename(new URL(url).pathname) || 'pyodide.tar.bz2');
  console.log(`Downloading ${url} …`);
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`download failed: HTTP ${response.status} for ${url}`);
  await pipeline(Readable.fromWeb(response.body), createWriteStream(file));
  return file;
}

/** Extracts an archive with the system tar (bzip2 and gzip both supported by GNU and BSD tar). */
function extract(archive, dir) {
  console.log(`Extracting ${basename(archive)} …`);
  execFileSync('tar', ['-xf', archive, '-C', dir], { stdio: 'inherit' });
  return dir;
}

/** The folder under `dir` (itself included) that holds pyodide-lock.json. */
function findDistribution(dir, depth = 0) {
  if (existsSync(join(dir, 'pyodide-lock.json'))) return dir;
  if (depth >= 3) return undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      const found = findDistribution(join(dir, entry.name), depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const target = join(options.out, 'pyodide');
  if (!existsSync(join(target, 'pyodide.mjs'))) throw new Error(`${target} has no Pyodide runtime: run \`npm run build\` first (or pass --out)`);

  const scratch = mkdtempSync(join(tmpdir(), 'vendor-pyodide-'));
  try {
    let folder;
    if (/^https?:\/\//.test(options.source)) folder = extract(await download(options.source, scratch), scratch);
    else if (statSync(options.source).isDirectory()) folder = resolve(options.source);
    else folder = extract(resolve(options.source), scratch);
    const distribution = findDistribution(folder);
    if (!distribution) throw new Error(`no pyodide-lock.json found in ${options.source}: is it a full Pyodide distribution?`);

    const lock = JSON.parse(readFileSync(join(distribution, 'pyodide-lock.json'), 'utf8'));
    const installed = JSON.parse(readFileSync(join(repo, 'node_modules', 'pyodide', 'package.json'), 'utf8')).version;
    const version = lock.info?.version;
    if (version !== installed && !options.force) {
      throw new Error(`the distribution is Pyodide ${version}, but the site runs ${installed}; wheels must match the interpreter (use --force to copy anyway)`);
    }
    const wheels = readdirSync(distribution).filter((name) => /\.(whl|zip|tar)$/.test(name));
    if (wheels.length === 0) throw new Error(`${distribution} has no wheels: it looks like the core package, not the full distribution`);

    console.log(`Copying Pyodide ${version} (${wheels.length} packages) into ${target} …`);
    cpSync(distribution, target, { recursive: true, force: true });
    writeFileSync(join(target, 'vendored.json'), `${JSON.stringify({ version, packages: wheels.length, vendoredAt: new Date().toISOString() }, null, 2)}\n`);

    const page = join(options.out, 'index.html');
    if (existsSync(page)) {
      const html = readFileSync(page, 'utf8');
      if (!/<code-exec-chat[^>]*packages-url=/.test(html)) {
        writeFileSync(page, html.replace('<code-exec-chat', '<code-exec-chat packages-url="./pyodide/"'));
        console.log(`Pointed the demo page's widget at ./pyodide/ (${page})`);
      }
    }
    console.log('Done. Pages that embed the widget elsewhere: set packages-url to the folder holding these wheels.');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`vendor-pyodide: ${error.message}`);
  process.exit(1);
});
