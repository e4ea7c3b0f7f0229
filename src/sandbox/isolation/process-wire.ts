/**
 * The codec of the process boundary. `encode`/`decode`: one message as one text. `split`: a
 * message as its text and the parts to send before it, its bytes over a megabyte ('bytes-start'
 * with their length, then 'bytes' of a megabyte's base64 each); `assembler`: the receiving end,
 * which takes the parts (refusing more than `maxBytes` per message, or parts out of order) and
 * then decodes the message with its bytes in place, handing back their buffers to transfer.
 */
export interface WireCodec {
  encode(value: unknown): string;
  decode(text: string): unknown;
  split(value: unknown): { text: string; parted: boolean; parts: () => Generator<unknown[]> };
  assembler(maxBytes: number): {
    /** Takes a 'bytes-start' or 'bytes' part; returns why it is refused, or undefined. */
    take(message: unknown[]): string | undefined;
    /** The message `text` with the bytes taken before it; the buffers it holds, to transfer. */
    decode(text: string): { value: unknown; transfer: ArrayBuffer[] };
  };
}

/**
 * How the sandbox's messages cross a process boundary (the Deno process, deno-process.ts): JSON
 * text, with bytes as base64 under a tag no honest message uses. A pipe carries no MessagePorts,
 * Blobs or transfers; everything the protocol sends is plain data and bytes (a host Blob is read
 * to bytes first, as for WebKit's worker: blobs-to-bytes.ts).
 *
 * `wireCodec` refers to nothing outside itself: the Deno relay embeds its source
 * (`wireCodec.toString()`), so both ends share one codec.
 */
export function wireCodec(): WireCodec {
  const TAG = '\u0000bytes';
  const toBase64 = (bytes: Uint8Array): string => {
    const native = (bytes as Uint8Array & { toBase64?: () => string }).toBase64;
    if (native) return native.call(bytes);
    // Node before 25 has neither: its Buffer is the fast way there.
    const buffer = (globalThis as { Buffer?: { from(b: ArrayBufferLike, o: number, l: number): { toString(e: string): string } } }).Buffer;
    if (buffer) return buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  };
  const fromBase64 = (text: string): Uint8Array<ArrayBuffer> => {
    const native = (Uint8Array as unknown as { fromBase64?: (text: string) => Uint8Array<ArrayBuffer> }).fromBase64;
    if (native) return native(text);
    const buffer = (globalThis as { Buffer?: { from(t: string, e: string): Uint8Array } }).Buffer;
    if (buffer) {
      const decoded = buffer.from(text, 'base64');
      return new Uint8Array(decoded.buffer.slice(decoded.byteOffset, decoded.byteOffset + decoded.byteLength) as ArrayBuffer);
    }
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  };
  const PART_TAG = '\u0000part';
  // Bytes over a megabyte go as parts of their own ahead of the message that names them, so
  // neither end parses one string of hundreds of megabytes at once (a 100 MB saved interpreter
  // paused the host's event loop 1.9 s inside Node's IPC and our decode).
  const PART_BYTES = 2 ** 20;
  const MAX_PART_CHARS = Math.ceil(PART_BYTES / 3) * 4;
  const viewOf = (v: unknown): Uint8Array | undefined =>
    v instanceof ArrayBuffer ? new Uint8Array(v) : ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : undefined;
  const split = (value: unknown) => {
    const big: { bytes: Uint8Array; buffer: boolean }[] = [];
    const text = JSON.stringify(value, (_key, v: unknown) => {
      const view = viewOf(v);
      if (view && view.byteLength > PART_BYTES) {
        big.push({ bytes: view, buffer: v instanceof ArrayBuffer });
        return { [PART_TAG]: big.length - 1 };
      }
      if (view) return v instanceof ArrayBuffer ? { [TAG]: toBase64(view), buffer: true } : { [TAG]: toBase64(view) };
      if (typeof Blob !== 'undefined' && v instanceof Blob) throw new TypeError('a Blob cannot cross a process boundary');
      return v;
    });
    function* parts(): Generator<unknown[]> {
      for (const { bytes, buffer } of big) {
        yield ['bytes-start', bytes.byteLength, buffer];
        for (let at = 0; at < bytes.byteLength; at += PART_BYTES) yield ['bytes', toBase64(bytes.subarray(at, at + PART_BYTES))];
      }
    }
    return { text, parted: big.length > 0, parts };
  };
  const assembler = (maxBytes: number) => {
    let done: (Uint8Array<ArrayBuffer> | ArrayBuffer)[] = [];
    let current: { bytes: Uint8Array<ArrayBuffer>; at: number; buffer: boolean } | undefined;
    let total = 0;
    return {
      take(message: unknown[]): string | undefined {
        if (message[0] === 'bytes-start') {
          const length = message[1];
          if (current || typeof length !== 'number' || !Number.isSafeInteger(length) || length <= 0 || total + length > maxBytes)
            return `bytes past the ${maxBytes} a message may carry`;
          total += length;
          current = { bytes: new Uint8Array(length), at: 0, buffer: message[2] === true };
          return undefined;
        }
        const text = message[1];
        if (!current || typeof text !== 'string' || text.length > MAX_PART_CHARS) return 'bytes out of order';
        const piece = fromBase64(text);
        if (current.at + piece.length > current.bytes.length) return 'more bytes than it announced';
        current.bytes.set(piece, current.at);
        current.at += piece.length;
        if (current.at === current.bytes.length) {
          done.push(current.buffer ? current.bytes.buffer : current.bytes);
          current = undefined;
        }
        return undefined;
      },
      decode(text: string): { value: unknown; transfer: ArrayBuffer[] } {
        const parts = done;
        const whole = current === undefined;
        done = [];
        current = undefined;
        total = 0;
        if (!whole) throw new TypeError('a message before all of its bytes');
        const value = JSON.parse(text, (_key, v: unknown) => {
          if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
          const part = (v as Record<string, unknown>)[PART_TAG];
          if (typeof part === 'number') {
            if (!(part in parts)) throw new TypeError('a message naming bytes it did not send');
            return parts[part];
          }
          if (typeof (v as Record<string, unknown>)[TAG] !== 'string') return v;
          const bytes = fromBase64((v as Record<string, string>)[TAG]);
          return (v as { buffer?: unknown }).buffer === true ? bytes.buffer : bytes;
        });
        return { value, transfer: parts.map((part) => (part instanceof ArrayBuffer ? part : part.buffer)) };
      },
    };
  };
  return {
    split,
    assembler,
    encode: (value) =>
      JSON.stringify(value, (_key, v: unknown) => {
        if (v instanceof ArrayBuffer) return { [TAG]: toBase64(new Uint8Array(v)), buffer: true };
        if (ArrayBuffer.isView(v)) return { [TAG]: toBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
        if (typeof Blob !== 'undefined' && v instanceof Blob) throw new TypeError('a Blob cannot cross a process boundary');
        return v;
      }),
    decode: (text) =>
      JSON.parse(text, (_key, v: unknown) => {
        if (v === null || typeof v !== 'object' || Array.isArray(v) || typeof (v as Record<string, unknown>)[TAG] !== 'string') return v;
        const bytes = fromBase64((v as Record<string, string>)[TAG]);
        return (v as { buffer?: unknown }).buffer === true ? bytes.buffer : bytes;
      }),
  };
}
