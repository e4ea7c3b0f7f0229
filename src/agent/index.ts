/**
 * The agent loop's public surface: Gemini proposes Python, the sandbox runs it, the model iterates.
 */
export { createCodeExecutionChat, CodeExecutionChat } from './chat.js';
export { generateWithCodeExecution } from './generate.js';
export { sandboxAsCallableTool, type SandboxToolOptions } from './callable-tool.js';
export { RUN_PYTHON, runPythonDeclaration, type RunPythonDeclarationOptions } from './run-python/tool.js';
export { MAX_LISTED_FILES_PER_RUN, MAX_LISTED_FILE_NAME_CHARS, listedFiles, type ListedFiles } from './run-python/files.js';
export { partKind, type PartKind } from './transcript.js';
export { isApiError, isAbortError } from './errors.js';
export { DEFAULT_MAX_STEPS, GEMINI_API_VERSION } from './setup.js';
export type { ImagesOption } from './images-option.js';
export type { AgentLimits, ConnectLiveLimits, GenerateContentLimits, InteractionsLimits, LiveLimits } from './agent-limits.js';
export { ATTACHMENT_PREVIEW_BYTES, mimeTypeOf } from './attachments.js';
export { attachmentsFromFiles, MAX_ATTACHMENT_BYTES, type AttachmentsFromFilesOptions, type FileLike } from './attachments-from-files.js';
export type {
  AgentSandbox,
  ApiOptions,
  Attachment,
  AttachmentContent,
  ChatHistoryOptions,
  ChatRewind,
  CodeExecutionBaseOptions,
  CodeExecutionChatOptions,
  CodeExecutionMessageParameters,
  ExecutionMode,
  GenAIClient,
  GenerateContentApiOptions,
  GenerateWithCodeExecutionParameters,
  InteractionsApiOptions,
  LocalExecutionOptions,
  LocalFunction,
  LocalFunctionContext,
  ServerExecutionOptions,
} from './types.js';
export {
  connectLiveCodeExecution,
  createLiveCodeExecution,
  DEFAULT_MAX_RECONNECT_ATTEMPTS,
  DEFAULT_SETUP_TIMEOUT_MS,
  LiveCodeExecution,
} from './live/live-session.js';
export { LIVE_DEFAULTS } from './live/live-config.js';
export { LiveConnectError } from './live/live-errors.js';
export { isNotRunCode } from './live/live-transcript.js';
export { DEFAULT_MAX_PENDING_CALLS } from './agent-limits.js';
export type { ConnectLiveCodeExecutionOptions, LiveCodeExecutionOptions, LiveGenAIClient, LiveSessionLike } from './live/types.js';
export type {
  LiveAudioEvent,
  LiveCallCancelledEvent,
  LiveCallUndeliveredEvent,
  LiveCloseInfo,
  LiveClosedEvent,
  LiveCodeExecutionEvent,
  LiveErrorEvent,
  LiveGoAwayEvent,
  LiveInteractionStatusEvent,
  LiveInterruptedEvent,
  LiveModelPartEvent,
  LiveReconnectedEvent,
  LiveReconnectingEvent,
  LiveRejectedEvent,
  LiveSessionResumptionEvent,
  LiveSetupCompleteEvent,
  LiveTextEvent,
  LiveTurnCompleteEvent,
  LiveWaitingForInputEvent,
} from './live/events.js';
export type {
  CodeCallEvent,
  CodeExecutionEvent,
  FunctionResponseEvent,
  MaxStepsEvent,
  OutputEvent,
  RunEndEvent,
  RunStartEvent,
  StepEvent,
  StepStartEvent,
} from './events.js';
export { InteractionError, isInteractionError, type InteractionErrorReason } from './interactions/errors.js';
export { DEFAULT_STREAM_IDLE_TIMEOUT_MS, INTERACTION_LIMITS } from './interactions/limits.js';
export type { GeminiApi, InteractionHistory, InteractionStep, InteractionsClient, InteractionsModeOptions } from './interactions/types.js';
