/**
 * Carries a conversation across the execution-mode switch.
 *
 * Local mode's API history holds `run_python` function calls and their responses; server mode
 * declares no such function, so those turns are rewritten into what server-side execution itself
 * produces (executableCode + codeExecutionResult inside the model turn). Server mode's history
 * already uses those parts, which local mode can send as they are. Images a run produced follow
 * its result, whether they travelled inside the function response or after it.
 */
import { type Content, Language, Outcome, type Part } from '@google/genai';
import type { ChatHistoryOptions, CodeExecutionChat, ExecutionMode } from '../../agent/index.js';
import type { ConversationSetup, InteractionSteps } from './entries.js';
import { moveImagesOut } from '../../agent/response-images.js';

const RUN_PYTHON = 'run_python';

/** What a conversation holds when its chat is set up anew. */
export interface CarriedFrom {
  /** The chat in use, if any, and the setup it was made with. */
  chat: CodeExecutionChat | undefined;
  previous: ConversationSetup | undefined;
  /** A restored conversation's history and Interactions steps (used while no chat is made). */
  restoredHistory: Content[];
  restoredSteps: InteractionSteps | undefined;
}

/**
 * What a new chat for `setup` continues from. generateContent history carries over to
 * generateContent (rewritten for the execution mode); Interactions steps carry over only to an
 * Interactions chat whose code runs where it ran (their run_python calls need that tool); so do
 * a restored conversation's. The two APIs' histories do not convert into each other: across them
 * the model starts afresh.
 */
export function carriedHistory(setup: ConversationSetup, { chat, previous, restoredHistory, restoredSteps }: CarriedFrom): ChatHistoryOptions {
  if (!chat && setup.api === 'interactions' && restoredSteps?.execution === setup.execution)
    return { api: 'interactions', interactionHistory: { steps: restoredSteps.steps } };
  const wasInteractions = previous?.api === 'interactions' && chat !== undefined;
  if (setup.api !== 'interactions') return { history: wasInteractions ? [] : historyForMode(chat?.getHistory() ?? restoredHistory, setup.execution) };
  const keep = wasInteractions && previous?.execution === setup.execution;
  return { api: 'interactions', ...(keep && { interactionHistory: chat!.getInteractionHistory() }) };
}

/** `history` as a chat running code in `mode` takes it. */
export function historyForMode(history: readonly Content[], mode: ExecutionMode): Content[] {
  const copy = structuredClone(history) as Content[];
  if (mode === 'local') return copy;
  // Images inside function responses (the default shape) come out as parts after them, as older models take them.
  for (const [index, turn] of copy.entries()) copy[index] = moveImagesOut(turn);
  const out: Content[] = [];
  for (let i = 0; i < copy.length; i++) {
    const turn = copy[i];
    const next = copy[i + 1];
    const calls = (turn.parts ?? []).filter((part) => part.functionCall?.name === RUN_PYTHON);
    if (turn.role !== 'model' || calls.length === 0 || next?.role !== 'user') {
      push(out, turn);
      continue;
    }
    const responses = (next.parts ?? []).filter((part) => part.functionResponse);
    const followUp = (next.parts ?? []).filter((part) => !part.functionResponse && part.inlineData);
    const parts: Part[] = [];
    for (const part of turn.parts ?? []) {
      const call = part.functionCall;
      if (call?.name !== RUN_PYTHON) {
        // Signatures belong to the exact parts they came with; a rewritten turn cannot keep them.
        const { thoughtSignature: _signature, ...rest } = part;
        if (!rest.functionCall) parts.push(rest);
        continue;
      }
      const response = responses.find((r) => r.functionResponse?.id === call.id) ?? responses.shift();
      const result = response?.functionResponse?.response ?? {};
      parts.push({ executableCode: { language: Language.PYTHON, code: String(call.args?.code ?? '') } });
      parts.push({
        codeExecutionResult: {
          outcome: (result.outcome as Outcome | undefined) ?? Outcome.OUTCOME_OK,
          output: [result.output, result.error].filter((v) => typeof v === 'string').join('\n'),
        },
      });
    }
    parts.push(...followUp);
    push(out, { role: 'model', parts });
    // Other parts of the response turn (text the user sent with it) stay as a user turn.
    const rest = (next.parts ?? []).filter((part) => !part.functionResponse && !part.inlineData);
    if (rest.length > 0) push(out, { role: 'user', parts: rest });
    i++;
  }
  return out;
}

/** Appends, merging with the previous turn when the roles match (roles must alternate). */
function push(out: Content[], turn: Content): void {
  const last = out.at(-1);
  if (last && last.role === turn.role) last.parts = [...(last.parts ?? []), ...(turn.parts ?? [])];
  else out.push(turn);
}
