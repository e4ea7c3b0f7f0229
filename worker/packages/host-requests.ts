/**
 * What the worker asks of the host on the events port, and the host's answers: wheels (isolated
 * mode and Node) and the package index's picks for imports nothing else provides.
 */
import type { Bytes, HostEvent } from '../../src/shared/protocol.js';
import type { Outbox } from '../outbox.js';
import { type MustStop, watchForStop } from '../stops/stop-poll.js';
import { type IndexPackages, IndexWaitStopped } from './cell-packages.js';

export class HostRequests {
  private readonly packageRequests = new Map<number, { resolve(data: Bytes): void; reject(error: Error): void }>();
  private requestSeq = 0;
  private readonly indexRequests = new Map<number, { resolve(packages: IndexPackages): void; reject(error: Error): void }>();
  /** Ends the current run's wait for the package index, as a stop (see `askIndex`). */
  private stopWait: (() => void) | undefined;

  constructor(
    private readonly outbox: Outbox,
    private readonly mustStop: MustStop,
  ) {}

  /** A message from the host: an answer to one of these requests; anything else is ignored. */
  onHostEvent(event: HostEvent): void {
    if (event?.type === 'index-response') {
      const pending = this.indexRequests.get(event.requestId);
      this.indexRequests.delete(event.requestId);
      if (event.error !== undefined || !Array.isArray(event.lock) || !Array.isArray(event.wheels))
        pending?.reject(new Error(event.error ?? 'package index request failed'));
      else pending?.resolve({ lock: event.lock, wheels: event.wheels });
      return;
    }
    if (event?.type !== 'package-response') return;
    const pending = this.packageRequests.get(event.requestId);
    if (!pending) return;
    this.packageRequests.delete(event.requestId);
    if (event.data instanceof Blob || event.data instanceof Uint8Array) pending.resolve(event.data);
    else pending.reject(new Error(event.error ?? 'package request failed'));
  }

  /** Isolated mode: wheels come from the host, which checks them against the lock file. */
  fetchPackage(fileName: string): Promise<Bytes> {
    const requestId = ++this.requestSeq;
    return new Promise((resolve, reject) => {
      this.packageRequests.set(requestId, { resolve, reject });
      this.outbox.post({ type: 'package-request', requestId, fileName });
    });
  }

  /**
   * Imports neither the lock file nor the interpreter provides, resolved by the host's package
   * index. The wait is stoppable, so a stop keeps the interpreter: a run waiting here runs no
   * Python, so nothing reads the interrupt buffer but this wait (stop-poll.ts), and the host's
   * `cancel` ends it at once too (where there is no buffer).
   */
  askIndex(names: string[]): Promise<IndexPackages> {
    if (this.mustStop()) return Promise.reject(new IndexWaitStopped());
    const requestId = ++this.requestSeq;
    return new Promise((resolve, reject) => {
      const settle = () => {
        unwatch();
        this.indexRequests.delete(requestId);
        if (this.stopWait === stop) this.stopWait = undefined;
      };
      const stop = () => {
        settle();
        reject(new IndexWaitStopped());
      };
      const unwatch = watchForStop(this.mustStop, stop);
      this.stopWait = stop;
      this.indexRequests.set(requestId, {
        resolve: (packages) => {
          settle();
          resolve(packages);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      this.outbox.post({ type: 'index-request', requestId, names });
    });
  }

  /** Stops a pending wait for the package index; whether there was one. */
  stopIndexWait(): boolean {
    if (!this.stopWait) return false;
    this.stopWait();
    return true;
  }
}
