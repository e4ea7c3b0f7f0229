/**
 * Bytes several downloads may take together, counted as they arrive (after any
 * `Content-Encoding` is decoded: what is counted is what is kept in memory), so a server that
 * sends more than it said, or a small gzip that unpacks to gigabytes, is stopped at the bound
 * rather than after it.
 */
export class ByteBudget {
  private taken = 0;

  /** @param what names the budget in the error (`the packages from the index`). */
  constructor(
    readonly maxBytes: number,
    private readonly what: string,
  ) {}

  /** Takes `n` more bytes; throws once the total is over the bound. */
  take(n: number): void {
    this.taken += n;
    if (this.taken > this.maxBytes) throw new RangeError(`${this.what} come to more than ${this.maxBytes / 1024 / 1024} MB; refused`);
  }

  get used(): number {
    return this.taken;
  }
}
