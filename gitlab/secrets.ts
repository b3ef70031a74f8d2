// One rule for secrets in what we read: a CI variable's `value` never leaves the read layer, and neither does a
// string-valued key named like a secret (GET /projects/:id and /groups/:id return `runners_token` to maintainers).
// Flags stay (`masked`, `protected`, `require_password_to_approve`): booleans and numbers named like secrets are
// settings. Snapshots, journals, Pulumi state and reports therefore never hold one.
const SECRET_KEY = /token|secret|password|private_key|api_key|credential/i;

export function scrub<T>(value: T, opts: { variable?: boolean } = {}): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (opts.variable && k === 'value') continue;
      if (SECRET_KEY.test(k) && typeof x === 'string') continue;
      out[k] = walk(x);
    }
    return out;
  };
  return walk(value) as T;
}
