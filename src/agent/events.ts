/**
 * Progress events of the agent loop, delivered through the `onEvent` option. Types only.
 *
 * Every event names its `step` (1-based: one model request and the calls it asked for).
 * `callId` is the model's `functionCall.id`, which older models leave unset.
 */
import type { Content, FunctionCall, GenerateContentResponseUsageMetadata } from '@google/genai';
import type { OutputChunk, RunResult } from '../shared/types.js';

/** A model request is about to be sent. */
export interface StepStartEvent {
  type: 'step-start';
  step: number;
}

/** A model response arrived (complete, streamed chunks merged). */
export interface StepEvent {
  type: 'step';
  step: number;
  /** The model's turn, verbatim (as it goes into history). */
  content: Content;
  /** The calls the loop will run now; empty when this is the answer. */
  functionCalls: FunctionCall[];
  usageMetadata?: GenerateContentResponseUsageMetadata;
}

/** `run_python` code starts running in the sandbox. */
export interface RunStartEvent {
  type: 'run-start';
  step: number;
  callId: string | undefined;
  code: string;
}

/**
 * Live stdout/stderr of the running code: a preview. `run-end`'s `result.output` is the whole
 * output; chunks that arrive after the run ended are not reported.
 */
export interface OutputEvent {
  type: 'output';
  step: number;
  callId: string | undefined;
  chunk: OutputChunk;
}

/**
 * `run_python` code finished (or failed, timed out, was stopped). Sent as the run ends, before the
 * model's pictures of its charts are drawn: `result.charts` carry no `image` here (the transcript's
 * parts that follow carry them).
 */
export interface RunEndEvent {
  type: 'run-end';
  step: number;
  callId: string | undefined;
  code: string;
  result: RunResult;
}

/** The loop answered a call other than a successful `run_python` run: a user function, an unknown name or bad arguments. */
export interface FunctionResponseEvent {
  type: 'function-response';
  step: number;
  call: FunctionCall;
  response: Record<string, unknown>;
  /** True when `response` is an error the model should correct (unknown function, bad arguments, handler threw). */
  isError: boolean;
}

/** The model's Python called one of the app's functions (`callableFrom: 'code'` or `'both'`) during a `run_python` run. */
export interface CodeCallEvent {
  type: 'code-call';
  step: number;
  /** The `run_python` call whose code made this call. */
  callId: string | undefined;
  name: string;
  args: Record<string, unknown>;
  /** The handler's error message, when it threw; or the refusal, when the function's `confirm` declined or threw (the handler did not run). */
  error?: string;
  durationMs: number;
}

/** The step limit was reached before the model answered without calls. */
export interface MaxStepsEvent {
  type: 'max-steps';
  maxSteps: number;
}

/** The events a call reports while it is answered (shared with Live sessions). */
export type CallEvent = RunStartEvent | OutputEvent | CodeCallEvent | RunEndEvent | FunctionResponseEvent;

/** Every event the chat and the one-shot form report through their `onEvent` option. */
export type CodeExecutionEvent = StepStartEvent | StepEvent | RunStartEvent | OutputEvent | CodeCallEvent | RunEndEvent | FunctionResponseEvent | MaxStepsEvent;
