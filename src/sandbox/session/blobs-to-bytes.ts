/**
 * For a worker that cannot read Blobs (WebKit's isolated worker is a data: worker, see
 * isolation-frame.ts): the host reads each Blob of a message and hands the bytes over instead,
 * transferred rather than copied.
 */

/** `value` with every Blob in it (in plain objects and arrays) replaced by its bytes, and the buffers to transfer. */
export async function blobsToBytes<T>(value: T): Promise<{ value: T; transfer: ArrayBuffer[] }> {
  const transfer: ArrayBuffer[] = [];
  const convert = async (v: unknown): Promise<unknown> => {
    if (v instanceof Blob) {
      const buffer = await v.arrayBuffer();
      transfer.push(buffer);
      return new Uint8Array(buffer);
    }
    if (Array.isArray(v)) return Promise.all(v.map(convert));
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(await Promise.all(Object.entries(v).map(async ([key, item]) => [key, await convert(item)])));
    }
    return v;
  };
  return { value: (await convert(value)) as T, transfer };
}
