/**
 * Zstandard-compresses the files the package ships packed (the runtime's big files, the shipped
 * snapshot) at level 19: about 20% smaller than gzip -9 (wasm 3.59 → 2.89 MB, snapshot 6.20 →
 * 4.49 MB) in about 10 s of build time; the browser decodes them as they stream in
 * (src/sandbox/byte-streams.ts). Brotli at quality 11 is a little smaller but took 59 s here.
 * zstd is deterministic: the same input gives the same bytes.
 *
 *   node scripts/zstd-pack.mjs <input> <output>    (vite.config.ts calls it when its cache misses)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const LEVEL = 19;

/** `bytes`, one zstd frame at level 19. */
export async function zstdPack(bytes) {
  const zstd = await import('@bokuweb/zstd-wasm');
  await zstd.init();
  return zstd.compress(bytes, LEVEL);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) throw new Error('usage: node scripts/zstd-pack.mjs <input> <output>');
  writeFileSync(output, await zstdPack(readFileSync(input)));
}
