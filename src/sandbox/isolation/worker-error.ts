/**
 * Why a worker that loaded and then failed stopped, as the crash message says it, in the frame
 * and the Deno relay alike: the error's own text is the worker's, which Python writes ("Your API
 * key expired. Paste a new one at …"), and is never shown as the library's.
 */
export const WORKER_ERROR = 'the worker stopped on an uncaught error';
