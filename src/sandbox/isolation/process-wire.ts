/**
 * How the sandbox's messages cross a process boundary (the Deno process, deno-process.ts): JSON
 * text, with bytes as base64 under a tag no honest message uses. A pipe carries no MessagePorts,
 * Blobs or transfers; everything the protocol sends is plain data and bytes (a host Blob is read
 * to bytes first, as for WebKit's worker: blobs-to-bytes.ts).
 *
 * `wireCodec` refers to nothing outside itself: the Deno relay embeds its source
 * (`wireCodec.toString()`), so both ends share one codec.
 */
export function wireCodec(): { encode(value: unknown): string; decode(text: string): unknown } {
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
  return {
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
