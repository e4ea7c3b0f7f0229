/**
 * What a wasm module writes into its memory when it is instantiated: its active data segments
 * (CPython's static data: frozen modules, Unicode tables, type objects; 3.2 MB for Pyodide 314).
 * A memory snapshot holds them again, almost unchanged, so snapshot.ts stores the snapshot as its
 * difference from them: the same bytes compress to 30% less (5.2 → 3.7 MB gzipped).
 *
 * Only the section headers and the data section are read: from a Blob, by slices, so the 9.6 MB
 * module is never copied whole. Headers are read through a 64 KiB window: the sections before
 * the code section are small, so a stored Blob (read from disk) takes three reads, not twelve.
 */
/** Bytes that instantiation writes at `address` of memory 0. */
export interface DataSegment {
  address: number;
  bytes: Uint8Array;
}

const DATA_SECTION = 11;
const WINDOW = 65536;
const I32_CONST = 0x41;
const END = 0x0b;

/**
 * The module's active data segments with constant addresses, in order (a segment placed by a
 * global, in a relocatable module, is left out: its address is not known before instantiation).
 * Throws on a module that is not well formed.
 */
export async function dataSegments(wasm: Blob | Uint8Array): Promise<DataSegment[]> {
  const read = async (start: number, end: number) =>
    wasm instanceof Blob ? new Uint8Array(await wasm.slice(start, end).arrayBuffer()) : wasm.subarray(start, end);
  const size = wasm instanceof Blob ? wasm.size : wasm.length;
  let window = { start: 0, bytes: await read(0, Math.min(WINDOW, size)) };
  const head = window.bytes;
  if (head.length < 8 || head[0] !== 0 || head[1] !== 0x61 || head[2] !== 0x73 || head[3] !== 0x6d) throw new Error('not a WebAssembly module');
  const bytesAt = async (start: number, end: number) => {
    if (start < window.start || end > window.start + window.bytes.length) window = { start, bytes: await read(start, Math.min(start + WINDOW, size)) };
    return window.bytes.subarray(start - window.start, end - window.start);
  };
  let at = 8;
  while (at < size) {
    // A section: its id, then its length as an unsigned LEB128 of at most 5 bytes.
    const header = new Reader(await bytesAt(at, Math.min(at + 6, size)));
    const id = header.byte();
    const length = header.u32();
    const start = at + header.at;
    if (start + length > size) throw new Error('a wasm section runs past the end of the module');
    if (id === DATA_SECTION) return parseDataSection(await read(start, start + length));
    at = start + length;
  }
  return [];
}

/**
 * The same, from the module's bytes as they stream (a Deno worker's `fetch` of a file reads it
 * whole, where a Blob read by slices would hold all 9.6 MB): the data section is kept, the rest
 * passes through.
 */
export async function dataSegmentsOfStream(body: ReadableStream<Uint8Array>): Promise<DataSegment[]> {
  const input = new StreamInput(body.getReader());
  try {
    const head = await input.take(8);
    if (head.length < 8 || head[0] !== 0 || head[1] !== 0x61 || head[2] !== 0x73 || head[3] !== 0x6d) throw new Error('not a WebAssembly module');
    // Sections: an id, then a length as an unsigned LEB128 of at most 5 bytes.
    for (let id = await input.byte(); id !== undefined; id = await input.byte()) {
      const header: number[] = [];
      do header.push((await input.byte()) ?? 0);
      while (header[header.length - 1] & 0x80 && header.length < 5);
      const length = new Reader(new Uint8Array(header)).u32();
      if (id !== DATA_SECTION) {
        if ((await input.skip(length)) < length) throw new Error('a wasm section runs past the end of the module');
        continue;
      }
      const section = await input.take(length);
      if (section.length < length) throw new Error('a wasm section runs past the end of the module');
      return parseDataSection(section);
    }
    return [];
  } finally {
    input.cancel();
  }
}

/** A stream read in order: bytes taken (copied) or skipped. */
class StreamInput {
  private chunk: Uint8Array = new Uint8Array(0);
  private at = 0;
  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  /** Up to `n` bytes passed to `into` (fewer only at the end); returns how many. */
  private async pass(n: number, into?: Uint8Array): Promise<number> {
    let done = 0;
    while (done < n) {
      if (this.at === this.chunk.length) {
        const next = await this.reader.read();
        if (next.done) break;
        this.chunk = next.value;
        this.at = 0;
      }
      const k = Math.min(n - done, this.chunk.length - this.at);
      into?.set(this.chunk.subarray(this.at, this.at + k), done);
      done += k;
      this.at += k;
    }
    return done;
  }

  async take(n: number): Promise<Uint8Array> {
    const bytes = new Uint8Array(n);
    return bytes.subarray(0, await this.pass(n, bytes));
  }

  skip(n: number): Promise<number> {
    return this.pass(n);
  }

  /** The next byte, or undefined at the end. */
  async byte(): Promise<number | undefined> {
    return (await this.take(1))[0];
  }

  cancel(): void {
    void this.reader.cancel().catch(() => undefined);
  }
}

function parseDataSection(section: Uint8Array): DataSegment[] {
  const r = new Reader(section);
  const segments: DataSegment[] = [];
  for (let count = r.u32(); count > 0; count--) {
    const flags = r.u32();
    let address: number | undefined;
    if (flags === 0 || flags === 2) {
      const memory = flags === 2 ? r.u32() : 0;
      address = r.byte() === I32_CONST ? r.i32() >>> 0 : undefined;
      // Anything but `i32.const N; end` (a global's value) is skipped to its end.
      if (address === undefined || r.byte() !== END) {
        address = undefined;
        while (r.byte() !== END);
      }
      if (memory !== 0) address = undefined;
    } else if (flags !== 1) {
      throw new Error(`unknown data segment kind ${flags}`);
    }
    const length = r.u32();
    const bytes = r.bytes(length);
    if (address !== undefined) segments.push({ address, bytes });
  }
  return coalesced(segments);
}

/** Segments closer than this are read as one, the gap between them zeros. */
const MAX_GAP = 4096;

/**
 * `segments` with those that follow each other closely joined into one, the gap zeros: XORing a
 * snapshot with zeros changes nothing, so it means the same, and Pyodide's 14 579 segments (11 119
 * under 64 bytes) become a few hundred, each XORed a word at a time instead of a call each.
 * Overlapping ones (a later one overwrites an earlier) are left as they are.
 */
function coalesced(segments: DataSegment[]): DataSegment[] {
  const out: DataSegment[] = [];
  let group: DataSegment[] = [];
  const flush = () => {
    if (group.length === 1) out.push(group[0] as DataSegment);
    else if (group.length > 1) {
      const first = group[0] as DataSegment;
      const last = group[group.length - 1] as DataSegment;
      const bytes = new Uint8Array(last.address + last.bytes.length - first.address);
      for (const { address, bytes: part } of group) bytes.set(part, address - first.address);
      out.push({ address: first.address, bytes });
    }
    group = [];
  };
  for (const segment of segments) {
    const last = group[group.length - 1];
    const end = last ? last.address + last.bytes.length : 0;
    if (last && !(segment.address >= end && segment.address - end <= MAX_GAP)) flush();
    group.push(segment);
  }
  flush();
  return out;
}

class Reader {
  at = 0;
  constructor(private readonly data: Uint8Array) {}

  byte(): number {
    if (this.at >= this.data.length) throw new Error('a wasm section ends early');
    return this.data[this.at++];
  }

  u32(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      value += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return value;
    }
    throw new Error('a wasm LEB128 number is too long');
  }

  i32(): number {
    let value = 0;
    let shift = 0;
    let b: number;
    do {
      b = this.byte();
      value |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80 && shift < 35);
    if (b & 0x80) throw new Error('a wasm LEB128 number is too long');
    return shift < 32 && b & 0x40 ? value | (-1 << shift) : value;
  }

  bytes(length: number): Uint8Array {
    if (this.at + length > this.data.length) throw new Error('a wasm data segment runs past its section');
    this.at += length;
    return this.data.subarray(this.at - length, this.at);
  }
}
