/**
 * The isolation frame's calls channel, the page's end (frame-calls.ts): calls go straight to the
 * worker, answers come through the gate, and a save is named to the gate before it is posted, in
 * order with the calls around it. End to end (a state-sized answer to a run stopped in the frame,
 * saves in the frame) it is floods.browser.test.ts and saved-state.browser.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { frameCalls } from '../../src/sandbox/isolation/frame-calls.js';

const call = (id: string, method: string) => ({ id, type: 'APPLY', path: [method], argumentList: [] });
const ports: MessagePort[] = [];

/** The page's endpoint, with what the worker and the gate receive from it, in order. */
function frame() {
  const [calls, answers] = [new MessageChannel(), new MessageChannel()];
  ports.push(calls.port1, calls.port2, answers.port1, answers.port2);
  const toWorker: unknown[] = [];
  const toGate: unknown[] = [];
  calls.port2.onmessage = (event) => toWorker.push(event.data);
  answers.port2.onmessage = (event) => toGate.push(event.data);
  const heard: unknown[] = [];
  const endpoint = frameCalls(calls.port1, answers.port1);
  endpoint.addEventListener('message', (event) => heard.push((event as MessageEvent).data));
  endpoint.start?.();
  return { endpoint, toWorker, toGate, heard, gate: answers.port2 };
}

/** Lets messages posted so far be delivered. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

afterEach(() => {
  for (const port of ports.splice(0)) port.close();
});

describe("the isolation frame's calls, from the page", () => {
  it('go straight to the worker; the gate hears nothing of a run', async () => {
    const { endpoint, toWorker, toGate } = frame();
    endpoint.postMessage(call('r1', 'run'));
    endpoint.postMessage(call('r2', 'run'));
    await settle();
    expect(toWorker).toEqual([call('r1', 'run'), call('r2', 'run')]);
    expect(toGate).toEqual([]);
  });

  it('name a save to the gate and post it only once the gate knows of it; calls made meanwhile follow it, in order', async () => {
    const { endpoint, toWorker, toGate, heard, gate } = frame();
    endpoint.postMessage(call('s1', 'saveState'));
    endpoint.postMessage(call('r1', 'run'));
    await settle();
    expect(toGate).toEqual([{ expectState: 's1' }]);
    expect(toWorker).toEqual([]);
    gate.postMessage({ stateNoted: 's1' });
    await settle();
    expect(toWorker).toEqual([call('s1', 'saveState'), call('r1', 'run')]);
    // The gate's word is the endpoint's own business: comlink never hears it.
    expect(heard).toEqual([]);
  });

  it('pass a word that names another call to the listeners, where it is an answer to nothing, and keep the save waiting', async () => {
    const { endpoint, toWorker, heard, gate } = frame();
    endpoint.postMessage(call('s1', 'saveState'));
    gate.postMessage({ stateNoted: 'forged' });
    gate.postMessage({ id: 'r0', type: 'RAW', value: 1 });
    await settle();
    expect(heard).toEqual([{ stateNoted: 'forged' }, { id: 'r0', type: 'RAW', value: 1 }]);
    expect(toWorker).toEqual([]);
  });
});
