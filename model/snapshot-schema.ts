// The runtime shape of a saved Snapshot (model/snapshot.ts), checked where a file is read (`check --from-snapshot`,
// the `--since-last` state, explain's --previous-snapshot). The envelope must fit or the file is refused; inside, each
// target is checked on its own: a read whose value does not fit (a hand-edited `"visibility": "publik"`, a missing
// `two_factor_grace_period`) becomes a read error on that target, so the rules that need it report an error (exit 2)
// instead of judging a value they do not understand. The parsed object is fixed in place, never cloned.
import { z } from 'zod';
import { READ_SCHEMAS, shapeProblem } from '../gitlab/schemas';
import { TIERS } from '../gitlab/types';
import type { Snapshot } from './snapshot';
import type { Read, TargetKind, TargetRef } from './target';

export const targetRefSchema = z.object({ kind: z.enum(['instance', 'group', 'project']), path: z.string(), id: z.number().int() }).loose();
const targetRef = targetRefSchema;
const targetError = z.object({ target: targetRef, message: z.string(), rules: z.array(z.string()).optional() }).loose();

const envelopeSchema = z
  .object({
    schemaVersion: z.literal(1),
    takenAt: z.iso.datetime({ offset: true }),
    gitlab: z
      .object({
        url: z.string(),
        version: z.string(),
        tier: z.enum(TIERS as [string, ...string[]]),
        tierSource: z.enum(['baseline', 'license', 'namespace', 'group', 'build']).optional(),
        namespaces: z
          .record(
            z.string(),
            z.union([
              z.object({ tier: z.enum(TIERS as [string, ...string[]]), tierSource: z.enum(['namespace', 'group']) }).strict(),
              z.object({ undetermined: z.string() }).strict(),
            ]),
          )
          .optional(),
        isAdmin: z.boolean(),
        edition: z.enum(['ce', 'ee']).optional(),
      })
      .loose(),
    instance: z.object({}).loose().optional(),
    groups: z.array(z.object({}).loose()),
    projects: z.array(z.object({}).loose()),
    errors: z.array(targetError),
    fullPassAt: z.string().optional(),
    scopeKey: z.string().optional(),
    shard: z.object({ index: z.number().int(), total: z.number().int() }).optional(),
  })
  .loose();

const readEnvelope = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }).loose(),
  z.object({ ok: z.literal(false), error: z.object({ kind: z.string(), message: z.string() }).loose() }).loose(),
]);

/** A snapshot file whose envelope does not fit: the whole file is unusable. */
export class SnapshotShapeError extends Error {
  override name = 'SnapshotShapeError';
}

/**
 * `parsed` (JSON of `file`) as a Snapshot. Throws SnapshotShapeError when the envelope does not fit; a target whose
 * reference does not fit is moved to `errors`, a read whose value does not fit becomes a read error naming the file
 * and key path. Returns how many target problems were found alongside the snapshot.
 */
export function validateSnapshot(parsed: unknown, file: string): { snapshot: Snapshot; problems: string[] } {
  const envelope = shapeProblem(envelopeSchema, parsed);
  if (envelope) throw new SnapshotShapeError(`${file}: ${envelope}: not a usable gitlab-posture snapshot. Save a new one with check --save-snapshot.`);
  const snapshot = parsed as Snapshot;
  const problems: string[] = [];
  const fix = (problem: string) => `${file}: ${problem}: the saved value is corrupt or incomplete; save a new snapshot with check --save-snapshot (or check live).`;

  if (snapshot.instance) {
    const bad = checkState(snapshot.instance as unknown as Record<string, unknown>, 'instance', 'instance', fix, problems);
    if (bad) {
      snapshot.errors.push({ target: { kind: 'instance', path: '(instance)', id: 0 }, message: bad });
      delete snapshot.instance;
    }
  }
  for (const [list, kind] of [['groups', 'group'], ['projects', 'project']] as const) {
    const states = snapshot[list] as unknown as Record<string, unknown>[];
    let kept = 0;
    for (let i = 0; i < states.length; i++) {
      const state = states[i]!;
      const bad = checkState(state, kind, `${list}[${i}]`, fix, problems);
      if (bad) {
        // The target itself is unreadable: keep it as an error, under whatever name it has.
        const t = state.target as Partial<TargetRef> | undefined;
        snapshot.errors.push({ target: { kind, path: typeof t?.path === 'string' ? t.path : `${list}[${i}]`, id: typeof t?.id === 'number' ? t.id : 0 }, message: bad });
      } else states[kept++] = state;
    }
    states.length = kept;
  }
  return { snapshot, problems };
}

/** Checks one target's reads in place; returns a message when the target itself (its ref or main read) is unusable. */
function checkState(
  state: Record<string, unknown>,
  kind: TargetKind,
  at: string,
  fix: (problem: string) => string,
  problems: string[],
): string | undefined {
  const ref = shapeProblem(targetRef, state.target, `${at}.target`);
  if (ref) {
    problems.push(fix(ref));
    return fix(ref);
  }
  const schemas = READ_SCHEMAS[kind] as Record<string, z.ZodType>;
  for (const [read, schema] of Object.entries(schemas)) {
    if (!(read in state)) continue;
    const key = `${at}.${read}`;
    const envelope = shapeProblem(readEnvelope, state[read], key);
    const problem = envelope ?? ((state[read] as Read<unknown>).ok ? shapeProblem(schema, (state[read] as { value: unknown }).value, `${key}.value`) : undefined);
    if (!problem) continue;
    const message = fix(problem);
    problems.push(message);
    state[read] = { ok: false, error: { kind: 'bad_response', message } } satisfies Read<never>;
  }
  return undefined;
}
