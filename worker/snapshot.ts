/**
 * Memory snapshots of a booted interpreter (Pyodide's experimental `_makeSnapshot` /
 * `_loadSnapshot`). A snapshot only fits the exact Pyodide build and our own Python sources, so
 * each carries a header naming both; a mismatch or any restore failure means a normal boot.
 *
 * Layout: "PSBX" | u32 header length | JSON header | zero padding to 16 bytes | Pyodide's bytes.
 * (Pyodide reads its part as a Uint32Array, so it must start 4-byte aligned.)
 */
const MAGIC = [0x50, 0x53, 0x42, 0x58]; // "PSBX"

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

export function wrapSnapshot(key: SnapshotKey, body: Uint8Array): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify(key));
  const offset = Math.ceil((8 + header.length) / 16) * 16;
  const out = new Uint8Array(offset + body.length);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, header.length, true);
  out.set(header, 8);
  out.set(body, offset);
  return out;
}

/** Returns Pyodide's part of a snapshot made for `key`, or a reason it cannot be used. */
export function unwrapSnapshot(key: SnapshotKey, bytes: Uint8Array): { body: Uint8Array } | { rejected: string } {
  if (bytes.length < 16 || MAGIC.some((b, i) => bytes[i] !== b)) return { rejected: 'not a sandbox snapshot' };
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
  if (8 + length > bytes.length) return { rejected: 'truncated header' };
  let header: Partial<SnapshotKey>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
  } catch {
    return { rejected: 'corrupt header' };
  }
  if (header.pyodideVersion !== key.pyodideVersion) return { rejected: `made by Pyodide ${header.pyodideVersion}, running ${key.pyodideVersion}` };
  if (header.sourceHash !== key.sourceHash) return { rejected: 'made for other sandbox sources' };
  const offset = Math.ceil((8 + length) / 16) * 16;
  // A view, not a copy (31 MB): Pyodide reads it through byteOffset, which is 16-byte aligned.
  return { body: bytes.subarray(offset) };
}
