/**
 * Where the Gemini API key lives: in memory by default; in localStorage only when the user ticks
 * "Remember on this device". Never in a URL, and never passed to the sandbox (the key only goes to
 * the @google/genai client, which sends it in the `x-goog-api-key` header).
 */
const STORAGE_KEY = 'code-exec-chat:gemini-api-key';

export class ApiKeyStore {
  private key = '';

  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined = safeLocalStorage()) {
    this.key = this.storage?.getItem(STORAGE_KEY) ?? '';
  }

  get value(): string {
    return this.key;
  }

  /** True when the key is kept in localStorage. */
  get remembered(): boolean {
    return Boolean(this.storage?.getItem(STORAGE_KEY));
  }

  /** Sets the key; `remember` decides whether it is persisted (and un-persists otherwise). */
  set(key: string, remember: boolean): void {
    this.key = key.trim();
    if (remember && this.key) this.storage?.setItem(STORAGE_KEY, this.key);
    else this.storage?.removeItem(STORAGE_KEY);
  }

  clear(): void {
    this.set('', false);
  }
}

function safeLocalStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    // Sandboxed iframes and some privacy modes throw on access.
    return undefined;
  }
}
