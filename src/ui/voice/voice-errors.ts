/**
 * What can stop voice from starting, as readable errors the transcript shows: the page is not a
 * secure context, the browser has no audio capture, the microphone is refused, missing or busy,
 * or the Live API refused the key or the model.
 */
import type { ReadableError } from '../error-message.js';

export type VoiceErrorReason = 'insecure-page' | 'no-audio-support' | 'permission-denied' | 'no-microphone' | 'microphone-busy' | 'no-key' | 'connect-refused';

/** Most characters of the server's close reason shown (it is the server's text, not ours). */
const MAX_REASON_CHARS = 300;

const TEXTS: Record<VoiceErrorReason, Omit<ReadableError, 'retryable'>> = {
  'insecure-page': {
    title: 'Voice needs a secure page',
    detail: 'Browsers give the microphone only to pages served over HTTPS (or from localhost). Open this page over HTTPS to talk.',
  },
  'no-audio-support': { title: 'This browser cannot record audio', detail: 'It has no microphone access (navigator.mediaDevices). Type your message instead.' },
  'permission-denied': {
    title: 'Microphone access was denied',
    detail: "Allow the microphone for this site in the browser's address bar or settings, then press the microphone button again.",
  },
  'no-microphone': {
    title: 'No microphone found',
    detail: 'Connect a microphone (or pick one in your system settings), then press the microphone button again.',
  },
  'microphone-busy': { title: 'The microphone could not be opened', detail: 'Another application may be using it. Close it, then try again.' },
  'no-key': {
    title: 'Add a Gemini API key to talk',
    detail: 'Voice connects to the Gemini Live API with your key. Enter it in Settings (recorded demos have no voice).',
  },
  'connect-refused': { title: 'The voice session could not start', detail: '' },
};

export class VoiceError extends Error {
  override readonly name = 'VoiceError';
  readonly readable: ReadableError;

  constructor(
    readonly reason: VoiceErrorReason,
    detail?: string,
  ) {
    const text = TEXTS[reason];
    super(`${text.title}. ${detail ?? text.detail}`);
    this.readable = { title: text.title, detail: detail ?? text.detail, retryable: false, ...(reason === 'no-key' && { fix: 'api-key' as const }) };
  }

  /** A `getUserMedia` rejection, by its DOMException name. */
  static fromMediaError(error: unknown): VoiceError {
    const name = (error as { name?: unknown } | undefined)?.name;
    if (name === 'NotAllowedError' || name === 'SecurityError') return new VoiceError('permission-denied');
    if (name === 'NotFoundError' || name === 'OverconstrainedError') return new VoiceError('no-microphone');
    return new VoiceError('microphone-busy', `${TEXTS['microphone-busy'].detail} (${String((error as Error)?.message ?? error).slice(0, MAX_REASON_CHARS)})`);
  }

  /** The Live server refused the session (a key without Live access, an unknown model…): its reason, bounded. */
  static connectRefused(error: unknown, model: string): VoiceError {
    const message = String((error as Error)?.message ?? error).slice(0, MAX_REASON_CHARS);
    return new VoiceError(
      'connect-refused',
      `${message} Check that your key has access to the Live API and to the model ${model.slice(0, 100)} (the live-model attribute).`,
    );
  }
}
