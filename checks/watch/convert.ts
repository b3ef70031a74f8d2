// Streamed audit event -> the REST shape (GlAuditEvent) the detections and the explain table are written for.
// Streamed payloads repeat author_name, entity_path, event_type, ip_address and target_* at top level and carry
// `id` as a string (docs/gitlab-behaviour.md, Audit events "Streaming"); REST nests them under `details` and has a numeric id.
import { z } from 'zod';
import type { GlAuditEvent } from '../../gitlab/types';
import { shapeProblem } from '../../gitlab/schemas';

const ENTITY_TYPES: readonly string[] = ['User', 'Group', 'Project', 'Gitlab::Audit::InstanceScope'];
/** Top-level copies that belong under `details` in the REST shape. */
const DETAIL_KEYS = ['author_name', 'entity_path', 'ip_address', 'target_id', 'target_type', 'target_details'] as const;

export type Converted = { ok: true; event: GlAuditEvent } | { ok: false; reason: string };

/** Digits only: GitLab streams `id` (and some ids) as strings. */
const numeric = z
  .unknown()
  .refine((v) => (typeof v === 'number' ? Number.isInteger(v) && v >= 0 : typeof v === 'string' && /^\d+$/.test(v)), 'expected a whole number or its string form');

/**
 * What a delivery must hold to be judged: who (entity) and which event (id); the rest is informational, as watch
 * re-reads the target either way. A missing or unparsable created_at is not refused here: watch answers 400 and
 * reads that time span back from the audit API (the event may be real).
 */
export const streamedEventSchema = z
  .object({
    id: numeric.refine((v) => Number(v) > 0 && Number.isSafeInteger(Number(v)), 'expected a positive integer'),
    entity_type: z.enum(ENTITY_TYPES as [string, ...string[]]),
    entity_id: numeric,
    author_id: numeric.optional(),
    event_name: z.string().nullish(),
    event_type: z.string().nullish(),
    details: z.object({}).loose().nullish(),
  })
  .loose();

export function toRestEvent(payload: unknown): Converted {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return { ok: false, reason: 'the body is not a JSON object' };
  const problem = shapeProblem(streamedEventSchema, payload);
  if (problem) return { ok: false, reason: problem };
  const p = payload as Record<string, unknown>;
  const id = toNumber(p.id)!;
  const entityType = p.entity_type as string;
  const entityId = toNumber(p.entity_id)!;

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

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
