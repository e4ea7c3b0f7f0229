/**
 * The types of `pyodide-code-execution/widget.js` as published (`dist/ui/widget-api.d.ts`): the
 * bundle's exports (`widget.ts`) described without Lit, which the bundle carries inside and pages
 * do not install, so a page type-checks with `skipLibCheck` off too. Types only: nothing imports
 * this module at run time. The elements are their interfaces, which the Lit classes implement;
 * test/ui/widget-api.test.ts checks at compile time that the bundle's exports fit these.
 */
import type { Part } from '@google/genai';
import type { RenderContext } from './blocks.js';
import type { CodeExecChatElement } from './code-exec-chat/element-api.js';
import type { PythonScratchpadElement } from './python-scratchpad/element-api.js';

export type { Attachment, AttachmentContent, LocalFunction, LocalFunctionContext } from '../agent/index.js';
export { attachmentsFromFiles } from '../agent/attachments-from-files.js';
export { type ChatAttributes, DEFAULT_MODEL } from './code-exec-chat/attributes.js';
export type { CodeExecChatElement, PythonScratchpadElement };
export type { ScratchpadSandbox } from './python-scratchpad/element-api.js';
export { SandboxReadyEvent, ChatErrorEvent, MessageCompleteEvent } from './code-exec-chat/events.js';
export { groupParts, type Block, type Figure, type RenderContext } from './blocks.js';
export { createReplayFetch, type ReplayFetchOptions } from './replay/replay-fetch.js';
export {
  RECORDING_FORMAT,
  parseRecording,
  loadRecording,
  type Recording,
  type RecordedMessage,
  type RecordedAttachment,
  type DemoListing,
} from './replay/recording.js';
export { recordingFromSession } from './replay/recorder.js';
export { liveClient, replayClient } from './genai-client.js';
export { PythonSandbox } from '../sandbox/python-sandbox.js';

/** The `<code-exec-chat>` element's class, registered when the bundle loads: `new CodeExecChat()` is `document.createElement('code-exec-chat')`. */
export declare const CodeExecChat: { readonly prototype: CodeExecChatElement; new (): CodeExecChatElement };
/** A `<code-exec-chat>` element. */
export type CodeExecChat = CodeExecChatElement;

/** The `<python-scratchpad>` element's class, registered when the bundle loads. */
export declare const PythonScratchpad: { readonly prototype: PythonScratchpadElement; new (): PythonScratchpadElement };
/** A `<python-scratchpad>` element. */
export type PythonScratchpad = PythonScratchpadElement;

/**
 * Draws a transcript's parts (text, code cells, results, figures, calls) as the widget does. It
 * returns a template of the Lit inside the bundle, which only that Lit can render: opaque here.
 */
export declare function renderParts(parts: readonly Part[], ctx: RenderContext): unknown;

declare global {
  interface HTMLElementTagNameMap {
    'code-exec-chat': CodeExecChatElement;
    'python-scratchpad': PythonScratchpadElement;
  }
}
