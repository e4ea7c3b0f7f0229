// server-memory, the reference server from npm, keeping its knowledge graph in a file of this
// process's own (MEMORY_FOLDER/<pid>.jsonl): a server whose memory lasts as long as its process, as
// most servers' does. Started as server-memory itself is, its one file would be every process's.
import { join } from 'node:path';

process.env.MEMORY_FILE_PATH = join(process.env.MEMORY_FOLDER ?? '.', `${process.pid}.jsonl`);
await import(new URL('../../node_modules/@modelcontextprotocol/server-memory/dist/index.js', import.meta.url).href);
