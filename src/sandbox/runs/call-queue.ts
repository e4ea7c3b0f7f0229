/** A sandbox's calls, run one at a time in the order made; says when none is queued or going, and when one must wait. */
export class CallQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private count = 0;

  /**
   * `onEmpty`: the last call settled, told before its caller hears of it (a call the caller makes then counts).
   * `onWaiting`: a call was added behind one going.
   */
  constructor(
    private readonly onEmpty: () => void,
    private readonly onWaiting: () => void = () => {},
  ) {}

  /** No call is queued or going. */
  get idle(): boolean {
    return this.count === 0;
  }

  /** A call is queued behind the one going. */
  get waiting(): boolean {
    return this.count > 1;
  }

  /** `task`, once every call before it has settled. */
  add<T>(task: () => Promise<T>): Promise<T> {
    if (this.count++ > 0) this.onWaiting();
    const next = this.tail.then(task);
    this.tail = next.catch(() => undefined);
    const done = () => --this.count === 0 && this.onEmpty();
    next.then(done, done);
    return next;
  }
}
