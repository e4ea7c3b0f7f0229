/**
 * The gateway's cache of its downstream servers' tool lists (the v2 client's response cache,
 * shared by a server's connections for the gateway's life): a list is kept up to one message's
 * bound, so a server paging out 50 messages' worth of tools does not hold that memory.
 */
import { describe, expect, it } from 'vitest';
import { BoundedResponseCache } from '../../src/integrations/mcp-gateway/bounded-cache.js';
import { MAX_MESSAGE_BYTES } from '../../src/integrations/mcp-tools/bounded-fetch.js';

const KEY = { method: 'tools/list', params: '', partition: '["evil@1",""]' };

describe("the gateway's cache of a server's tool list", () => {
  it('keeps a list of up to one message, as the client stores it', () => {
    const cache = new BoundedResponseCache();
    const value = JSON.stringify({ tools: [{ name: 'a'.repeat(MAX_MESSAGE_BYTES - 100) }] });
    cache.set(KEY, { value });
    expect(cache.get(KEY)?.value).toBe(value);
  });

  it('keeps none of a longer one, and drops what it held under the key', () => {
    const cache = new BoundedResponseCache();
    cache.set(KEY, { value: '{"tools":[]}' });
    cache.set(KEY, { value: JSON.stringify({ tools: [{ name: 'a'.repeat(MAX_MESSAGE_BYTES) }] }) });
    expect(cache.get(KEY)).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
