/**
 * Base64 as the worker sends it (file contents in `RunResult.files`, images) and recordings hold it.
 * The worker is untrusted, so the host checks before it decodes, and decodes without a per-byte
 * callback (`Uint8Array.from(str, fn)` took 3.5 s for 25 MB, stalling the page).
 */

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Whether `text` is standard, padded base64 (linear time: about 3 ms per MB). */
export function isBase64(text: string): boolean {
  return text.length % 4 === 0 && BASE64.test(text);
}

/** How many bytes a valid base64 string decodes to, without decoding it. */
export function base64Size(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}

/** How long the base64 text of `bytes` bytes is. */
export function base64Length(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

type FromBase64 = (text: string) => Uint8Array<ArrayBuffer>;

/** The bytes of a base64 string. Throws on text that is not base64. */
export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  // Native where the engine has it (Chrome 140, Firefox 133, Safari 18.2).
  const native = (Uint8Array as unknown as { fromBase64?: FromBase64 }).fromBase64;
  if (native) return native(base64);
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
