// Audit events (ee/lib/api/audit_events.rb, groups/projects `audit_events`; Premium). Keyset by id, newest first:
// offset pagination on audit events is deprecated (17.8) and capped. The API cannot filter by event name.
// Every page is checked against the AuditEvent entity (gitlab/schemas.ts) as it arrives: an event without a
// created_at or details would match no detection and explain nothing, so it fails the read of its scope instead.
import { z } from 'zod';
import type { GitlabClient } from './client';
import type { GlAuditEvent } from './types';
import type { PageOptions } from './paginate';
import { auditEventSchema, checkResponse } from './schemas';

export type AuditScope = { kind: 'instance' } | { kind: 'group' | 'project'; id: number };

export function auditEventsPath(scope: AuditScope): string {
  return scope.kind === 'instance' ? '/audit_events' : `/${scope.kind}s/${scope.id}/audit_events`;
}

const NEWEST_FIRST: PageOptions = { keyset: { orderBy: 'id', sort: 'desc' } };
const eventList = z.array(auditEventSchema);

/** Events of one scope, page by page, newest first. Instance-wide lists need an administrator. */
export async function* auditEventPages(
  client: GitlabClient,
  scope: AuditScope,
  query: Record<string, string | number | boolean> = {},
  opts: PageOptions = {},
): AsyncGenerator<GlAuditEvent[]> {
  const path = auditEventsPath(scope);
  for await (const page of client.pages<GlAuditEvent>(path, query, { ...NEWEST_FIRST, ...opts })) yield checkResponse(eventList, page, path);
}

export async function listAuditEvents(
  client: GitlabClient,
  scope: AuditScope,
  query: Record<string, string | number | boolean> = {},
  opts: PageOptions = {},
): Promise<GlAuditEvent[]> {
  const path = auditEventsPath(scope);
  return checkResponse(eventList, await client.all<GlAuditEvent>(path, query, { ...NEWEST_FIRST, ...opts }), path);
}
