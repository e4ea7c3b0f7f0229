/**
 * This widget's saved conversation in the page's IndexedDB: under which key it lives, saving,
 * loading and forgetting it, and telling the reader once when the browser will not keep it.
 */
import { ConversationStore } from '../state/conversation-store.js';
import { type LoadedConversation, type SavedConversation, fromSaved } from '../state/saved-conversation.js';

export class SavedSlot {
  private readonly store = new ConversationStore();
  private failureShown = false;
  /** This page has saved the stored conversation, so it ran in this page's interpreter. */
  savedHere = false;

  /**
   * @param key The slot's key, or undefined when nothing may be kept (`persist="off"`).
   * @param onFirstFailure Shown to the reader the first time storing fails; the chat goes on.
   */
  constructor(
    private readonly key: () => string | undefined,
    private readonly onFirstFailure: (message: string) => void,
  ) {}

  save(conversation: SavedConversation): void {
    const key = this.key();
    if (!key) return;
    this.savedHere = true;
    this.store.save(key, conversation).catch((error: unknown) => this.failed(error));
  }

  forget(): void {
    const key = this.key();
    if (key) this.store.delete(key).catch((error: unknown) => this.failed(error));
  }

  /** The saved conversation, if one may be kept and can be read (a broken one is logged and skipped). */
  async load(): Promise<LoadedConversation | undefined> {
    const key = this.key();
    if (!key) return undefined;
    try {
      return fromSaved(await this.store.load(key));
    } catch (error) {
      console.warn('code-exec-chat: could not load the saved conversation:', error);
      return undefined;
    }
  }

  private failed(error: unknown): void {
    console.warn('code-exec-chat: could not save the conversation:', error);
    if (this.failureShown) return;
    this.failureShown = true;
    this.onFirstFailure(
      `This conversation cannot be saved in this browser (${error instanceof Error ? error.message : String(error)}); it lasts until the page is closed.`,
    );
  }
}
