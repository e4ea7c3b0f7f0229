/**
 * Fixed bounds on `RunOptions.functions` (the calls per run and at once are `limits`). Sizes are
 * JSON text in characters, checked before anything is parsed; the worker sizes the buffer a
 * blocked call's answer is written into by `maxResultChars` (worker/code-calls/answer-relay.ts). A module of
 * its own: both sides share it, and the public declarations that name it pull in nothing else.
 */
export const FUNCTION_LIMITS = Object.freeze({
  maxFunctionsPerRun: 128,
  maxArgsChars: 1024 * 1024,
  maxResultChars: 1024 * 1024,
});
