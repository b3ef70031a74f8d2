// A parsed Sigma document -> a CompiledRule: metadata validated with zod, selections and condition compiled.
import { z } from 'zod';
import { compileCondition, ConditionSyntaxError } from './condition';
import { RuleLoadError } from './errors';
import { compileField, FieldSyntaxError } from './fields';
import { SIGMA_LEVELS, SIGMA_STATUSES, type CompiledRule, type EventPredicate } from './types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ATTACK_TECHNIQUE = /^attack\.t\d{4}(\.\d{3})?$/i;

const metaSchema = z.object({
  title: z.string().trim().min(1, 'a non-empty title is required'),
  id: z.string().regex(UUID, 'expected a UUID like 5f0c4e3a-1d2b-4c8e-9a7f-3b6d2e1f0a9c'),
  status: z.enum(SIGMA_STATUSES),
  level: z.enum(SIGMA_LEVELS),
  description: z.string().optional(),
  author: z.string().optional(),
  references: z.array(z.string()).optional(),
  falsepositives: z.array(z.string()).optional(),
  logsource: z.object({
    product: z.literal('gitlab', { message: 'expected product: gitlab (rules match GitLab audit events)' }),
    service: z.string().optional(),
    category: z.string().optional(),
  }),
  tags: z
    .array(z.string())
    .refine((tags) => tags.some((t) => ATTACK_TECHNIQUE.test(t)), 'expected at least one MITRE ATT&CK technique tag like attack.t1098'),
  detection: z.record(z.string(), z.unknown()),
});

/** Sigma keys this engine does not evaluate; refusing them beats ignoring them. */
const UNSUPPORTED_DETECTION_KEYS: Record<string, string> = {
  timeframe: '"timeframe" (aggregation windows) is not supported',
};

export function compileRule(doc: unknown, file: string, source: CompiledRule['source']): CompiledRule {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new RuleLoadError(file, 'expected a YAML mapping with Sigma keys (title, id, detection, …)');
  const parsed = metaSchema.safeParse(doc);
  if (!parsed.success) throw new RuleLoadError(file, metadataProblems(doc as Record<string, unknown>, parsed.error.issues));
  const meta = parsed.data;
  const detection = meta.detection;
  for (const [key, why] of Object.entries(UNSUPPORTED_DETECTION_KEYS)) {
    if (key in detection) throw new RuleLoadError(file, `detection.${key}: ${why}`);
  }
  if ('timeframe' in (doc as Record<string, unknown>)) throw new RuleLoadError(file, 'timeframe: aggregation windows are not supported');
  const rawCondition = detection.condition;
  if (rawCondition === undefined) throw new RuleLoadError(file, 'detection.condition is missing (e.g. "condition: selection")');
  const conditions = Array.isArray(rawCondition) ? rawCondition : [rawCondition];
  if (conditions.length === 0 || conditions.some((c) => typeof c !== 'string')) throw new RuleLoadError(file, 'detection.condition: expected a string (or a list of strings)');

  const selections = new Map<string, EventPredicate>();
  for (const [name, body] of Object.entries(detection)) {
    if (name === 'condition') continue;
    try {
      selections.set(name, compileSelection(body));
    } catch (err) {
      if (err instanceof FieldSyntaxError) throw new RuleLoadError(file, `detection.${name}: ${err.message}`);
      throw err;
    }
  }
  let matches: EventPredicate;
  try {
    // A list of conditions is their union (Sigma: each one alone would be a separate query).
    const compiled = (conditions as string[]).map((c) => compileCondition(c, selections));
    matches = compiled.length === 1 ? compiled[0] : (e, b) => compiled.some((p) => p(e, b));
  } catch (err) {
    if (err instanceof ConditionSyntaxError) throw new RuleLoadError(file, `detection.${err.message}`);
    throw err;
  }
  return {
    title: meta.title,
    id: meta.id.toLowerCase(),
    status: meta.status,
    level: meta.level,
    tags: meta.tags,
    ...(meta.description !== undefined ? { description: meta.description.trim() } : {}),
    ...(meta.author !== undefined ? { author: meta.author } : {}),
    ...(meta.references ? { references: meta.references } : {}),
    ...(meta.falsepositives ? { falsepositives: meta.falsepositives } : {}),
    file,
    source,
    condition: (conditions as string[]).join(' | '),
    matches,
  };
}

/**
 * Every metadata problem of a rule at once (issue 15): the missing keys by name in one list, then each invalid
 * value with its key, so one edit fixes the file instead of one round trip per key.
 */
function metadataProblems(doc: Record<string, unknown>, issues: readonly z.core.$ZodIssue[]): string {
  const missing: string[] = [];
  const invalid: string[] = [];
  for (const issue of issues) {
    const key = issue.path.map(String).join('.') || '(root)';
    if (valueAt(doc, issue.path) === undefined) missing.push(key);
    else invalid.push(`${key}: ${issue.message}`);
  }
  // A detection mapping without its condition is the same kind of omission: name it in the same list.
  const detection = doc.detection;
  if (detection !== null && typeof detection === 'object' && !Array.isArray(detection) && !('condition' in detection)) missing.push('detection.condition');
  const parts = missing.length > 0 ? [`missing metadata: ${missing.join(', ')} (a rule needs ${REQUIRED_KEYS})`] : [];
  return [...parts, ...invalid].join('; ');
}

const REQUIRED_KEYS = 'title, id, status, level, logsource.product: gitlab, tags with an ATT&CK technique, detection with a condition';

function valueAt(doc: unknown, path: readonly PropertyKey[]): unknown {
  let at = doc;
  for (const k of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<PropertyKey, unknown>)[k];
  }
  return at;
}

/** A map is an AND of its fields; a list of maps is an OR of them. */
function compileSelection(body: unknown): EventPredicate {
  if (Array.isArray(body)) {
    if (body.length === 0) throw new FieldSyntaxError('empty list');
    if (!body.every((b) => b !== null && typeof b === 'object' && !Array.isArray(b))) {
      throw new FieldSyntaxError('keyword lists (plain values without a field name) are not supported; name the field, e.g. "event_name: [a, b]"');
    }
    const maps = body.map((b) => compileMap(b as Record<string, unknown>));
    return (e, budget) => maps.some((m) => m(e, budget));
  }
  if (body !== null && typeof body === 'object') return compileMap(body as Record<string, unknown>);
  throw new FieldSyntaxError(`expected a map of fields or a list of maps, got ${body === null ? 'null' : typeof body}`);
}

function compileMap(map: Record<string, unknown>): EventPredicate {
  const entries = Object.entries(map);
  if (entries.length === 0) throw new FieldSyntaxError('empty map (it would match every event)');
  const fields = entries.map(([key, value]) => compileField(key, value));
  return (e, budget) => fields.every((f) => f(e, budget));
}
