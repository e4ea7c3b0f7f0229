/** The bytes of a base64 string (file contents in `RunResult.files`, `inlineData`, recordings). */
export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}
