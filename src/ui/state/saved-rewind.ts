/**
 * Editing a message from before the chat in use (one restored after a reload, or sent before the
 * chat was set up anew): the generateContent history is cut where that message starts, and Python
 * comes back from the interpreter the widget kept before it (saved-interpreter-slot.ts), since the
 * chat that took its checkpoint is gone.
 */
import type { Content } from '@google/genai';

/** Where Python as it was before each message is kept, and how it comes back. */
export interface SavedRewinds {
  /** Whether the interpreter before message `message` (its index among the messages sent) is kept. */
  has(message: number): boolean;
  /** Puts it back into the sandbox. @throws when it cannot: the conversation is then unchanged. */
  restore(message: number): Promise<void>;
  /** Python went back to before message `message` (by either way): what is kept must say so. */
  rewound(message: number): void;
}

/** A message's user turn, not the results of the model's function calls (which go as the user too). */
function isMessage(content: Content): boolean {
  return content.role === 'user' && !(content.parts ?? []).some((part) => part.functionResponse);
}

/**
 * Where each message starts in a history: the indexes of its user turns. A conversation's are
 * exactly its messages sent, unless its history started afresh (as across the two APIs) or keeps
 * Interactions steps instead: the caller compares the count. Read again only when `key` changed.
 */
export class MessageStarts {
  private key: readonly unknown[] = [];
  private starts: number[] = [];

  of(key: readonly unknown[], history: () => readonly Content[]): readonly number[] {
    if (key.length !== this.key.length || key.some((part, index) => part !== this.key[index])) {
      this.starts = history().flatMap((content, index) => (isMessage(content) ? [index] : []));
      this.key = key;
    }
    return this.starts;
  }
}
