/**
 * Microphone capture for voice: the default microphone, as 16 kHz 16-bit mono PCM in chunks of
 * about 100 ms, base64, ready for `sendRealtimeInput({ audio })`. An AudioWorklet taps the samples
 * (a page whose CSP refuses the worklet's blob: module gets a ScriptProcessor instead); they are
 * resampled from the context's rate here, since browsers refuse to connect a microphone to a
 * context running at another rate than the device's.
 */
import { Downsampler, INPUT_RATE, pcm16ToBase64 } from './pcm.js';
import { VoiceError } from './voice-errors.js';

/** Samples per chunk sent: 100 ms, the size Google's examples stream. */
const CHUNK_SAMPLES = INPUT_RATE / 10;

/** Posts each 128-sample block of the first channel to the page (copied: the engine reuses its buffers). */
const WORKLET_SOURCE = `registerProcessor('cec-mic-tap', class extends AudioWorkletProcessor {
  process(inputs) { const ch = inputs[0] && inputs[0][0]; if (ch) this.port.postMessage(ch.slice(0)); return true; }
});`;

/** A running capture; `stop()` releases the microphone. */
export interface MicCapture {
  stop(): void;
}

/**
 * Asks for the microphone and streams it to `onChunk` (base64 PCM16 at 16 kHz) until stopped.
 *
 * @throws {VoiceError} no `navigator.mediaDevices` (an insecure page), permission denied, no
 *   microphone, or one another app holds (its `reason` says which).
 */
export async function startMicCapture(onChunk: (base64: string) => void): Promise<MicCapture> {
  const devices = globalThis.navigator?.mediaDevices;
  if (typeof devices?.getUserMedia !== 'function') throw new VoiceError(globalThis.isSecureContext === false ? 'insecure-page' : 'no-audio-support');
  let stream: MediaStream;
  try {
    stream = await devices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true } });
  } catch (error) {
    throw VoiceError.fromMediaError(error);
  }
  const context = new AudioContext();
  const release = () => {
    for (const track of stream.getTracks()) track.stop();
    void context.close().catch(() => undefined);
  };
  try {
    await context.resume();
    const source = context.createMediaStreamSource(stream);
    const downsampler = new Downsampler(context.sampleRate);
    let pending = new Int16Array(CHUNK_SAMPLES);
    let filled = 0;
    const take = (block: Float32Array) => {
      const samples = downsampler.push(block);
      for (let i = 0; i < samples.length; ) {
        const n = Math.min(samples.length - i, CHUNK_SAMPLES - filled);
        pending.set(samples.subarray(i, i + n), filled);
        filled += n;
        i += n;
        if (filled === CHUNK_SAMPLES) {
          onChunk(pcm16ToBase64(pending));
          pending = new Int16Array(CHUNK_SAMPLES);
          filled = 0;
        }
      }
    };
    const tap = await workletTap(context, take).catch(() => scriptProcessorTap(context, take));
    source.connect(tap);
    return {
      stop() {
        source.disconnect();
        tap.disconnect();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

async function workletTap(context: AudioContext, take: (block: Float32Array) => void): Promise<AudioNode> {
  const url = URL.createObjectURL(new Blob([WORKLET_SOURCE], { type: 'text/javascript' }));
  try {
    await context.audioWorklet.addModule(url);
  } finally {
    URL.revokeObjectURL(url);
  }
  const node = new AudioWorkletNode(context, 'cec-mic-tap', { numberOfInputs: 1, numberOfOutputs: 0 });
  node.port.onmessage = (event: MessageEvent<Float32Array>) => take(event.data);
  return node;
}

/** The deprecated fallback: it runs on the main thread, but every browser still has it. */
function scriptProcessorTap(context: AudioContext, take: (block: Float32Array) => void): AudioNode {
  const node = context.createScriptProcessor(4096, 1, 1);
  node.onaudioprocess = (event) => take(event.inputBuffer.getChannelData(0).slice(0));
  // A ScriptProcessor only runs while connected to the destination; it writes silence there.
  node.connect(context.destination);
  return node;
}
