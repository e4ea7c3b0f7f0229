/**
 * The widget bundle (`dist/widget.js`): one script tag registers `<code-exec-chat>` (and
 * `<python-scratchpad>`). Importing it is the only side effect; everything else is exports.
 *
 * ```html
 * <script type="module" src="https://example.com/widget.js"></script>
 * <code-exec-chat demos-url="demos/index.json"></code-exec-chat>
 * ```
 *
 * The sandbox finds its worker (`worker.js`) and Pyodide (`pyodide/`) beside this file. Its
 * published types are `widget-api.ts` (no Lit); a change of these exports goes there too.
 */
import './code-exec-chat/define.js';
import './python-scratchpad/define.js';

export type { ChatAttributes } from './code-exec-chat/attributes.js';
export type { CodeExecChatElement } from './code-exec-chat/element-api.js';
export { DEFAULT_MODEL } from './code-exec-chat/attributes.js';
export { CodeExecChat } from './code-exec-chat/code-exec-chat.js';
export { SandboxReadyEvent, ChatErrorEvent, MessageCompleteEvent } from './code-exec-chat/events.js';
export { PythonScratchpad, type ScratchpadSandbox } from './python-scratchpad/python-scratchpad.js';
export { renderParts, groupParts, type Block, type RenderContext } from './render-parts.js';
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
// The files a page hands to send(), read as the widget's own picker reads them.
export { attachmentsFromFiles } from '../agent/attachments-from-files.js';
