/**
 * Zeroes the C heap's free memory before a snapshot is taken. A snapshot is the interpreter's
 * whole linear memory, and the boot leaves about 5 MB of freed-but-dirty malloc chunks in it:
 * zeroed, they compress away (the shipped snapshot: 6.20 → 5.18 MB gzipped, 16% less to
 * download on a first visit), and all-zero pages are not stored at all (snapshot.ts).
 *
 * How: take every free chunk malloc can hand out without moving the program break (so memory
 * never grows), largest sizes first, fill it with zeros, then give all of it back. malloc's own
 * bookkeeping is untouched; the heap afterwards is the same heap with zeroed free space. The
 * interpreter's garbage is collected first, so what it freed is zeroed too. Python's small-object
 * pools keep their own free blocks, which stay as they are.
 */

/** The parts of Pyodide's Emscripten module this needs. */
export interface CHeap {
  _malloc(size: number): number;
  _free(pointer: number): void;
  _sbrk(increment: number): number;
  HEAPU8: Uint8Array;
}

const LARGEST = 1 << 20;
const SMALLEST = 16;

/** Zeroes the free chunks of `heap` below the program break; returns how many bytes it zeroed. */
export function zeroFreeMemory(heap: CHeap): number {
  const taken: number[] = [];
  let zeroed = 0;
  try {
    for (let size = LARGEST; size >= SMALLEST; size >>= 1) {
      for (;;) {
        const brk = heap._sbrk(0);
        const pointer = heap._malloc(size);
        if (!pointer) break;
        if (heap._sbrk(0) !== brk) {
          // That one came from new memory: give it back, and try smaller sizes.
          heap._free(pointer);
          break;
        }
        // Read HEAPU8 each time: a view is replaced if memory ever grows.
        heap.HEAPU8.fill(0, pointer, pointer + size);
        taken.push(pointer);
        zeroed += size;
      }
    }
  } finally {
    for (const pointer of taken) heap._free(pointer);
  }
  return zeroed;
}
