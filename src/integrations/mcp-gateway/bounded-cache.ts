/**
 * The v2 client's response cache for the gateway's downstream connections, keeping no entry
 * longer than one message may be. The client caches each server's whole tool list (every page,
 * up to 50 of `MAX_MESSAGE_BYTES` each) for the connections' life, and the gateway shares one
 * cache among a server's connections for its own life: a server listing more than one message's
 * worth is not held. Its calls then go without the `Mcp-Param-*` headers the list would have
 * given them, which only route; the tools work as listed.
 */
import { type CacheKey, type CacheScope, InMemoryResponseCacheStore } from '@modelcontextprotocol/client';
import { MAX_MESSAGE_BYTES } from '../mcp-tools/bounded-fetch.js';

/** An in-memory cache that keeps no entry of more than `maxChars` characters (default: one message's bound). */
export class BoundedResponseCache extends InMemoryResponseCacheStore {
  constructor(private readonly maxChars = MAX_MESSAGE_BYTES) {
    super();
  }

  override set(key: CacheKey, entry: { value: string; expiresAt?: number; scope?: CacheScope }): number {
    if (entry.value.length <= this.maxChars) return super.set(key, entry);
    // An older entry under the key would no longer be the server's list either.
    this.delete(key);
    return 0;
  }
}
