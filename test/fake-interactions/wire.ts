/**
 * The Interactions API wire format as the fake server sees it: snake_case JSON, the same field
 * names as the SDK's `Interactions` types, so those are reused.
 */
import type { Interactions } from '@google/genai';

export type Step = Interactions.Step;
export type Tool = Interactions.Tool;
export type Usage = Interactions.Usage;

/** The body of `POST /{version}/interactions`. */
export interface CreateBody {
  model?: string;
  input?: Step[] | string;
  tools?: Tool[];
  system_instruction?: string;
  generation_config?: Record<string, unknown>;
  previous_interaction_id?: string;
  store?: boolean;
  stream?: boolean;
  [other: string]: unknown;
}

/** A request as recorded by the fake server. */
export interface RecordedRequest {
  method: 'POST' | 'GET';
  /** The API version in the path. */
  apiVersion: string;
  /** `GET /interactions/{id}`: the id. */
  id?: string;
  stream: boolean;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** POST only. */
  body: CreateBody;
}

/** An interaction as the fake model answers one request (the server adds id, model, timestamps). */
export interface ScriptedInteraction {
  status: string;
  steps: Step[];
  usage?: Usage;
}
