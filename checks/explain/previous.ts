// Fallback when no audit event can say who changed a setting: compare with a snapshot saved earlier
// (`check --save-snapshot`). Pure: the old snapshot and its evaluation come in.
import type { CheckResult, Finding } from '../../model/result';
import type { GroupState, ProjectState, Snapshot } from '../../model/snapshot';
import type { Read } from '../../model/target';
import { fingerprint } from '../report/common';

export interface PreviousState {
  snapshot: Snapshot;
  /** The old snapshot evaluated against today's baseline. */
  result: CheckResult;
}

/** "it was already true in the snapshot of …", "it was private in the snapshot of …", or why it cannot say. */
export function comparePrevious(f: Finding, prev: PreviousState): string {
  const when = `the snapshot of ${prev.snapshot.takenAt}`;
  const same = prev.result.findings.find((p) => fingerprint(p) === fingerprint(f));
  if (same) return `it was already ${show(same.actual)} in ${when}, so the change is older than that`;
  const state = stateOf(prev.snapshot, f);
  if (!state) return `${when} does not cover ${f.target.kind} ${f.target.path}`;
  const old = oldValue(state, f);
  if (old.unreadable) return `${when} could not read ${f.target.path} (${old.unreadable})`;
  if (old.found) return `it was ${show(old.value)} in ${when} (meeting the baseline), so it changed after that`;
  return `it met the baseline in ${when}${f.object || f.branch ? ` (${f.object ?? f.branch} did not exist or was compliant)` : ''}, so it changed after that`;
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function stateOf(s: Snapshot, f: Finding): GroupState | ProjectState | { settings: Read<unknown> } | undefined {
  if (f.target.kind === 'group') return s.groups.find((g) => g.target.id === f.target.id);
  if (f.target.kind === 'project') return s.projects.find((p) => p.target.id === f.target.id);
  return s.instance ? { settings: s.instance.settings } : undefined;
}

type Old = { found: boolean; value?: unknown; unreadable?: string };

/** The setting's value in the old state: on the entity, one of its reads, or the named object of a list. */
function oldValue(state: object, f: Finding): Old {
  const reads = Object.values(state).filter((r): r is Read<unknown> => !!r && typeof r === 'object' && 'ok' in r);
  for (const read of reads) {
    if (!read.ok) continue;
    const v = read.value;
    if (Array.isArray(v)) {
      const item = v.find((x: Record<string, unknown>) => objectMatches(x, f));
      if (item && f.setting in item) return { found: true, value: levels((item as Record<string, unknown>)[f.setting]) };
    } else if (v && typeof v === 'object' && !f.branch && !f.object && f.setting in v) {
      return { found: true, value: (v as Record<string, unknown>)[f.setting] };
    }
  }
  const failed = reads.find((r) => !r.ok) as { ok: false; error: { message: string } } | undefined;
  return failed ? { found: false, unreadable: failed.error.message } : { found: false };
}

function objectMatches(x: Record<string, unknown>, f: Finding): boolean {
  if (f.branch !== undefined && x.name === f.branch) return f.object === undefined || !('id' in x && 'url' in x);
  if (f.object === undefined) return false;
  if (x.key === f.object) return true;
  if ('url' in x && String(x.id) === f.object) return true;
  return 'approvals_required' in x && `approval rule ${String(x.id)}` === f.object;
}

/** Access-level lists read as their levels ([40, 30]) rather than whole entries. */
function levels(v: unknown): unknown {
  return Array.isArray(v) && v.every((e) => e && typeof e === 'object' && 'access_level' in e) ? v.map((e) => (e as { access_level: unknown }).access_level) : v;
}
