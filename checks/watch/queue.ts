// A bounded FIFO with one consumer: the receiver answers at once and the work happens here, one event at a time
// (in arrival order, so a revert never races a newer change of the same setting). When full, `offer` refuses and
// the receiver answers 503 + Retry-After: memory stays bounded however fast GitLab streams.
/** Events queued before deliveries are refused (`watch --queue-limit`). */
export const DEFAULT_QUEUE_LIMIT = 1_000;

export class BoundedQueue<T> {
  readonly limit: number;
  readonly #items: T[] = [];
  readonly #consume: (item: T) => Promise<void>;
  #running = false;
  #idleWaiters: (() => void)[] = [];

  constructor(limit: number, consume: (item: T) => Promise<void>) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`queue limit ${limit}: expected a whole number >= 1`);
    this.limit = limit;
    this.#consume = consume;
  }

  get size(): number {
    return this.#items.length;
  }

  /** Whether an item is queued or being worked on. */
  get busy(): boolean {
    return this.#running || this.#items.length > 0;
  }

  /** Queues the item; false (and nothing queued) when the queue is full. */
  offer(item: T): boolean {
    if (this.#items.length >= this.limit) return false;
    this.#items.push(item);
    if (!this.#running) void this.#run();
    return true;
  }

  /** Resolves once the queue is empty and the consumer is idle. */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      // Bounded: each turn removes one item, and offer() refuses beyond `limit`.
      while (this.#items.length > 0) {
        const item = this.#items.shift()!;
        // The consumer reports its own errors; one failing event must not stop the ones behind it.
        await this.#consume(item).catch(() => undefined);
      }
    } finally {
      this.#running = false;
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
