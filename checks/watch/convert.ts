// Streamed audit event -> the REST shape (GlAuditEvent) the detections and the explain table are written for.
// Streamed payloads repeat author_name, entity_path, event_type, ip_address and target_* at top level and carry
// `id` as a string (docs/gitlab-behaviour.md, Audit events "Streaming"); REST nests them under `details` and has a numeric id.
import type { GlAuditEvent } from '../../gitlab/types';

const ENTITY_TYPES: readonly GlAuditEvent['entity_type'][] = ['User', 'Group', 'Project', 'Gitlab::Audit::InstanceScope'];
/** Top-level copies that belong under `details` in the REST shape. */
const DETAIL_KEYS = ['author_name', 'entity_path', 'ip_address', 'target_id', 'target_type', 'target_details'] as const;

export type Converted = { ok: true; event: GlAuditEvent } | { ok: false; reason: string };

export function toRestEvent(payload: unknown): Converted {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return { ok: false, reason: 'the body is not a JSON object' };
  const p = payload as Record<string, unknown>;
  const id = toId(p.id);
  if (id === undefined) return { ok: false, reason: `"id" is ${JSON.stringify(p.id) ?? 'missing'}; expected a positive integer (or its string form)` };
  const entityType = p.entity_type;
  if (typeof entityType !== 'string' || !ENTITY_TYPES.includes(entityType as GlAuditEvent['entity_type'])) {
    return { ok: false, reason: `"entity_type" is ${JSON.stringify(entityType) ?? 'missing'}; expected one of ${ENTITY_TYPES.join(', ')}` };
  }
  const entityId = toNumber(p.entity_id);
  if (entityId === undefined) return { ok: false, reason: `"entity_id" is ${JSON.stringify(p.entity_id) ?? 'missing'}; expected a number` };

  const nested = p.details !== null && typeof p.details === 'object' && !Array.isArray(p.details) ? (p.details as Record<string, unknown>) : {};
  const details: GlAuditEvent['details'] = { ...nested };
  // Nested values win: they are what the REST API returns for the same event.
  for (const key of DETAIL_KEYS) {
    if (details[key] === undefined && p[key] !== undefined && p[key] !== null) (details as Record<string, unknown>)[key] = p[key];
  }
  // GitLab streams the type as `event_type`; REST names it `event_name` (top level and in details).
  const eventName = str(p.event_name) ?? str(p.event_type) ?? str(details.event_name);
  if (eventName !== undefined && details.event_name === undefined) details.event_name = eventName;

  const createdAt = str(p.created_at);
  const event: GlAuditEvent = {
    id,
    author_id: toNumber(p.author_id) ?? 0,
    entity_id: entityId,
    entity_type: entityType as GlAuditEvent['entity_type'],
    created_at: createdAt !== undefined && !Number.isNaN(Date.parse(createdAt)) ? createdAt : new Date(0).toISOString(),
    ...(eventName !== undefined ? { event_name: eventName } : {}),
    details,
  };
  return { ok: true, event };
}

function toId(v: unknown): number | undefined {
  const n = toNumber(v);
  return n !== undefined && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
