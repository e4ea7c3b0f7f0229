/**
 * The page's end of an isolation frame's calls channel (comlink): calls go straight to the
 * worker, and answers come back through the frame's gate (isolation-frame.ts), which measures
 * each before the page decodes it. Only the answers need the gate: a call is the page's own. A
 * run thus crosses one thread fewer than if its call went through the gate too.
 *
 * One thing the gate must learn from the page: which answer may be a saved state, with its larger
 * bound (the answer to a `saveState` call the page made). Before it posts such a call, the page
 * names it to the gate and waits for the gate's word; calls made meanwhile wait behind it, so the
 * worker takes every call in the order the page made them (a save asked before a run saves the
 * state before that run).
 */
import type { Endpoint } from 'comlink';

type Listener = EventListenerOrEventListenerObject;

/** The page's note to the gate: the answer to call `call` may be a saved state. */
interface StateExpected {
  expectState: string;
}

/** The gate's word back: it knows of `call`. */
interface StateNoted {
  stateNoted: string;
}

/** The id of a comlink call to `saveState`, or undefined. */
function saveCallId(message: unknown): string | undefined {
  const call = message as { id?: unknown; type?: unknown; path?: unknown } | undefined;
  const isSave = call?.type === 'APPLY' && Array.isArray(call.path) && call.path.length === 1 && call.path[0] === 'saveState';
  return isSave && typeof call.id === 'string' ? call.id : undefined;
}

/**
 * `calls`: the page's port to the worker; `answers`: its port to the gate. The gate's word is
 * taken only for the save being named; anything else, a worker's forgery included (it cannot know
 * the id: the call is posted after the word), reaches the listeners as any answer does.
 */
export function frameCalls(calls: MessagePort, answers: MessagePort): Endpoint {
  const queue: [unknown, Transferable[] | undefined][] = [];
  const listeners = new Set<Listener>();
  let naming: string | undefined;

  const post = () => {
    const [message, transfer] = queue.shift() as [unknown, Transferable[] | undefined];
    calls.postMessage(message, transfer ?? []);
  };
  const pump = () => {
    while (queue.length > 0 && naming === undefined) {
      naming = saveCallId(queue[0]?.[0]);
      if (naming !== undefined) return answers.postMessage({ expectState: naming } satisfies StateExpected);
      post();
    }
  };
  answers.addEventListener('message', (event) => {
    const word = (event.data as Partial<StateNoted> | undefined)?.stateNoted;
    if (naming !== undefined && word === naming) {
      naming = undefined;
      post();
      return pump();
    }
    for (const listener of listeners) typeof listener === 'function' ? listener(event) : listener.handleEvent(event);
  });
  return {
    postMessage(message: unknown, transfer?: Transferable[]) {
      queue.push([message, transfer]);
      pump();
    },
    addEventListener: (_type: string, listener: Listener) => void listeners.add(listener),
    removeEventListener: (_type: string, listener: Listener) => void listeners.delete(listener),
    start: () => answers.start(),
  };
}
