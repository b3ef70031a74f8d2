// The only I/O of `explain`: audit events of one target (docs/gitlab-behaviour.md) and usernames. Events are read
// once per target, streamed page by page and filtered by name as they arrive (the API cannot filter by type).
import type { GitlabClient } from '../../gitlab/client';
import { auditEventPages } from '../../gitlab/audit-events';
import { usernameCache } from '../../gitlab/users';
import type { GlAuditEvent } from '../../gitlab/types';
import type { TargetRef } from '../../model/target';
import { eventNameOf } from './match';

export interface AuditReader {
  /** Events on the target created at or after `createdAfter` whose name is in `names`. */
  events(target: TargetRef, createdAfter: string, names: ReadonlySet<string>): Promise<GlAuditEvent[]>;
  /** The GitLab username of an event's author; `fallback` (details.author_name) when the user is gone. */
  username(authorId: number, fallback: string | undefined): Promise<string>;
}

export function clientAuditReader(client: GitlabClient): AuditReader {
  const users = usernameCache(client);
  return {
    async events(target, createdAfter, names) {
      const query: Record<string, string> = { created_after: createdAfter };
      // Instance settings events are instance-scoped; the instance list (admin) is filtered to them.
      if (target.kind === 'instance') query.entity_type = 'Gitlab::Audit::InstanceScope';
      const out: GlAuditEvent[] = [];
      for await (const page of auditEventPages(client, target, query)) {
        for (const e of page) if (names.has(eventNameOf(e))) out.push(e);
      }
      return out;
    },
    async username(authorId, fallback) {
      // A deleted user 404s; the event still carries the name it had (details.author_name), which is also the best
      // we can say when the lookup fails for another reason.
      return (await users.usernameOf(authorId)) ?? fallback ?? `user ${authorId}`;
    },
  };
}
