/**
 * The Gemini REST wire format as the fake server sees it (camelCase JSON, the same field names
 * as the SDK's types, so those are reused).
 */
import type { Candidate, Content, GenerateContentResponsePromptFeedback, GenerateContentResponseUsageMetadata, Part, Tool, ToolConfig } from '@google/genai';

/** The body of `:generateContent` / `:streamGenerateContent`. */
export interface WireRequest {
  contents: Content[];
  tools?: Tool[];
  toolConfig?: ToolConfig;
  systemInstruction?: Content;
  generationConfig?: Record<string, unknown>;
}

/** One `GenerateContentResponse` JSON (the whole body, or one SSE `data:` event). */
export interface WireResponse {
  candidates?: Candidate[];
  usageMetadata?: GenerateContentResponseUsageMetadata;
  modelVersion?: string;
  responseId?: string;
  promptFeedback?: GenerateContentResponsePromptFeedback;
}

/** A request as recorded by the fake server. */
export interface RecordedRequest {
  /** The API version in the path. */
  apiVersion: 'v1' | 'v1beta';
  model: string;
  stream: boolean;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: WireRequest;
}

export type { Content, Part };
