/**
 * Voice mode: the microphone button opens a Gemini Live session on the widget's own sandbox (same
 * key, the `live-model` model). The microphone streams to the session, the model's audio plays,
 * and its transcribed words and code cells land in the same transcript as typed turns. When the
 * user speaks over the model (the server says `interrupted`) playback stops at once; a cell running
 * then is stopped by the session itself, on the server's `toolCallCancellation`. The page's
 * functions (`functions`) go to the session as they are when it starts: Live runs the code here, so
 * code-only ones are callable from its cells. The button, or Esc (escape-key.ts), ends the session.
 */
import type { GoogleGenAI } from '@google/genai';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { type LiveCodeExecution, type LiveCodeExecutionEvent, type LocalFunction, connectLiveCodeExecution } from '../../agent/index.js';
import type { PythonSandbox } from '../../sandbox/python-sandbox.js';
import type { Conversation } from '../state/conversation.js';
import type { ReadableError } from '../error-message.js';
import { type MicCapture, startMicCapture } from '../voice/mic-capture.js';
import { INPUT_MIME_TYPE } from '../voice/pcm.js';
import { Playback, type PlaybackStats } from '../voice/playback.js';
import { VoiceError } from '../voice/voice-errors.js';
import { VoiceTurns } from '../voice/voice-turns.js';

/** The Live model used when the `live-model` attribute is absent: today's audio Live model. */
export const DEFAULT_LIVE_MODEL = 'gemini-3.8-live';

/** What a voice session is doing; `off` when there is none. */
export type VoiceState = 'off' | 'connecting' | 'listening' | 'speaking' | 'running';

/** Most characters of a server's close reason shown in the transcript. */
const MAX_REASON_CHARS = 300;

const STATE_TEXT: Record<VoiceState, string> = {
  off: '',
  connecting: 'Connecting the voice session',
  listening: 'Listening',
  speaking: 'Gemini is speaking',
  running: 'Running code',
};

/** What the controller asks of the element. */
export interface VoiceHooks {
  /** The client to connect with: undefined without a key, or while a demo plays. */
  client(): GoogleGenAI | undefined;
  sandbox(): Promise<PythonSandbox>;
  /** The Live model (`live-model`). */
  model(): string;
  /** The page's functions (the element's `functions`), as a session starts. */
  functions(): readonly LocalFunction[];
  reportError(error: ReadableError): void;
}

export class VoiceController implements ReactiveController {
  state: VoiceState = 'off';
  private live: LiveCodeExecution | undefined;
  private mic: MicCapture | undefined;
  private playback: Playback | undefined;
  private turns: VoiceTurns | undefined;
  private running = 0;
  /** Counts sessions, so a start that ends while it awaits does not carry on. */
  private generation = 0;
  /** Kept after a session ends, for the page's tests (`data-audio-*`). */
  private lastStats: PlaybackStats = { played: 0, ended: 0, dropped: 0, interrupted: 0 };

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly conversation: Conversation,
    private readonly hooks: VoiceHooks,
  ) {
    host.addController(this);
  }

  /** What the status region says while a session is on (empty when off). */
  get statusText(): string {
    return STATE_TEXT[this.state];
  }

  /** Audio chunks played, dropped and cut off in this (or the last) session. */
  get stats(): PlaybackStats {
    return this.playback?.stats ?? this.lastStats;
  }

  hostConnected(): void {}

  /** A widget taken off the page lets go of the microphone. */
  hostDisconnected(): void {
    if (this.state !== 'off') this.end();
  }

  /** The button: starts a session, or ends the one that is on. */
  readonly toggle = (): void => {
    if (this.state === 'off') void this.start();
    else this.end();
  };

  async start(): Promise<void> {
    const client = this.hooks.client();
    if (!client) return this.hooks.reportError(new VoiceError('no-key').readable);
    if (typeof AudioContext !== 'function') return this.hooks.reportError(new VoiceError('no-audio-support').readable);
    const generation = ++this.generation;
    // Made while the click is handled: a context made after an await starts suspended (autoplay policy).
    this.playback = new Playback(new AudioContext(), () => this.refresh());
    this.turns = undefined;
    this.setState('connecting');
    try {
      this.mic = await startMicCapture((data) => this.sendAudio(data));
      if (generation !== this.generation) return;
      const sandbox = await this.hooks.sandbox();
      if (generation !== this.generation) return;
      const model = this.hooks.model();
      let live: LiveCodeExecution;
      try {
        const functions = [...this.hooks.functions()];
        const existingFiles = this.conversation.attachedFiles();
        live = await connectLiveCodeExecution({ ai: client, model, sandbox, functions, existingFiles, onEvent: (event) => this.onEvent(event) });
      } catch (error) {
        throw VoiceError.connectRefused(error, model);
      }
      if (generation !== this.generation) return live.close();
      this.live = live;
      this.turns = new VoiceTurns(this.conversation, () => live.getTranscript());
      this.refresh();
    } catch (error) {
      if (generation !== this.generation) return;
      this.end();
      this.hooks.reportError(
        error instanceof VoiceError
          ? error.readable
          : { title: 'The voice session could not start', detail: String((error as Error)?.message ?? error).slice(0, MAX_REASON_CHARS), retryable: false },
      );
    }
  }

  /** Ends the session: the microphone is released, playback stops, running code is stopped. */
  end(): void {
    this.generation++;
    const live = this.live;
    this.live = undefined;
    this.mic?.stop();
    this.mic = undefined;
    if (this.playback) {
      this.lastStats = this.playback.stats;
      this.playback.close();
      this.playback = undefined;
    }
    if (live && !live.isClosed) live.close();
    this.turns?.finish();
    this.turns = undefined;
    this.running = 0;
    this.setState('off');
  }

  private sendAudio(data: string): void {
    const live = this.live;
    if (!live || live.isClosed) return;
    try {
      live.sendRealtimeInput({ audio: { data, mimeType: INPUT_MIME_TYPE } });
    } catch {
      // The session ended between the check and the send: its `closed` event ends voice.
    }
  }

  private onEvent(event: LiveCodeExecutionEvent): void {
    // Events come during connect too (setup-complete), before `turns` exists; the transcript is read later.
    this.turns?.onEvent(event);
    switch (event.type) {
      case 'audio':
        this.playback?.enqueue(event.data, event.mimeType);
        break;
      case 'interrupted':
        // The user spoke over the model: silence it now. A running cell is cancelled by the server's toolCallCancellation.
        this.playback?.stop();
        break;
      case 'run-start':
        this.running++;
        break;
      case 'run-end':
      case 'call-cancelled':
        this.running = Math.max(0, this.running - 1);
        break;
      case 'closed':
        if (event.info.by !== 'client' && this.live) {
          const code = event.info.code === undefined ? '' : ` (${event.info.code})`;
          this.conversation.notice(`The voice session ended${code}: ${event.info.reason.slice(0, MAX_REASON_CHARS)}`);
          this.end();
        }
        return;
      default:
        break;
    }
    this.refresh();
  }

  /** The state from what is going on: code running wins over speech, speech over listening. */
  private refresh(): void {
    if (this.state === 'off' || (this.state === 'connecting' && !this.live)) return;
    this.setState(this.running > 0 ? 'running' : this.playback?.playing ? 'speaking' : 'listening');
  }

  private setState(state: VoiceState): void {
    this.state = state;
    this.host.requestUpdate();
  }
}
