/**
 * The calls channel as comlink sees it, letting through only answers to calls the host made. An
 * answer to no call (an id never asked, or asked and already answered) is what no honest worker
 * sends: comlink would drop it, at no cost to the sender and a decode each to the host, without
 * end. `stray` is told at the first one, and the session stops the worker, as it does for an
 * event no honest worker sends.
 */
import type { Endpoint } from 'comlink';

type Listener = EventListenerOrEventListenerObject;

/**
 * `close()`, once the worker is gone, drops comlink's listener and the calls it never answered:
 * comlink keeps this endpoint for as long as a proxy of it lives, and an unanswered call's promise
 * leads back to the session that made it, so the session, its sandbox and its worker were never
 * collected. `stray` must not lead back to the session either (see worker-session.ts).
 */
export function askedAnswersOnly(port: Endpoint, stray: () => void): Endpoint & { close(): void } {
  const asked = new Set<string>();
  const listeners = new Set<Listener>();
  const onMessage = (event: Event | MessageEvent) => {
    const id = (event as MessageEvent).data?.id;
    if (typeof id !== 'string' || !asked.delete(id)) return stray();
    for (const listener of listeners) typeof listener === 'function' ? listener(event as Event) : listener.handleEvent(event as Event);
  };
  port.addEventListener('message', onMessage);
  return {
    close() {
      listeners.clear();
      asked.clear();
      port.removeEventListener('message', onMessage);
    },
    postMessage(message: { id?: unknown } | undefined, transfer?: Transferable[]) {
      if (typeof message?.id === 'string') asked.add(message.id);
      port.postMessage(message, transfer);
    },
    addEventListener: (_type: string, listener: Listener) => void listeners.add(listener),
    removeEventListener: (_type: string, listener: Listener) => void listeners.delete(listener),
    start: () => port.start?.(),
  };
}
