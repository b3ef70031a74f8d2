// Before serving (and after a burst that had to be refused): read from the audit API what the stream did not
// bring. The same reads as `detect` (detections/collect.ts): the instance list for an admin, else the baseline's
// group and project lists, keyset by id (docs/gitlab-behaviour.md, Pagination, errors and authentication / Audit events).
import type { GitlabClient } from '../../gitlab/client';
import type { GlAuditEvent } from '../../gitlab/types';
import type { Baseline } from '../../model/baseline';
import { INSTANCE_SCOPE, planScopes, readAllScopes, readScopeEvents } from '../../detections/collect';
import { dedupeEvents } from '../../detections/detect';
import { scopeLabel } from '../../detections/model';

/**
 * Events can be stored a little out of order (ids are handed out before commit), so catch-up reads from a margin
 * before the last processed event and skips the ids it already processed instead of trusting `id > last`.
 */
export const CATCH_UP_MARGIN_MS = 5 * 60_000;

export interface CatchUp {
  /** Oldest first: reactions happen in the order the changes were made. */
  events: GlAuditEvent[];
  /** Scopes whose events could not be read: what happened there while watch was down is unknown. */
  unreadable: { scope: string; message: string }[];
}

export async function readMissedEvents(
  client: GitlabClient,
  baseline: Pick<Baseline, 'targets'>,
  opts: { since: Date; isAdmin: boolean; skip?: (id: number) => boolean },
): Promise<CatchUp> {
  const since = new Date(opts.since.getTime() - CATCH_UP_MARGIN_MS);
  const unreadable: CatchUp['unreadable'] = [];
  const lists: GlAuditEvent[][] = [];
  // An admin's instance list holds every group and project event: one listing instead of one per target.
  const instance = opts.isAdmin ? await readScopeEvents(client, INSTANCE_SCOPE, since) : undefined;
  if (instance?.ok) lists.push(instance.events);
  else {
    const plan = await planScopes(client, baseline, opts.isAdmin);
    for (const e of plan.errors) unreadable.push({ scope: scopeLabel(e.scope), message: e.message });
    for (const read of await readAllScopes(client, plan.scopes, since)) {
      if (read.ok) lists.push(read.events);
      else unreadable.push({ scope: scopeLabel(read.scope), message: read.message });
    }
  }
  const events = dedupeEvents(lists)
    .filter((e) => !opts.skip?.(e.id))
    .sort((a, b) => a.id - b.id);
  return { events, unreadable };
}
