// The object a write changes, read just before it (the journal's `before`), and the fields a write touches in
// it (to compare before / after for undo). Reads are scrubbed: no variable value, no token-like field
// (GET /projects/:id and /groups/:id return `runners_token` to maintainers).
import { describeAccessEntry } from '../../gitlab/access-levels';
import { NotFoundError } from '../../gitlab/errors';
import type { GitlabClient } from '../../gitlab/client';
import { enc } from '../../gitlab/client';
import { scrub } from '../../gitlab/secrets';
import { checkResponse, schemaForPath } from '../../gitlab/schemas';

export interface WriteRef {
  method: string;
  path: string;
  body?: Record<string, unknown>;
  /** Id an earlier POST created (undo of an approval rule). */
  created?: { id: number };
}

/** Removes secret values (gitlab/secrets.ts); the flags stay (a variable's `masked`/`protected`). */
export function scrubRead(value: unknown, path: string): unknown {
  return scrub(value, { variable: /\/variables(\/|$)/.test(path.split('?')[0]!) });
}

/** Where the object a write changes can be read; null when there is none to read (a create without a name). */
export function readPathOf(w: WriteRef): string | null {
  const bare = w.path.split('?')[0]!;
  if (w.method === 'POST') {
    if (/\/protected_branches$/.test(bare) && typeof w.body?.name === 'string') return `${bare}/${enc(w.body.name)}`;
    if (/\/approval_rules$/.test(bare)) return w.created ? `${bare}/${w.created.id}` : null;
    if (/\/hooks$/.test(bare)) return w.created ? `${bare}/${w.created.id}` : null;
    // Update-style POST (/projects/:id/approvals, docs/gitlab-behaviour.md, Pagination, errors and authentication).
    return w.path;
  }
  // The group's project list is not what a group write changes (docs/gitlab-behaviour.md, Group settings).
  if (/^\/groups\/[^/]+$/.test(bare)) return `${bare}?with_projects=false`;
  return w.path;
}

/**
 * GET the object; null when it does not exist (404). Other errors propagate, an answer that does not fit its
 * entity (gitlab/schemas.ts) included: a before value with a key missing would journal a restore that loses it.
 */
export async function readObject(client: GitlabClient, path: string | null): Promise<unknown> {
  if (path === null) return null;
  let value: unknown;
  try {
    value = scrubRead(await client.get(path), path);
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
  const schema = schemaForPath(path);
  return schema ? checkResponse(schema, value, path) : value;
}

/** How a body key reads back, where the read differs from the write (docs/gitlab-behaviour.md, Protected branches / Merge request approvals / CI/CD). */
function readKeyOf(path: string, key: string): string {
  if (/\/job_token_scope$/.test(path) && key === 'enabled') return 'inbound_enabled';
  if (key === 'allowed_to_push') return 'push_access_levels';
  if (key === 'allowed_to_merge') return 'merge_access_levels';
  if (key === 'allowed_to_unprotect') return 'unprotect_access_levels';
  if (key === 'user_ids') return 'users';
  if (key === 'group_ids') return 'groups';
  if (key === 'public_builds') return 'public_jobs';
  return key;
}

/** Who an access list lets in, by GitLab's names ("Maintainers", "user 12"): compared, and shown in the undo plan. */
function normalizeAccess(entries: unknown): string[] {
  if (!Array.isArray(entries)) return [];
  return entries.map((e: Parameters<typeof describeAccessEntry>[0]) => describeAccessEntry(e)).sort();
}

/** Fields a recreated object gets anew (its id, its timestamps, a hook's delivery health). */
const NOT_RESTORABLE = new Set(['id', 'created_at', 'updated_at', 'alert_status', 'disabled_until']);

/**
 * The fields a write touches, as read from `obj` (null: the object is absent). Ids of access-level entries are
 * left out: a restored entry gets a new id, and what matters is who may push/merge.
 */
export function touchedFields(w: WriteRef, obj: unknown): Record<string, unknown> | null {
  if (obj === null || obj === undefined) return null;
  const o = obj as Record<string, unknown>;
  const bare = w.path.split('?')[0]!;
  // A create or delete touches the whole object: compare its readable configuration.
  const keys =
    w.method === 'DELETE' || (w.method === 'POST' && !/\/approvals$/.test(bare))
      ? Object.keys(o).filter((k) => !NOT_RESTORABLE.has(k))
      : Object.keys(w.body ?? {});
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const rk = readKeyOf(bare, k);
    const v = o[rk];
    if (/_access_levels$/.test(rk)) out[rk] = normalizeAccess(v);
    else if (rk === 'users' || rk === 'groups') out[rk] = Array.isArray(v) ? v.map((x: { id: number }) => x.id).sort((a, b) => a - b) : v;
    else if (rk === 'protected_branches' && Array.isArray(v)) out[rk] = v.map((x: { id: number }) => x.id).sort((a, b) => a - b);
    else out[rk] = v;
  }
  return out;
}

/** Deep equality for JSON values. */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.keys(v as object)
      .sort()
      .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
  );
}
