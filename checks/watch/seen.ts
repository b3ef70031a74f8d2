// Events already accepted: GitLab may deliver an event twice, and catch-up re-reads events the stream already
// brought. A bounded LRU: the oldest fall out first. watch keys it on an event's content (eventKey), not its id
// alone: whoever holds the streaming token could otherwise send a real event's id first and have it ignored.
import type { GlAuditEvent } from '../../gitlab/types';

/** Id, time, entity: what a forger would have to predict exactly to shadow a real event. */
export function eventKey(e: Pick<GlAuditEvent, 'id' | 'created_at' | 'entity_type' | 'entity_id'>): string {
  const t = Date.parse(e.created_at);
  return `${e.id}|${Number.isNaN(t) ? e.created_at : new Date(t).toISOString()}|${e.entity_type}|${e.entity_id}`;
}

export class SeenIds<K = number> {
  readonly capacity: number;
  readonly #ids = new Map<K, true>();

  constructor(capacity: number) {
    this.capacity = Math.max(1, capacity);
  }

  has(id: K): boolean {
    return this.#ids.has(id);
  }

  /** Records the id; false when it was already there (a duplicate). */
  add(id: K): boolean {
    if (this.#ids.has(id)) {
      // Refresh its place: a duplicate seen now is likely to come again soon.
      this.#ids.delete(id);
      this.#ids.set(id, true);
      return false;
    }
    this.#ids.set(id, true);
    while (this.#ids.size > this.capacity) this.#ids.delete(this.#ids.keys().next().value as K);
    return true;
  }

  /** Forgets an id (an event accepted but then refused by a full queue may be delivered again). */
  delete(id: K): void {
    this.#ids.delete(id);
  }

  /** Newest last. */
  recent(n: number): K[] {
    const all = [...this.#ids.keys()];
    return all.slice(Math.max(0, all.length - n));
  }

  get size(): number {
    return this.#ids.size;
  }
}
