/**
 * The voice mode's PCM conversions (src/ui/voice/pcm.ts): the microphone's floats at the context's
 * rate to 16 kHz PCM16, across blocks of any size; the server's base64 PCM16 back to floats, bounded;
 * the rate read from a mime type.
 */
import { describe, expect, it } from 'vitest';
import { Downsampler, base64ToFloat32, pcm16ToBase64, rateOf } from '../../src/ui/voice/pcm.js';

describe('Downsampler', () => {
  it('turns one second at 48 kHz, in 128-sample blocks, into 16,000 samples', () => {
    const down = new Downsampler(48_000);
    let total = 0;
    const block = new Float32Array(128).fill(0.5);
    for (let i = 0; i < 48_000 / 128; i++) total += down.push(block).length;
    expect(total).toBe(16_000);
  });

  it('keeps the count right at a rate that does not divide evenly (44.1 kHz)', () => {
    const down = new Downsampler(44_100);
    let total = 0;
    for (let i = 0; i < 100; i++) total += down.push(new Float32Array(441)).length;
    expect(Math.abs(total - 16_000)).toBeLessThanOrEqual(1);
  });

  it('clamps and scales to 16-bit, and treats NaN as silence', () => {
    const out = new Downsampler(16_000).push(Float32Array.from([1, -1, 2, -2, 0, Number.NaN]));
    expect([...out]).toEqual([32767, -32768, 32767, -32768, 0, 0]);
  });

  it('refuses a context slower than 16 kHz', () => {
    expect(() => new Downsampler(8_000)).toThrow(RangeError);
  });
});

describe('base64 PCM16', () => {
  it('round-trips through base64', () => {
    const samples = Int16Array.from([0, 16384, -16384, 32767, -32768]);
    const floats = base64ToFloat32(pcm16ToBase64(samples), 1_000)!;
    expect([...floats]).toEqual([0, 0.5, -0.5, 32767 / 32768, -1]);
  });

  it('drops what is too long or not base64 rather than buffering it', () => {
    expect(base64ToFloat32('A'.repeat(1_001), 1_000)).toBeUndefined();
    expect(base64ToFloat32('not base64!', 1_000)).toBeUndefined();
  });

  it('reads the rate from the mime type, within what browsers play', () => {
    expect(rateOf('audio/pcm;rate=24000')).toBe(24_000);
    expect(rateOf('audio/pcm;rate=16000')).toBe(16_000);
    expect(rateOf('audio/pcm')).toBe(24_000);
    expect(rateOf('audio/pcm;rate=999999')).toBe(24_000);
    expect(rateOf(undefined)).toBe(24_000);
  });
});
