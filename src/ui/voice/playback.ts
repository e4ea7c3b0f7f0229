/**
 * Plays the model's audio: each 16-bit PCM chunk (24 kHz unless its mime type says otherwise) is
 * scheduled right after the previous one on one AudioContext, so the pieces join without gaps;
 * `stop()` silences what plays and drops what is queued at once (barge-in).
 */
import { base64ToFloat32, rateOf } from './pcm.js';

/**
 * Longest base64 chunk accepted: about 20 s of 24 kHz audio. The server is not trusted to send
 * bounded chunks; a longer one is dropped, not buffered.
 */
export const MAX_CHUNK_BASE64_CHARS = 1_300_000;
/** Most audio scheduled ahead of what plays; chunks beyond it are dropped (a flood is not queued without end). */
export const MAX_QUEUED_SECONDS = 60;

/** What playback has done, for the widget's state and for tests. */
export interface PlaybackStats {
  /** Chunks scheduled. */
  played: number;
  /** Chunks that played to their end (the queue advanced). */
  ended: number;
  /** Chunks dropped: too long, malformed, or beyond {@link MAX_QUEUED_SECONDS}. */
  dropped: number;
  /** Times `stop()` cut audio that was playing or queued. */
  interrupted: number;
}

export class Playback {
  readonly stats: PlaybackStats = { played: 0, ended: 0, dropped: 0, interrupted: 0 };
  private readonly sources = new Set<AudioBufferSourceNode>();
  /** When the queued audio ends, on the context's clock. */
  private endsAt = 0;

  /**
   * @param context Made by the caller while the user's click is being handled (browsers start a
   *   context made later suspended). Closed by {@link Playback.close}.
   * @param onChange Called when playing starts or ends (the widget says "Speaking").
   */
  constructor(
    private readonly context: AudioContext,
    private readonly onChange: () => void = () => undefined,
  ) {}

  /** True while audio plays or is queued. */
  get playing(): boolean {
    return this.sources.size > 0;
  }

  /** Queues one chunk (base64 PCM16) after what is queued. */
  enqueue(data: string, mimeType: string): void {
    const samples = base64ToFloat32(data, MAX_CHUNK_BASE64_CHARS);
    const now = this.context.currentTime;
    if (!samples || samples.length === 0 || Math.max(this.endsAt, now) - now > MAX_QUEUED_SECONDS) {
      this.stats.dropped++;
      return;
    }
    const buffer = this.context.createBuffer(1, samples.length, rateOf(mimeType));
    buffer.copyToChannel(samples, 0);
    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.context.destination);
    const wasPlaying = this.playing;
    source.onended = () => {
      this.stats.ended++;
      this.sources.delete(source);
      if (!this.playing) this.onChange();
    };
    this.sources.add(source);
    const at = Math.max(this.endsAt, now);
    source.start(at);
    this.endsAt = at + buffer.duration;
    this.stats.played++;
    if (!wasPlaying) this.onChange();
  }

  /** Silences what plays and drops what is queued. */
  stop(): void {
    if (this.sources.size > 0) this.stats.interrupted++;
    for (const source of this.sources) {
      source.onended = null;
      try {
        source.stop();
      } catch {
        // Already ended.
      }
    }
    this.sources.clear();
    this.endsAt = 0;
    this.onChange();
  }

  close(): void {
    this.stop();
    void this.context.close().catch(() => undefined);
  }
}
