/**
 * The @google/genai clients the widget talks through: live (the user's key, optionally a proxy
 * base URL) or replay (a recording answers, through the SDK's `httpOptions.fetch`).
 */
import { GoogleGenAI } from '@google/genai';
import { GEMINI_API_VERSION } from '../agent/index.js';
import { createReplayFetch, type ReplayFetchOptions } from './replay/replay-fetch.js';
import type { Recording } from './replay/recording.js';

/**
 * A live client. `baseUrl` points at a proxy (or a test server) instead of Google's endpoint;
 * `apiVersion` is for a Live session with an ephemeral token (`v1alpha`, the version that takes one).
 */
export function liveClient(apiKey: string, baseUrl?: string, apiVersion: string = GEMINI_API_VERSION): GoogleGenAI {
  return new GoogleGenAI({ apiKey, apiVersion, ...(baseUrl && { httpOptions: { baseUrl } }) });
}

/** A client whose every request is answered by `recording`; it never touches the network. */
export function replayClient(recording: Recording, options?: ReplayFetchOptions): GoogleGenAI {
  // The SDK insists on a key; this one never leaves the page.
  return new GoogleGenAI({ apiKey: 'recorded-demo', apiVersion: GEMINI_API_VERSION, httpOptions: { fetch: createReplayFetch(recording, options) } });
}
