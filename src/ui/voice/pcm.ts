/**
 * PCM conversions for voice: the microphone's float samples (at the audio context's rate) to the
 * 16 kHz 16-bit little-endian mono the Live API takes, and the model's 16-bit PCM back to floats.
 * Pure functions, no audio APIs, so they are tested in Node.
 */

/** The rate the Live API takes microphone audio at. */
export const INPUT_RATE = 16_000;
/** The rate of the model's audio when its mime type does not say (`audio/pcm;rate=24000`). */
export const OUTPUT_RATE = 24_000;
/** The mime type of what {@link Downsampler} produces. */
export const INPUT_MIME_TYPE = `audio/pcm;rate=${INPUT_RATE}`;

/**
 * Turns float samples at `fromRate` into 16 kHz PCM16, across calls: each output sample averages
 * the input samples of its span (a box filter: enough against aliasing for speech, and cheap), and
 * the fraction of a span left at the end of one block is carried into the next.
 */
export class Downsampler {
  private readonly step: number;
  private position = 0;
  private sum = 0;
  private count = 0;

  constructor(fromRate: number) {
    if (!(fromRate >= INPUT_RATE)) throw new RangeError(`The audio context runs at ${fromRate} Hz; voice needs at least ${INPUT_RATE} Hz`);
    this.step = fromRate / INPUT_RATE;
  }

  /** The 16 kHz samples these input samples complete. */
  push(input: Float32Array): Int16Array {
    const out = new Int16Array(Math.ceil((input.length + this.count) / this.step) + 1);
    let written = 0;
    for (let i = 0; i < input.length; i++) {
      this.sum += input[i]!;
      this.count++;
      this.position++;
      if (this.position >= this.step) {
        this.position -= this.step;
        out[written++] = toInt16(this.sum / this.count);
        this.sum = 0;
        this.count = 0;
      }
    }
    return out.subarray(0, written);
  }
}

function toInt16(sample: number): number {
  const clamped = Math.max(-1, Math.min(1, Number.isFinite(sample) ? sample : 0));
  return clamped < 0 ? Math.round(clamped * 0x8000) : Math.round(clamped * 0x7fff);
}

/** Base64 of the samples' bytes (little-endian, as every browser's typed arrays are). */
export function pcm16ToBase64(samples: Int16Array): string {
  const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  let binary = '';
  // In slices: String.fromCharCode(...all) overflows the stack on long buffers.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * The float samples of base64 PCM16 from the server, or undefined when it is not base64 or is
 * longer than `maxBase64Chars` (the server is not trusted to send bounded chunks).
 */
export function base64ToFloat32(data: string, maxBase64Chars: number): Float32Array<ArrayBuffer> | undefined {
  if (typeof data !== 'string' || data.length > maxBase64Chars) return undefined;
  let binary: string;
  try {
    binary = atob(data);
  } catch {
    return undefined;
  }
  const count = binary.length >> 1;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const value = binary.charCodeAt(2 * i) | (binary.charCodeAt(2 * i + 1) << 8);
    out[i] = (value >= 0x8000 ? value - 0x10000 : value) / 0x8000;
  }
  return out;
}

/** The sample rate a PCM mime type names (`audio/pcm;rate=24000`), within what browsers play; else {@link OUTPUT_RATE}. */
export function rateOf(mimeType: unknown): number {
  const match = typeof mimeType === 'string' ? /rate=(\d{4,6})/.exec(mimeType) : null;
  const rate = match ? Number(match[1]) : OUTPUT_RATE;
  return rate >= 8_000 && rate <= 96_000 ? rate : OUTPUT_RATE;
}
