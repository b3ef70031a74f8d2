// Journal -> the writes that put the before values back, newest first. Only writes known to have happened are
// undone (verified or applied); a step whose write may or may not have happened (a crash right after its
// `pending` record) is undone only when the live object no longer shows its before value. Deleted hooks are
// recreated from their saved configuration; their secret token is gone for good.
import type { Change } from '../../policies/rule';
import { entriesOf, type JournalEntry, type JournalRecord } from './journal';
import { readPathOf, sameJson, touchedFields, type WriteRef } from './before';

export interface UndoItem {
  entry: JournalEntry;
  /** The original write. */
  write: WriteRef;
  /** What to send to restore the before value, computed against the live object. */
  change: Change;
  /** Where to read the restored object (a recreated hook has a new id: known only after the POST). */
  readPath: (created: { id: number } | undefined) => string | null;
  /** Said with the result (the hook's secret token). */
  note?: string;
}

export interface UndoSkip {
  entry: JournalEntry;
  reason: string;
}

export function writeOf(entry: JournalEntry): WriteRef {
  const p = entry.pending;
  return {
    method: p.method,
    path: p.path,
    ...(p.intended && typeof p.intended === 'object' ? { body: p.intended as Record<string, unknown> } : {}),
    ...(entry.created ? { created: entry.created } : {}),
  };
}

/** Steps whose write must be undone, newest first, and the ones left alone with why. */
export function undoCandidates(records: readonly JournalRecord[]): { todo: JournalEntry[]; skipped: UndoSkip[] } {
  const todo: JournalEntry[] = [];
  const skipped: UndoSkip[] = [];
  const entries = entriesOf(records).sort((a, b) => b.pending.time.localeCompare(a.pending.time) || b.pending.seq - a.pending.seq);
  for (const e of entries) {
    if (e.last === 'verified' || e.last === 'applied' || e.last === 'pending') todo.push(e);
    else if (e.last === 'not_verified') skipped.push({ entry: e, reason: 'GitLab ignored this write (not verified): nothing to undo' });
    else skipped.push({ entry: e, reason: `the write failed (${e.outcomes.at(-1)?.error ?? 'no detail'}): nothing to undo` });
  }
  return { todo, skipped };
}

/**
 * The restore write for one journal step, given the object as it is now (null: absent). Returns a skip when the
 * live object already holds the before value (nothing was applied, or someone restored it already).
 */
export function restoreFor(entry: JournalEntry, live: unknown): UndoItem | UndoSkip {
  const write = writeOf(entry);
  const before = entry.pending.before ?? null;
  if (sameJson(touchedFields(write, live), touchedFields(write, before))) {
    return { entry, reason: entry.last === 'pending' ? 'the write never happened (live value equals the before value)' : 'already at the before value' };
  }
  const bare = write.path.split('?')[0]!;
  const base = { entry, write };

  // The write created something: remove it.
  if (before === null) {
    const path = readPathOf(write);
    if (!path) return { entry, reason: `cannot tell which object ${write.method} ${write.path} created; remove it by hand` };
    // Never a project or group, whatever the journal says (replayable.ts refuses such records before this).
    if (/^\/(projects|groups)\/[^/?]+(\?.*)?$/.test(path)) return { entry, reason: `undo of ${write.method} ${bare} is not supported: undo never deletes a project or group` };
    return { ...base, change: { method: 'DELETE', path }, readPath: () => path };
  }
  const b = before as Record<string, unknown>;

  // The write deleted a hook: recreate it from its readable configuration.
  if (write.method === 'DELETE' && /\/hooks\/\d+$/.test(bare)) {
    const list = bare.replace(/\/\d+$/, '');
    return {
      ...base,
      change: { method: 'POST', path: list, body: hookConfig(b) },
      readPath: (created) => (created ? `${list}/${created.id}` : null),
      note: `recreated with a new id; ${entry.pending.unrecoverable ?? "the hook's secret token cannot be read back"}: set it again in GitLab`,
    };
  }
  if (write.method === 'DELETE') return { entry, reason: `undo of ${write.method} ${bare} is not supported; recreate it by hand from the journal's before value` };

  const body: Record<string, unknown> = {};
  const liveObj = (live ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(write.body ?? {})) {
    if (/\/job_token_scope$/.test(bare) && key === 'enabled') body.enabled = b.inbound_enabled;
    else if (key === 'allowed_to_push' || key === 'allowed_to_merge' || key === 'allowed_to_unprotect') {
      const list = key.replace('allowed_to_', '') + '_access_levels';
      const changes = accessRestore(b[list], liveObj[list]);
      if (changes.length > 0) body[key] = changes;
    } else if (key === 'user_ids' || key === 'group_ids') {
      const read = b[key === 'user_ids' ? 'users' : 'groups'];
      body[key] = Array.isArray(read) ? read.map((x: { id: number }) => x.id) : [];
    } else body[key] = b[key];
  }
  return { ...base, change: { method: write.method as Change['method'], path: write.path, body }, readPath: () => readPathOf(write) };
}

type Entry = { id: number; access_level: number | null; user_id?: number | null; group_id?: number | null; deploy_key_id?: number | null };

/**
 * PATCH entries that turn the live list back into the before list. PATCH is additive: an entry without id adds,
 * {id, _destroy} deletes, unmentioned entries stay (`accepts_nested_attributes_for … allow_destroy: true`,
 * app/models/protected_branch.rb).
 */
function accessRestore(beforeList: unknown, liveList: unknown): Record<string, unknown>[] {
  const before = (Array.isArray(beforeList) ? beforeList : []) as Entry[];
  const live = (Array.isArray(liveList) ? liveList : []) as Entry[];
  const out: Record<string, unknown>[] = [];
  for (const e of live) {
    const was = before.find((x) => x.id === e.id);
    if (!was) out.push({ id: e.id, _destroy: true });
    else if (was.access_level !== e.access_level && was.access_level != null) out.push({ id: e.id, access_level: was.access_level });
  }
  for (const e of before) {
    if (live.some((x) => x.id === e.id)) continue;
    if (e.user_id != null) out.push({ user_id: e.user_id });
    else if (e.group_id != null) out.push({ group_id: e.group_id });
    else if (e.deploy_key_id != null) out.push({ deploy_key_id: e.deploy_key_id });
    else if (e.access_level != null) out.push({ access_level: e.access_level });
  }
  return out;
}

/** A hook's writable configuration: URL, name, SSL flag, event switches (never the token: it was never readable). */
function hookConfig(hook: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(hook)) {
    if (['id', 'created_at', 'project_id', 'group_id', 'alert_status', 'disabled_until', 'url_variables', 'custom_headers'].includes(k)) continue;
    if (v === null || ['string', 'boolean', 'number'].includes(typeof v)) out[k] = v;
  }
  return out;
}

/** Verification of a restore: the touched fields read back equal the journal's before value. */
export function restored(item: UndoItem, after: unknown): boolean {
  return sameJson(touchedFields(item.write, after), touchedFields(item.write, item.entry.pending.before ?? null));
}
