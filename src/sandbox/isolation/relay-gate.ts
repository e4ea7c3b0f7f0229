/**
 * The gate every message from an untrusted worker passes before the host receives it: the Deno
 * relay's (deno-relay.ts) and the isolation frame's (isolation-frame.ts) both embed its source,
 * so it refers to nothing outside itself. The receiver decodes a message on its main thread (the
 * host parses the relay's JSON; the page deserializes the frame's structured clone), so the gate
 * measures what that will cost before it is sent on, and names what no honest worker sends. The worker posts plain data (objects, arrays, strings, numbers,
 * booleans, null) and bytes, so anything else is refused rather than measured: a sparse array
 * (each hole becomes a `null` the walk never sees), a Map, a Date, an Error, a BigInt.
 */

/**
 * The most bytes one message from the worker may carry. Honest messages with bytes are the boot's
 * snapshot (the memory of a fresh interpreter: 13 MB shipped, some tens of MB with more loaded)
 * and `readFile`'s answer (a file of the working directory); a run's files and images cross as
 * text, bounded by `maxMessageChars`. 128 MiB is a few times the snapshot and a file larger than
 * any the limits let a run return (`maxFileBytes`, 10 MiB by default). Through the Deno process a
 * message costs the host's main thread about 11 ms and 5 MB per MiB (129 MiB: 1.5 s, +650 MB;
 * 360 MiB: 11.8 s, +2.3 GB), so a larger one stops the worker, as `readFile` of a larger file
 * does (with `maxBytes` at most this, the worker refuses it instead).
 */
export const MAX_MESSAGE_BYTES = 128 * 1024 * 1024;

/** The bounds a message is measured against. */
export interface GateLimits {
  /** Text characters (each key, string and scalar counted), as the isolation frame counts them. */
  maxMessageChars: number;
  /** Bytes (ArrayBuffers and their views). */
  maxMessageBytes: number;
}

/** Why `data` must not cross to the host (the worker is stopped), or undefined when it may. */
export function gateRefusal(data: unknown, limits: GateLimits): string | undefined {
  const tooMany = `a message of more than ${limits.maxMessageChars} characters`;
  const stack: unknown[] = [data];
  let chars = 0;
  let bytes = 0;
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') chars += value.length;
    else if (typeof value === 'bigint') return 'a BigInt, which JSON cannot carry';
    else if (value === null || typeof value !== 'object') chars += 1;
    else if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
      // A view crosses with its whole buffer.
      bytes += ArrayBuffer.isView(value) ? value.buffer.byteLength : value.byteLength;
      if (bytes > limits.maxMessageBytes) return `a message of more than ${limits.maxMessageBytes} bytes`;
    } else if (Array.isArray(value)) {
      if (Object.getPrototypeOf(value) !== Array.prototype) return 'an array of another kind';
      // Counted before walked: each element costs at least its comma, holes included.
      chars += value.length + 1;
      if (chars > limits.maxMessageChars) return tooMany;
      for (let i = 0; i < value.length; i++) {
        if (!(i in value)) return 'a sparse array';
        stack.push(value[i]);
      }
    } else {
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) {
        const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
        return `an object that is not plain data (${typeof name === 'string' ? name : 'unknown'})`;
      }
      for (const key of Object.keys(value)) {
        chars += key.length + 1;
        stack.push((value as Record<string, unknown>)[key]);
        if (chars > limits.maxMessageChars) return tooMany;
      }
    }
    if (chars > limits.maxMessageChars) return tooMany;
  }
  return undefined;
}
