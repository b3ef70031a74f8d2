// Audit events (ee/lib/api/audit_events.rb, groups/projects `audit_events`; Premium). Keyset by id, newest first:
// offset pagination on audit events is deprecated (17.8) and capped. The API cannot filter by event name.
import type { GitlabClient } from './client';
import type { GlAuditEvent } from './types';
import type { PageOptions } from './paginate';

export type AuditScope = { kind: 'instance' } | { kind: 'group' | 'project'; id: number };

export function auditEventsPath(scope: AuditScope): string {
  return scope.kind === 'instance' ? '/audit_events' : `/${scope.kind}s/${scope.id}/audit_events`;
}

const NEWEST_FIRST: PageOptions = { keyset: { orderBy: 'id', sort: 'desc' } };

/** Events of one scope, page by page, newest first. Instance-wide lists need an administrator. */
export function auditEventPages(client: GitlabClient, scope: AuditScope, query: Record<string, string | number | boolean> = {}, opts: PageOptions = {}): AsyncGenerator<GlAuditEvent[]> {
  return client.pages<GlAuditEvent>(auditEventsPath(scope), query, { ...NEWEST_FIRST, ...opts });
}

export function listAuditEvents(client: GitlabClient, scope: AuditScope, query: Record<string, string | number | boolean> = {}, opts: PageOptions = {}): Promise<GlAuditEvent[]> {
  return client.all<GlAuditEvent>(auditEventsPath(scope), query, { ...NEWEST_FIRST, ...opts });
}
