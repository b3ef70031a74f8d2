// Event ids already accepted: GitLab may deliver an event twice (gitlab-api.md §4 "Streaming": dedupe on id), and
// catch-up re-reads events the stream already brought. A bounded LRU: the oldest ids fall out first.
export class SeenIds {
  readonly capacity: number;
  readonly #ids = new Map<number, true>();

  constructor(capacity: number) {
    this.capacity = Math.max(1, capacity);
  }

  has(id: number): boolean {
    return this.#ids.has(id);
  }

  /** Records the id; false when it was already there (a duplicate). */
  add(id: number): boolean {
    if (this.#ids.has(id)) {
      // Refresh its place: a duplicate seen now is likely to come again soon.
      this.#ids.delete(id);
      this.#ids.set(id, true);
      return false;
    }
    this.#ids.set(id, true);
    while (this.#ids.size > this.capacity) this.#ids.delete(this.#ids.keys().next().value as number);
    return true;
  }

  /** Forgets an id (an event accepted but then refused by a full queue may be delivered again). */
  delete(id: number): void {
    this.#ids.delete(id);
  }

  /** Newest last. */
  recent(n: number): number[] {
    const all = [...this.#ids.keys()];
    return all.slice(Math.max(0, all.length - n));
  }

  get size(): number {
    return this.#ids.size;
  }
}
