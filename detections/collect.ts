// Audit events in, through gitlab/: which scopes to read, and reading each one. Deciding what matches is
// detections/engine's job, so this file never looks inside an event beyond its id and author.
import type { GitlabClient } from '../gitlab/client';
import { auditEventPages } from '../gitlab/audit-events';
import { listTopLevelGroups } from '../gitlab/groups';
import { usernameCache } from '../gitlab/users';
import { toReadError } from '../gitlab/errors';
import type { GlAuditEvent } from '../gitlab/types';
import { resolveTargets } from '../gitlab/targets';
import { forEachPooled } from '../lib/pool';
import type { Baseline } from '../model/baseline';
import type { EventScope } from './model';

export const INSTANCE_SCOPE: EventScope = { kind: 'instance', id: 0, path: '(instance)' };

export interface ScopePlan {
  scopes: EventScope[];
  /** Groups/projects that could not be listed (a listing that broke off means unread events). */
  errors: { scope: EventScope; message: string }[];
}

/**
 * The baseline's targets (groups with their subgroups and projects, minus excludes), or without a baseline the
 * whole visible instance: every top-level group the token can read audit events of (all of them for an admin,
 * else those where it is at least Developer — below that GitLab answers 403, docs/gitlab-behaviour.md, Audit events).
 */
export async function planScopes(client: GitlabClient, baseline: Pick<Baseline, 'targets'> | undefined, isAdmin: boolean): Promise<ScopePlan> {
  let targets: Pick<Baseline, 'targets'>;
  if (baseline) targets = baseline;
  else {
    const top = await listTopLevelGroups(client, { admin: isAdmin, minAccessLevel: 30 });
    targets = { targets: { groups: top.map((g) => g.full_path), projects: [], exclude: [] } };
  }
  const resolved = await resolveTargets(client, targets);
  const scopes: EventScope[] = [
    ...resolved.groups.map((g): EventScope => ({ kind: 'group', id: g.id, path: g.full_path })),
    ...resolved.projects.map((p): EventScope => ({ kind: 'project', id: p.id, path: p.path_with_namespace })),
  ];
  const errors = resolved.errors.map((e) => ({
    scope: { kind: e.target.kind === 'project' ? 'project' : 'group', id: e.target.id, path: e.target.path } as EventScope,
    message: e.message,
  }));
  return { scopes, errors };
}


export type ScopeRead = { scope: EventScope; ok: true; events: GlAuditEvent[] } | { scope: EventScope; ok: false; message: string };

/** GitLab documents a cap of 30 days per instance audit-event query (docs/gitlab-behaviour.md, Audit events). */
export const INSTANCE_WINDOW_MS = 30 * 24 * 3600 * 1000;

/**
 * All events of one scope since `since`, newest first (keyset by id, desc: the only keyset order; docs/gitlab-behaviour.md,
 * Pagination, errors and authentication). Instance
 * events are read in windows of at most 30 days, newest window first, because GitLab caps one query at 30 days;
 * `created_after`/`created_before` are both inclusive, so an event on a boundary is kept once.
 */
export async function readScopeEvents(client: GitlabClient, scope: EventScope, since: Date, until: Date = new Date()): Promise<ScopeRead> {
  const events: GlAuditEvent[] = [];
  const seen = new Set<number>();
  const windows: { created_after: string; created_before?: string }[] = [];
  if (scope.kind === 'instance') {
    for (let end = until.getTime(); end > since.getTime(); end -= INSTANCE_WINDOW_MS) {
      const start = Math.max(since.getTime(), end - INSTANCE_WINDOW_MS);
      windows.push({ created_after: new Date(start).toISOString(), created_before: new Date(end).toISOString() });
    }
  } else {
    windows.push({ created_after: since.toISOString() });
  }
  try {
    for (const window of windows) {
      for await (const page of auditEventPages(client, scope, window)) {
        for (const e of page) {
          if (seen.has(e.id)) continue;
          seen.add(e.id);
          events.push(e);
        }
      }
    }
    return { scope, ok: true, events };
  } catch (err) {
    return { scope, ok: false, message: toReadError(err).message };
  }
}

export async function readAllScopes(client: GitlabClient, scopes: readonly EventScope[], since: Date, width = 8): Promise<ScopeRead[]> {
  const out: ScopeRead[] = new Array(scopes.length);
  await forEachPooled(scopes, width, async (scope, i) => {
    out[i] = await readScopeEvents(client, scope, since);
  });
  return out;
}

/** author_id -> username, one GET /users/:id per distinct author; null when the user cannot be read (gone). */
export async function resolveAuthors(client: GitlabClient, authorIds: readonly number[]): Promise<Map<number, string | null>> {
  const names = new Map<number, string | null>();
  const users = usernameCache(client);
  const ids = [...new Set(authorIds)].filter((id) => Number.isInteger(id) && id > 0);
  await forEachPooled(ids, 8, async (id) => {
    names.set(id, await users.usernameOf(id));
  });
  return names;
}
