/**
 * The connect config a Live session sends: the caller's, with the defaults that work on today's
 * audio-only Live models and the session's function declarations added to `tools`.
 */
import { type FunctionDeclaration, type LiveConnectConfig, Modality, type ToolListUnion } from '@google/genai';
import { RUN_PYTHON } from '../run-python/tool.js';

/**
 * Set unless the caller's config has the key (set to `undefined` to turn one off):
 * - AUDIO output: every current Live model refuses TEXT;
 * - input and output transcription: the only text an audio session has (the transcript and the
 *   `text` events are built from them);
 * - a sliding context window: without one an audio session ends at 15 minutes;
 * - session resumption: the handles that let a session outlive its ~10-minute connections.
 */
export const LIVE_DEFAULTS: Readonly<LiveConnectConfig> = {
  responseModalities: [Modality.AUDIO],
  inputAudioTranscription: {},
  outputAudioTranscription: {},
  contextWindowCompression: { slidingWindow: {} },
  sessionResumption: {},
};

/**
 * The caller's config with {@link LIVE_DEFAULTS} filled in and `declarations` added to `tools`
 * (a copy; the caller's object is not changed).
 *
 * @throws {TypeError} `config.tools` already declares `run_python`, or holds a CallableTool.
 */
export function liveConnectConfig(config: LiveConnectConfig, declarations: FunctionDeclaration[]): LiveConnectConfig {
  const tools: ToolListUnion = [...(config.tools ?? [])];
  if (tools.some((tool) => 'callTool' in tool))
    throw new TypeError('config.tools cannot hold a CallableTool here: pass local functions as functions: [{ declaration, handler }]');
  if (tools.some((tool) => 'functionDeclarations' in tool && tool.functionDeclarations?.some((fn) => fn.name === RUN_PYTHON))) {
    throw new TypeError(`"${RUN_PYTHON}" is declared by the session itself; give your function another name`);
  }
  tools.push({ functionDeclarations: declarations });
  const defaults = Object.fromEntries(
    Object.entries(LIVE_DEFAULTS)
      .filter(([key]) => !Object.hasOwn(config, key))
      .map(([key, value]) => [key, structuredClone(value)]),
  );
  return { ...defaults, ...config, tools };
}

/** Whether `config.tools` enables Gemini's own `codeExecution` (the model's code parts are then run by the server). */
export function serverRunsCode(config: LiveConnectConfig): boolean {
  return (config.tools ?? []).some((tool) => 'codeExecution' in tool && tool.codeExecution !== undefined);
}

/** Whether the config asks the server for resumption handles (a session without them cannot be resumed). */
export function wantsResumption(config: LiveConnectConfig): boolean {
  return typeof config.sessionResumption === 'object' && config.sessionResumption !== null;
}

/** The config of a reconnect: the same session, resumed from `handle`. */
export function resumeWith(config: LiveConnectConfig, handle: string): LiveConnectConfig {
  return { ...config, sessionResumption: { ...config.sessionResumption, handle } };
}
