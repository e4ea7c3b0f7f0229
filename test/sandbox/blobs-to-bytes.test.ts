import { describe, expect, test } from 'vitest';
import { blobsToBytes } from '../../src/sandbox/session/blobs-to-bytes.js';

describe('blobsToBytes (for a worker that cannot read Blobs)', () => {
  test('replaces every Blob in plain objects and arrays by its bytes, and lists their buffers to transfer', async () => {
    const { value, transfer } = await blobsToBytes({ runtime: { wasm: new Blob(['wasm']), lockFile: '{}' }, wheels: [new Blob(['whl'])], n: 1 });
    expect(value.runtime.wasm).toEqual(new Uint8Array(Buffer.from('wasm')));
    expect(value.wheels[0]).toEqual(new Uint8Array(Buffer.from('whl')));
    expect(value).toMatchObject({ runtime: { lockFile: '{}' }, n: 1 });
    expect(transfer).toEqual([(value.runtime.wasm as unknown as Uint8Array).buffer, (value.wheels[0] as unknown as Uint8Array).buffer]);
  });

  test('leaves other objects (bytes, class instances) as they are', async () => {
    const bytes = new Uint8Array([1, 2]);
    const date = new Date(0);
    const { value, transfer } = await blobsToBytes({ bytes, date });
    expect(value.bytes).toBe(bytes);
    expect(value.date).toBe(date);
    expect(transfer).toEqual([]);
  });
});
