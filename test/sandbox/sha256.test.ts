/**
 * The SHA-256 the saved state's checksum uses where there is no Web Crypto (a worker of the
 * isolation frame: its opaque origin is not a secure context) agrees with Node's at every length
 * around a block's padding boundary.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, expect, test } from 'vitest';
import { sha256Hex } from '../../src/shared/memory/bytes.js';

const webCrypto = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
afterEach(() => {
  if (webCrypto) Object.defineProperty(globalThis, 'crypto', webCrypto);
});

test('without Web Crypto, sha256Hex computes the same digests as node:crypto', async () => {
  const inputs = [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 65_537].map((length) => randomBytes(length));
  Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
  for (const input of inputs) {
    // A view into a larger buffer, as the saved state's payload is.
    const padded = new Uint8Array(input.length + 7);
    padded.set(input, 3);
    expect(await sha256Hex(padded.subarray(3, 3 + input.length))).toBe(createHash('sha256').update(input).digest('hex'));
  }
});
