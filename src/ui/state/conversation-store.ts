/**
 * Where conversations are kept between page loads: IndexedDB of the page's origin, i.e. the
 * trusted side (the sandbox runs in an opaque-origin frame and cannot reach it). One record per
 * key; a widget uses its storage key. Beside them, under the same key, each conversation's saved
 * Python interpreter (`INTERPRETER_STORE`: the sandbox's saved state, its bytes as they came).
 *
 * IndexedDB directly, without a wrapper package: four operations on one object store are a few
 * lines, and structured clone stores attached files' `Uint8Array`s as they are.
 */

/** The database and object store names (tests read them to inspect what is stored). */
export const CONVERSATION_DB = 'code-exec-chat';
export const CONVERSATION_STORE = 'conversations';
export const INTERPRETER_STORE = 'interpreters';
/** 2: the interpreters' store. */
const DB_VERSION = 2;

export class ConversationStore {
  private db: Promise<IDBDatabase> | undefined;

  /**
   * @param storeName Which of the database's stores this one reads and writes.
   * @param factory `indexedDB`, when the page may use it (sandboxed frames and some privacy modes may not).
   */
  constructor(
    private readonly storeName: typeof CONVERSATION_STORE | typeof INTERPRETER_STORE = CONVERSATION_STORE,
    private readonly factory: IDBFactory | undefined = safeIndexedDB(),
  ) {}

  /** The stored value for `key` (unchecked: see `fromSaved`), or undefined. */
  async load(key: string): Promise<unknown> {
    return request<unknown>(await this.transaction('readonly'), (store) => store.get(key));
  }

  /** Stores `value` under `key`, replacing what was there; resolves once it is durable. */
  async save(key: string, value: unknown): Promise<void> {
    await request(await this.transaction('readwrite'), (store) => store.put(value, key));
  }

  /** Removes the record for `key`, or every record in a range of keys (nothing happens if there is none). */
  async delete(key: string | IDBKeyRange): Promise<void> {
    await request(await this.transaction('readwrite'), (store) => store.delete(key));
  }

  /** The keys of the records in `range`, in order. */
  async keys(range: IDBKeyRange): Promise<string[]> {
    return request<string[]>(await this.transaction('readonly'), (store) => store.getAllKeys(range));
  }

  private async transaction(mode: IDBTransactionMode): Promise<IDBTransaction> {
    const db = await this.open();
    return db.transaction(this.storeName, mode);
  }

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise<IDBDatabase>((resolve, reject) => {
      if (!this.factory) throw new Error('IndexedDB is not available on this page');
      const open = this.factory.open(CONVERSATION_DB, DB_VERSION);
      open.onupgradeneeded = () => {
        for (const name of [CONVERSATION_STORE, INTERPRETER_STORE]) if (!open.result.objectStoreNames.contains(name)) open.result.createObjectStore(name);
      };
      open.onsuccess = () => {
        const db = open.result;
        // Another tab upgrading the schema, or the browser clearing site data: let go, reopen next time.
        db.onversionchange = () => {
          db.close();
          this.db = undefined;
        };
        db.onclose = () => (this.db = undefined);
        resolve(db);
      };
      open.onerror = () => reject(open.error ?? new Error('Could not open IndexedDB'));
      open.onblocked = () => reject(new Error('IndexedDB is blocked by another tab of this page'));
    });
    // A failed open is not cached: storage may become available later (e.g. after a quota prompt).
    this.db.catch(() => (this.db = undefined));
    return this.db;
  }
}

/** Runs one request in `tx` and resolves with its result once the transaction has committed. */
function request<T>(tx: IDBTransaction, make: (store: IDBObjectStore) => IDBRequest): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const req = make(tx.objectStore(tx.objectStoreNames[0]));
    tx.oncomplete = () => resolve(req.result as T);
    tx.onerror = () => reject(tx.error ?? req.error ?? new Error('IndexedDB request failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

function safeIndexedDB(): IDBFactory | undefined {
  try {
    return globalThis.indexedDB;
  } catch {
    // Opaque origins throw on access.
    return undefined;
  }
}
