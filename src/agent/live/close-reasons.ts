/**
 * What a Live socket's close means: a reason the app can act on for the closes whose server text
 * is cryptic, and whether reconnecting with a resumption handle can help.
 */
import { GEMINI_API_VERSION } from '../setup.js';

/** Longest close reason kept (the server's text is not trusted to be short). */
const MAX_REASON_CHARS = 1_000;

/**
 * Known server close texts and what to do about them. Matched on the text, since 1007 (invalid
 * frame payload) is what the service closes with for every setup it refuses.
 */
const EXPLAINED: readonly { match: RegExp; why: string }[] = [
  {
    match: /response modalit(y|ies) \(TEXT\) is not supported/i,
    why: 'Current Live models (gemini-3.8-live, gemini-3.1-flash-live-preview, the 2.5 native-audio models) answer in audio only: leave responseModalities unset (AUDIO is the default here) and read the words from the output transcription (text events, on by default).',
  },
  {
    match: /code execution tool is not supported/i,
    why: 'Live models do not run code on the server: remove { codeExecution: {} } from config.tools; run_python, answered from the sandbox, is how a Live session runs code.',
  },
];

/** Why a connection can end before its setup is answered, when the server gave no known reason. */
const BEFORE_SETUP = `The Live session closed before its setup was answered: check the model name, and that the client was created with apiVersion: '${GEMINI_API_VERSION}' (@google/genai 3.x defaults to 'v1', which has no Live endpoint in Google's published API schema).`;

/** The close reason, bounded, with what to do about it where that is known. */
export function explainClose(reason: unknown, beforeSetup: boolean): string {
  const text = String(reason ?? '').slice(0, MAX_REASON_CHARS) || 'The connection closed.';
  const known = EXPLAINED.find((entry) => entry.match.test(text));
  if (known) return `${text} ${known.why}`;
  if (beforeSetup) return `${text} ${BEFORE_SETUP}`;
  return text;
}

/**
 * Whether a close is worth a reconnect with the resumption handle. Not 1007 (the server refused
 * what was sent: the same setup would be refused again) nor 1008 (policy: the key, the quota, a
 * handle the server no longer knows). Everything else (1000 or 1011 after `goAway`, 1001, 1006
 * when the network dropped, 1011/1013/1014 server trouble) is.
 */
export function isResumableClose(code: number | undefined): boolean {
  return code !== 1007 && code !== 1008;
}
