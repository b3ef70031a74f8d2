// Recognising the audit events our own reverts cause, so watch never reacts to itself (no revert loops).
// GitLab's audit events carry no user agent (docs/gitlab-behaviour.md, Audit events: the `run/<id>` we put in it is not recorded), so
// two other signals are used:
//  1. the author: events by the account watch writes with (default: the token's own user, GET /user) are not
//     reacted to — a dedicated service account makes this exact;
//  2. a short memory of our writes: (entity, event names that write can cause), consumed by the first matching
//     event within `ttlMs`. This still works when the token's user also makes changes by hand, or when the
//     author cannot be told apart (a shared admin account, `--ignore-author` turned off).
import type { GlAuditEvent } from '../../gitlab/types';

export interface OwnWrite {
  entityType: GlAuditEvent['entity_type'];
  entityId: number;
  /** Event names the write can produce (from the rule's audit source, rule.audit). */
  eventNames: readonly string[];
  /** The branch / variable key / hook the write was about, when the event names it in target_details. */
  targetDetails?: string;
  /** The value the write sets, as the event's `details.to` shows it (compared case-insensitively). */
  to?: string;
}

interface Remembered extends OwnWrite {
  expires: number;
}

export const OWN_WRITE_TTL_MS = 10 * 60_000;
const MAX_REMEMBERED = 10_000;

export class OwnWrites {
  readonly #ttlMs: number;
  readonly #now: () => number;
  #writes: Remembered[] = [];

  constructor(opts: { ttlMs?: number; now?: () => number } = {}) {
    this.#ttlMs = opts.ttlMs ?? OWN_WRITE_TTL_MS;
    this.#now = opts.now ?? Date.now;
  }

  /** Call before the write: the event can reach us before GitLab's answer does. */
  remember(write: OwnWrite): void {
    this.#prune();
    this.#writes.push({ ...write, expires: this.#now() + this.#ttlMs });
    if (this.#writes.length > MAX_REMEMBERED) this.#writes.splice(0, this.#writes.length - MAX_REMEMBERED);
  }

  /** True (and the write forgotten) when the event is the echo of one of our writes. */
  consume(event: GlAuditEvent): boolean {
    this.#prune();
    const name = event.event_name ?? event.details.event_name;
    const i = this.#writes.findIndex(
      (w) =>
        w.entityType === event.entity_type &&
        w.entityId === event.entity_id &&
        name !== undefined &&
        w.eventNames.includes(name) &&
        (w.targetDetails === undefined || event.details.target_details === undefined || w.targetDetails === event.details.target_details) &&
        // An event that moved the setting somewhere else is someone else's change, even on the same object.
        (w.to === undefined || !isPlain(event.details.to) || w.to.toLowerCase() === String(event.details.to).toLowerCase()),
    );
    if (i === -1) return false;
    this.#writes.splice(i, 1);
    return true;
  }

  get size(): number {
    this.#prune();
    return this.#writes.length;
  }

  #prune(): void {
    const t = this.#now();
    if (this.#writes.some((w) => w.expires <= t)) this.#writes = this.#writes.filter((w) => w.expires > t);
  }
}

function isPlain(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}
