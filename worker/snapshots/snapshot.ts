/**
 * Memory snapshots of a booted interpreter (Pyodide's experimental `_makeSnapshot` /
 * `_loadSnapshot`). A snapshot only fits the exact Pyodide build and our own Python sources, so
 * each carries a header naming both; a mismatch or any restore failure means a normal boot.
 *
 * The memory is stored as its difference (XOR) from what the wasm module writes into memory when
 * it is instantiated (its data segments, wasm-data.ts), which a snapshot holds again almost
 * unchanged: those bytes become zeros, and the shipped snapshot gzips to 3.7 MB instead of 5.2.
 * Then half of the 64 KiB pages are all zeros (31 MB → 13 MB), so only the others are kept: less
 * to download, to store, and to read on the critical path of a return visit.
 *
 * Layout: "PSBX" | u32 header length | JSON header | zero padding to 16 bytes |
 * page map (1 bit per page, 1 = kept) | zero padding to 16 bytes | the kept pages in order.
 *
 * Each snapshot carries a random id: a saved state is stored as its difference from the snapshot
 * its interpreter booted from (state-base.ts) and names it by this id.
 */
import { xorInto } from '../../src/shared/memory/bytes.js';
import type { DataSegment } from '../../src/shared/memory/wasm-data.js';
import { type MemoryImage, snapshotBody } from './memory-image.js';

const MAGIC = [0x50, 0x53, 0x42, 0x58]; // "PSBX"
const FORMAT = 3;
const PAGE = 65536;

export interface SnapshotKey {
  pyodideVersion: string;
  /** Fingerprint of the sandbox's own Python sources: a changed runner invalidates old snapshots. */
  sourceHash: string;
}

/**
 * A fingerprint of the sandbox's Python sources (change detection, not security). Not SHA-256:
 * an isolated worker has an opaque origin, which gets no `crypto.subtle`.
 */
export function hashSources(sources: Record<string, string>): string {
  const text = Object.keys(sources)
    .sort()
    .map((name) => `${name}\n${sources[name]}`)
    .join('\n\0\n');
  // cyrb53: two 32-bit lanes mixed into 53 bits.
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16);
}

interface Header extends SnapshotKey {
  format: number;
  /** Pyodide's snapshot length in bytes. */
  size: number;
  /** 32 hex digits, random, made with the snapshot (older snapshots have none). */
  id?: string;
}

/** A wrapped snapshot's kept pages, read in place (for a saved state's base, state-base.ts). */
export interface KeptPages {
  /** The snapshot's id, if it has one. */
  id: string | undefined;
  /** Pyodide's snapshot length in bytes. */
  size: number;
  /** page index → its bytes as stored (XORed with the data segments), views into the wrapped bytes. */
  pages: Map<number, Uint8Array>;
}

const align16 = (n: number) => Math.ceil(n / 16) * 16;

/**
 * Pyodide's snapshot `body`, made with the wasm whose data segments are `segments`, wrapped for
 * storage. `body` is used up (overwritten with its difference from the segments).
 */
export function wrapSnapshot(key: SnapshotKey, body: Uint8Array, segments: readonly DataSegment[]): Uint8Array {
  xorSegments(body, segments);
  const pages = Math.ceil(body.length / PAGE);
  const map = new Uint8Array(Math.ceil(pages / 8));
  const kept: Uint8Array[] = [];
  for (let page = 0; page < pages; page++) {
    const bytes = body.subarray(page * PAGE, (page + 1) * PAGE);
    if (isZero(bytes)) continue;
    map[page >> 3] |= 1 << (page & 7);
    kept.push(bytes);
  }
  const id = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  const header = new TextEncoder().encode(JSON.stringify({ ...key, format: FORMAT, size: body.length, id } satisfies Header));
  const mapAt = align16(8 + header.length);
  const pagesAt = align16(mapAt + map.length);
  const out = new Uint8Array(pagesAt + kept.reduce((sum, bytes) => sum + bytes.length, 0));
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, header.length, true);
  out.set(header, 8);
  out.set(map, mapAt);
  let at = pagesAt;
  for (const bytes of kept) {
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

/** Returns Pyodide's snapshot made for `key` with the wasm whose data segments are `segments`, or a reason it cannot be used. */
export function unwrapSnapshot(
  key: SnapshotKey,
  bytes: Uint8Array,
  segments: readonly DataSegment[],
): { body: Uint8Array; id?: string } | { rejected: string } {
  const kept = keptPages(key, bytes);
  if ('rejected' in kept) return kept;
  const body = snapshotBody(imageOf(kept, segments));
  return kept.id ? { body, id: kept.id } : { body };
}

/**
 * The memory of a wrapped snapshot (its kept pages, zeros elsewhere, XOR the data segments it was
 * wrapped with) and Pyodide's header, read from the pages when the image is written (memory-image.ts).
 */
export function imageOf(kept: KeptPages, segments: readonly DataSegment[]): MemoryImage {
  const first = kept.pages.get(0);
  // A header that cannot be read is handed on as it is: Pyodide refuses it, and the boot says why.
  const memoryAt = first && first.length >= 8 ? Math.min(memoryStart(first), kept.size) : 0;
  const header = new Uint8Array(memoryAt);
  const length = kept.size - memoryAt;
  const bodyPages = (write: (page: Uint8Array, at: number) => void) => {
    for (const [page, data] of kept.pages) write(data, page * PAGE);
  };
  bodyPages((data, at) => {
    if (at < memoryAt) header.set(data.subarray(0, memoryAt - at), at);
  });
  return {
    header,
    length,
    writeInto(heap) {
      bodyPages((data, at) => {
        const skip = Math.max(0, memoryAt - at);
        if (skip < data.length) heap.set(data.subarray(skip), at + skip - memoryAt);
      });
      for (const { address, bytes } of segments) if (address < length) xorInto(heap, address, bytes, Math.min(bytes.length, length - address));
    },
  };
}

/** The pages a snapshot made for `key` keeps, as views into `bytes`, or a reason it cannot be used. */
export function keptPages(key: SnapshotKey, bytes: Uint8Array): KeptPages | { rejected: string } {
  if (bytes.length < 16 || MAGIC.some((b, i) => bytes[i] !== b)) return { rejected: 'not a sandbox snapshot' };
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
  if (8 + length > bytes.length) return { rejected: 'truncated header' };
  let header: Partial<Header>;
  try {
    // A copy: a decoder refuses a view of shared memory (thread-shared.ts).
    header = JSON.parse(new TextDecoder().decode(bytes.slice(8, 8 + length)));
  } catch {
    return { rejected: 'corrupt header' };
  }
  if (header.format !== FORMAT) return { rejected: `an older snapshot format (${header.format ?? 1})` };
  if (header.pyodideVersion !== key.pyodideVersion) return { rejected: `made by Pyodide ${header.pyodideVersion}, running ${key.pyodideVersion}` };
  if (header.sourceHash !== key.sourceHash) return { rejected: 'made for other sandbox sources' };
  const size = header.size;
  if (!Number.isSafeInteger(size) || (size as number) <= 0 || (size as number) > 2 ** 32) return { rejected: 'corrupt header' };
  const count = Math.ceil((size as number) / PAGE);
  const mapAt = align16(8 + length);
  const pagesAt = align16(mapAt + Math.ceil(count / 8));
  const map = bytes.subarray(mapAt, mapAt + Math.ceil(count / 8));
  const pages = new Map<number, Uint8Array>();
  let at = pagesAt;
  for (let page = 0; page < count; page++) {
    if (!(map[page >> 3] & (1 << (page & 7)))) continue;
    const next = at + Math.min(PAGE, (size as number) - page * PAGE);
    if (next > bytes.length) return { rejected: 'truncated' };
    pages.set(page, bytes.subarray(at, next));
    at = next;
  }
  if (at !== bytes.length) return { rejected: 'unexpected length' };
  const id = typeof header.id === 'string' && /^[0-9a-f]{32}$/.test(header.id) ? header.id : undefined;
  return { id, size: size as number, pages };
}

/**
 * XORs the data segments into the memory part of Pyodide's snapshot (its own header, which holds
 * the build id Pyodide checks, comes first and is left as it is). Its own inverse.
 */
export function xorSegments(body: Uint8Array, segments: readonly DataSegment[]): void {
  if (body.length < 8) return;
  const memoryAt = memoryStart(body);
  for (const { address, bytes } of segments) {
    const at = memoryAt + address;
    if (at < body.length) xorInto(body, at, bytes, Math.min(bytes.length, body.length - at));
  }
}

/** Where Pyodide's snapshot puts the wasm memory: its header is u32 magic, u32 this offset, ... */
export function memoryStart(body: Uint8Array): number {
  return new DataView(body.buffer, body.byteOffset).getUint32(4, true);
}

function isZero(bytes: Uint8Array): boolean {
  // Word-wise where aligned (Pyodide's snapshot is a fresh buffer), else byte-wise.
  const words = bytes.byteOffset % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2) : undefined;
  if (words) {
    for (let i = 0; i < words.length; i++) if (words[i]) return false;
    for (let i = words.length * 4; i < bytes.length; i++) if (bytes[i]) return false;
    return true;
  }
  for (let i = 0; i < bytes.length; i++) if (bytes[i]) return false;
  return true;
}
