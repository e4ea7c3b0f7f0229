/**
 * The @google/genai clients the widget talks through: live (the user's key, optionally a proxy
 * base URL) or replay (a recording answers, through the SDK's `httpOptions.fetch`).
 */
import { GoogleGenAI } from '@google/genai';
import { createReplayFetch, type ReplayFetchOptions } from './replay/replay-fetch.js';
import type { Recording } from './replay/recording.js';

/** Set explicitly: SDK 3.x changed the default to v1, and code execution examples use v1beta. */
export const API_VERSION = 'v1beta';

/** A live client. `baseUrl` points at a proxy (or a test server) instead of Google's endpoint. */
export function liveClient(apiKey: string, baseUrl?: string): GoogleGenAI {
  return new GoogleGenAI({ apiKey, apiVersion: API_VERSION, ...(baseUrl && { httpOptions: { baseUrl } }) });
}

/** A client whose every request is answered by `recording`; it never touches the network. */
export function replayClient(recording: Recording, options?: ReplayFetchOptions): GoogleGenAI {
  // The SDK insists on a key; this one never leaves the page.
  return new GoogleGenAI({ apiKey: 'recorded-demo', apiVersion: API_VERSION, httpOptions: { fetch: createReplayFetch(recording, options) } });
}
