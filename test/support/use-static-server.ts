import { afterAll, beforeAll } from 'vitest';
import { type StaticServer, type StaticServerOptions, startStaticServer } from './static-server.js';

/** A static server for one describe block: started before its tests, closed after them. */
export function useStaticServer(options: StaticServerOptions): { server: StaticServer } {
  const holder = {} as { server: StaticServer };
  beforeAll(async () => {
    holder.server = await startStaticServer(options);
  });
  afterAll(async () => {
    await holder.server?.close();
  });
  return holder;
}
