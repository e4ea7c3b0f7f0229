/**
 * The boot snapshot a saved state is stored against. An interpreter restored from a snapshot
 * keeps most of its memory as the snapshot left it, and a cell changes a few megabytes of it: a
 * save keeps only the 4 KiB pages that differ from the snapshot's, XORed with it (mostly zeros),
 * so an idle session's save gzips to a hundred kilobytes in a few milliseconds (its 16 MB of
 * non-zero pages took 190 ms as they were). The restore starts from the snapshot's memory and
 * XORs the pages back, so it needs the very same snapshot: the save names it by its id (snapshot.ts).
 *
 * The base is read in place from the wrapped snapshot's kept pages (no second copy of the
 * memory): the snapshot's memory is those pages, zeros elsewhere, XOR the wasm's data segments;
 * only the pages the segments touch are copied, with the segments XORed in.
 */
import { xorInto } from '../../src/shared/memory/bytes.js';
import type { SavedInterpreter } from '../../src/shared/protocol.js';
import { type KeptPages, memoryStart } from './snapshot.js';
import type { DataSegment } from '../../src/shared/memory/wasm-data.js';
import type { BaseMemory, MemoryImage } from './memory-image.js';

const PAGE = 65536;
/** The save's unit: a heap chunk whose difference is all zeros is not written (the format's pages, src/shared/memory/saved-state-format.ts, are as small). */
const CHUNK = 4096;

export class StateBase implements BaseMemory {
  /** Where the snapshot's wasm memory starts (Pyodide's own header comes first). */
  private readonly memoryAt: number;
  /** By page of the snapshot: its bytes (the memory itself, segments included; 4-byte aligned), or undefined for zeros. Made at first use: most boots never save. */
  private made: (Uint8Array | undefined)[] | undefined;

  /** `kept`: a snapshot's pages (snapshot.ts `keptPages`), which must have an id; `segments`: the data segments it was wrapped with. */
  constructor(
    private readonly kept: KeptPages & { id: string },
    private readonly segments: readonly DataSegment[],
  ) {
    const first = kept.pages.get(0);
    if (!first || first.length < 8) throw new Error('the snapshot has no header page');
    this.memoryAt = memoryStart(first);
  }

  /** The snapshot's memory in bytes. */
  get length(): number {
    return this.kept.size - this.memoryAt;
  }

  private get pages(): (Uint8Array | undefined)[] {
    this.made ??= this.makePages();
    return this.made;
  }

  private makePages(): (Uint8Array | undefined)[] {
    const { kept, segments } = this;
    const own = new Map<number, Uint8Array>();
    for (const { address, bytes } of segments) {
      for (let at = this.memoryAt + address; at < Math.min(this.memoryAt + address + bytes.length, kept.size); at = (Math.floor(at / PAGE) + 1) * PAGE) {
        const page = Math.floor(at / PAGE);
        let copy = own.get(page);
        if (!copy) {
          copy = new Uint8Array(PAGE);
          const stored = kept.pages.get(page);
          if (stored) copy.set(stored);
          own.set(page, copy);
        }
        const end = Math.min((page + 1) * PAGE, this.memoryAt + address + bytes.length, kept.size);
        xorInto(copy, at - page * PAGE, bytes.subarray(at - this.memoryAt - address), end - at);
      }
    }
    const pages: (Uint8Array | undefined)[] = [];
    for (const [page, bytes] of kept.pages) pages[page] = aligned(own.get(page) ?? bytes);
    for (const [page, bytes] of own) pages[page] = bytes;
    return pages;
  }

  /** The snapshot's id, which a save names. */
  get id(): string {
    return this.kept.id;
  }

  /** Whether `bytes` from `start` to `end` (heap addresses) are the snapshot's. */
  sameAsBase(bytes: Uint8Array, start: number, end: number): boolean {
    let same = true;
    this.eachPart(start, end, (from, to, page, pageAt) => {
      same &&= equalBytes(bytes.subarray(from, to), page ? page.subarray(pageAt, pageAt + to - from) : ZEROS.subarray(0, to - from));
    });
    return same;
  }

  /** Heap addresses `start` to `end` cut where the snapshot's pages end: each part with its page (undefined: zeros) and where in it the part starts. */
  eachPart(start: number, end: number, part: (from: number, to: number, page: Uint8Array | undefined, pageAt: number) => void): void {
    for (let from = start; from < end; ) {
      const offset = from + this.memoryAt;
      const index = Math.floor(offset / PAGE);
      const to = Math.min(end, (index + 1) * PAGE - this.memoryAt);
      const page = this.pages[index];
      // The last page may be short: past its end the snapshot is zeros.
      const pageAt = offset - index * PAGE;
      const within = page ? Math.min(to, from + Math.max(0, page.length - pageAt)) : from;
      if (within > from) part(from, within, page, pageAt);
      if (to > within) part(within, to, undefined, 0);
      from = to;
    }
  }

  /** Writes this snapshot's memory, its first `length` bytes, into `out` from `at` (a fresh buffer: zeros where it has none). */
  copyInto(out: Uint8Array, at: number, length: number): void {
    this.pages.forEach((page, index) => {
      if (!page) return;
      // The snapshot's page `index` holds its memory from `from` (past its own header) to `to`.
      const from = Math.max(index * PAGE, this.memoryAt);
      const to = Math.min(index * PAGE + page.length, this.memoryAt + length);
      if (to > from) out.set(page.subarray(from - index * PAGE, to - index * PAGE), at + from - this.memoryAt);
    });
  }
}

/**
 * `heap`'s 4 KiB pages that are not all zeros, or with a `base` that differ from it (XORed with
 * it), in order, and the map of which they are (`SavedInterpreter`): one pass of comparisons (native
 * where there is a `Buffer`), then only the pages kept are read again and copied.
 */
export function pagesOf(heap: Int8Array, base?: StateBase): { pageMap: Uint8Array; pages: Uint8Array } {
  if (heap.byteOffset % 4 !== 0) throw new Error('unaligned memory');
  const bytes = new Uint8Array(heap.buffer, heap.byteOffset, heap.length);
  const count = Math.ceil(heap.length / CHUNK);
  const pageMap = new Uint8Array(Math.ceil(count / 8));
  const same = base
    ? (start: number, end: number) => base.sameAsBase(bytes, start, end)
    : (start: number, end: number) => equalBytes(bytes.subarray(start, end), ZEROS.subarray(0, end - start));
  let kept = 0;
  for (let start = 0; start < heap.length; start += CHUNK) {
    // Most pages are as the snapshot left them (or zeros): one comparison skips sixteen.
    if (start % PAGE === 0 && same(start, Math.min(start + PAGE, heap.length))) {
      start += PAGE - CHUNK;
      continue;
    }
    const end = Math.min(start + CHUNK, heap.length);
    if (same(start, end)) continue;
    const page = start / CHUNK;
    pageMap[page >> 3] |= 1 << (page & 7);
    kept += end - start;
  }
  const pages = new Uint8Array(kept);
  let at = 0;
  for (let page = 0; page < count; page++) {
    if (!(pageMap[page >> 3] & (1 << (page & 7)))) continue;
    const start = page * CHUNK;
    const end = Math.min(start + CHUNK, heap.length);
    if (!base) pages.set(bytes.subarray(start, end), at);
    else
      base.eachPart(start, end, (from, to, basePage, pageAt) => {
        pages.set(bytes.subarray(from, to), at + from - start);
        if (basePage) xorInto(pages, at + from - start, basePage.subarray(pageAt), to - from);
      });
    at += end - start;
  }
  return { pageMap, pages };
}

/**
 * The memory of a saved interpreter (what `pagesOf` took, unpacked), for a restore (memory-image.ts):
 * the base's where given, with each kept page written (XORed) over it.
 */
export function savedImage(saved: Pick<SavedInterpreter, 'header' | 'memoryBytes' | 'pageMap' | 'pages'>, base?: StateBase): MemoryImage {
  const { memoryBytes, pageMap, pages } = saved;
  /** The saved pages into `heap`: XORed onto the base's memory there, or (no base) onto zeros. */
  const writeChanges = (heap: Uint8Array) => {
    let at = 0;
    for (let page = 0; page * CHUNK < memoryBytes; page++) {
      if (!(pageMap[page >> 3] & (1 << (page & 7)))) continue;
      const length = Math.min(CHUNK, memoryBytes - page * CHUNK);
      if (at + length > pages.length) throw new Error('the saved pages are fewer than the page map says');
      if (base) xorInto(heap, page * CHUNK, pages.subarray(at, at + length), length);
      else heap.set(pages.subarray(at, at + length), page * CHUNK);
      at += length;
    }
  };
  return {
    // A buffer of its own: Pyodide reads it as a Uint32Array, so it must be aligned.
    header: saved.header.slice(),
    length: memoryBytes,
    writeInto(heap) {
      base?.copyInto(heap, 0, memoryBytes);
      writeChanges(heap);
    },
    overBase: base && { base, writeChanges },
  };
}

/** `bytes`, or a copy of them where they do not start on a 4-byte boundary. */
function aligned(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
}

const ZEROS = new Uint8Array(PAGE);

type NativeCompare = (a: Uint8Array, b: Uint8Array) => number;
/** Node's and Deno's `Buffer.compare` (memcmp) where there is one: a JavaScript loop over 30 MB is slow on its first run, before it is compiled. */
const nativeCompare = (globalThis as { Buffer?: { compare: NativeCompare } }).Buffer?.compare;

/** Whether `a` and `b` (aligned, the same length) hold the same bytes. */
function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (nativeCompare) return nativeCompare(a, b) === 0;
  const words = a.length >> 2;
  const x = new Int32Array(a.buffer, a.byteOffset, words);
  const y = new Int32Array(b.buffer, b.byteOffset, words);
  for (let i = 0; i < words; i++) if (x[i] !== y[i]) return false;
  for (let i = words * 4; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
