// Audit events as GitLab records them (docs/gitlab-behaviour.md, Audit events) and their HTTP streaming to a top-level group's
// destinations (Ultimate). The event has no user-agent field, so the sim keeps it in a side table.
import type { GlAuditEvent, Visibility } from '../gitlab/types';
import { groupAncestors, type AuditInput, type SimContext } from './kit';
import { rubyToS } from './ruby-inspect';
import { atLeastTier } from './entities';
import { nextId, type SimGroup, type SimState, type SimUser } from './state';

export interface AuditAuthor {
  user: SimUser;
  ip: string;
}

/** Build the REST-shaped event; the target defaults to the entity, as for setting changes. */
export function buildAuditEvent(state: SimState, input: AuditInput, author: AuditAuthor, at: Date): GlAuditEvent {
  const details: GlAuditEvent['details'] = {
    event_name: input.event_name,
    author_name: author.user.name,
    author_email: author.user.email,
    target_id: input.target_id ?? input.entity_id,
    target_type: input.target_type ?? input.entity_type,
    target_details: input.target_details ?? input.entity_path,
    ip_address: author.ip,
    entity_path: input.entity_path,
  };
  if (input.change !== undefined) {
    details.change = input.change;
    details.from = input.from;
    details.to = input.to;
    // Gitlab::Audit::Auditor also writes the human message next to change/from/to.
    details.custom_message = input.custom_message ?? `Changed ${input.change} from ${fmt(input.from)} to ${fmt(input.to)}`;
  } else if (input.add !== undefined) details.add = input.add;
  else if (input.remove !== undefined) details.remove = input.remove;
  else if (input.custom_message !== undefined) details.custom_message = input.custom_message;
  return {
    id: nextId(state),
    author_id: author.user.id,
    entity_id: input.entity_id,
    entity_type: input.entity_type,
    created_at: at.toISOString(),
    event_name: input.event_name,
    details,
  };
}

function fmt(v: unknown): string {
  return Array.isArray(v) ? `[${v.map((x) => JSON.stringify(x)).join(', ')}]` : String(v);
}

/** The top-level group whose streaming destinations receive this event, if any. */
export function streamingGroupOf(state: SimState, event: GlAuditEvent): SimGroup | undefined {
  let group: SimGroup | undefined;
  if (event.entity_type === 'Group') group = state.groups.find((g) => g.id === event.entity_id);
  else if (event.entity_type === 'Project') {
    const p = state.projects.find((x) => x.id === event.entity_id);
    group = p ? state.groups.find((g) => g.id === p.namespace.id) : undefined;
  }
  if (!group) return undefined;
  const chain = groupAncestors(state, group);
  return chain[chain.length - 1];
}

/**
 * The event as the REST API serves it. `EE::API::Entities::AuditEvent` exposes `formatted_details`
 * (`AuditEvents::CommonModel`): `details.merge(details.slice(:from, :to).transform_values(&:to_s))`, so `from`
 * and `to`, where present, are always strings: "true", "8", "" for nil, "[\"Maintainers\"]" for arrays.
 * The stored event (state.audit_events) keeps the typed values, as GitLab's details column does.
 */
export function restAuditEvent(event: GlAuditEvent): GlAuditEvent {
  const details = { ...event.details };
  for (const key of ['from', 'to'] as const) if (key in details) details[key] = rubyToS(details[key]);
  return { ...event, details };
}

/**
 * Streamed payload (docs/gitlab-behaviour.md, Audit events). GitLab streams `audit_event.as_json`
 * (`AuditEvents::Strategies::ExternalDestinationStrategy#request_body`, ee/lib/audit_events/...), the stored
 * columns with `details` as stored: unlike the REST API, `from`/`to` keep their types here.
 */
export function streamedPayload(event: GlAuditEvent): Record<string, unknown> {
  return {
    ...event,
    id: String(event.id),
    author_name: event.details.author_name,
    entity_path: event.details.entity_path,
    event_type: event.event_name,
    ip_address: event.details.ip_address,
    target_id: event.details.target_id,
    target_type: event.details.target_type,
    target_details: event.details.target_details,
  };
}

const STREAM_TIMEOUT_MS = 5_000;

/** Fire-and-forget POSTs; only loopback destinations, so tests never reach out. Returns the delivery promises. */
export function streamAuditEvent(state: SimState, event: GlAuditEvent): Promise<void>[] {
  const group = streamingGroupOf(state, event);
  // Streaming is Ultimate: the licence, or on a GitLab.com-like sim the top-level group's plan (entities.ts tierOf).
  if (!atLeastTier(state, 'ultimate', group)) return [];
  const destinations = group?.streaming_destinations ?? [];
  const body = JSON.stringify(streamedPayload(event));
  return destinations
    .filter((d) => isLoopback(d.url))
    .map((d) =>
      fetch(d.url, {
        method: 'POST',
        // GitLab's default content type for HTTP destinations, although the body is JSON (docs/gitlab-behaviour.md, Audit events).
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'X-Gitlab-Event-Streaming-Token': d.verification_token,
          'X-Gitlab-Audit-Event-Type': event.event_name ?? '',
        },
        body,
        signal: AbortSignal.timeout(STREAM_TIMEOUT_MS),
      }).then(
        async (res) => {
          await res.arrayBuffer().catch(() => undefined);
        },
        () => undefined,
      ),
    );
}

function isLoopback(url: string): boolean {
  try {
    return new URL(url).hostname === '127.0.0.1';
  } catch {
    return false;
  }
}

/** GitLab's auditors log visibility by level name ("Private" -> "Public"), other columns with their own type. */
const VISIBILITY_NAME: Record<Visibility, string> = { private: 'Private', internal: 'Internal', public: 'Public' };

/**
 * Writes accepted changes onto a group or project and records one audit event per column its auditor covers
 * (docs/gitlab-behaviour.md, Audit events: Audit::GroupChangesAuditor / ProjectChangesAuditor); unchanged values and other columns
 * are written silently, as GitLab does.
 */
export function applyAuditedChanges(
  ctx: SimContext,
  record: Record<string, unknown>,
  changes: Record<string, unknown>,
  audited: Record<string, { event: string; change: string }>,
  entity: Pick<AuditInput, 'entity_type' | 'entity_id' | 'entity_path'>,
): void {
  for (const [key, value] of Object.entries(changes)) {
    const before = record[key];
    if (JSON.stringify(before) === JSON.stringify(value)) continue;
    record[key] = value;
    const column = audited[key];
    if (!column) continue;
    ctx.audit({
      ...entity,
      event_name: column.event,
      change: column.change,
      from: key === 'visibility' ? VISIBILITY_NAME[before as Visibility] : before,
      to: key === 'visibility' ? VISIBILITY_NAME[value as Visibility] : value,
    });
  }
}
