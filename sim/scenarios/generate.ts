// Scenario "generate": N projects across ~N/100 subgroups of a top-level group `bench`, deterministic for a
// seed, with a fraction violating the hardened profile in mixed ways. Built with plain loops: 10,000 projects
// take well under a second and a few tens of MB.
import type { SimState } from '../state';
import { mulberry32 } from '../prng';
import { accessEntry, addGroup, addHook, addProject, addUsers, emptyState, hoursBefore, protectedBranch, variable, type ScenarioOptions } from './build';

export type Violation =
  | 'force-push'
  | 'developer-push'
  | 'public'
  | 'approvals'
  | 'author-approval'
  | 'insecure-hook'
  | 'unmasked-secret'
  | 'public-jobs';

export const VIOLATIONS: readonly Violation[] = ['force-push', 'developer-push', 'public', 'approvals', 'author-approval', 'insecure-hook', 'unmasked-secret', 'public-jobs'];

export interface GenerateOptions extends ScenarioOptions {
  /** 0..1, default 0.2. */
  violatingFraction?: number;
  /** Projects per subgroup, default 100. */
  projectsPerGroup?: number;
}

export interface Generated {
  state: SimState;
  /** Violating projects by full path, with what is wrong. */
  violations: Map<string, Violation[]>;
}

const SECRET_KEYS = ['API_TOKEN', 'DB_PASSWORD', 'SIGNING_PRIVATE_KEY', 'SERVICE_API_KEY', 'REGISTRY_CREDENTIAL'];
const PLAIN_KEYS = ['LOG_LEVEL', 'REGION', 'FEATURE_FLAGS'];

export function generate(n: number, opts: GenerateOptions = {}): Generated {
  if (!Number.isInteger(n) || n < 0) throw new Error(`generate: projects must be a non-negative integer, got ${n}`);
  const now = opts.now ?? new Date();
  const random = mulberry32(opts.seed ?? 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const fraction = opts.violatingFraction ?? 0.2;
  const perGroup = opts.projectsPerGroup ?? 100;
  const state = emptyState(opts);
  const users = addUsers(state, opts);
  const created = hoursBefore(now, 24 * 200).toISOString();
  const bench = addGroup(state, 'bench', null, created, [
    { user_id: users.alice.id, access_level: 50 },
    { user_id: users.mallory.id, access_level: 50 },
    { user_id: users.bob.id, access_level: 40 },
    { user_id: users.dave.id, access_level: 30 },
  ]);
  const groupCount = Math.max(1, Math.ceil(n / perGroup));
  const groups = Array.from({ length: groupCount }, (_, i) => addGroup(state, `team-${String(i).padStart(3, '0')}`, bench, created));
  const violations = new Map<string, Violation[]>();

  for (let i = 0; i < n; i += 1) {
    const group = groups[Math.floor(i / perGroup)];
    const p = addProject(state, group, `svc-${String(i).padStart(5, '0')}`, hoursBefore(now, 24 * 200 - i / 100).toISOString());
    p.last_activity_at = hoursBefore(now, 1 + (i % 72)).toISOString();
    if (random() < 0.5) {
      p.protected_branches.push(protectedBranch(state, 'release/*'));
      p.branches.push('release/1.0');
    }
    const hooks = Math.floor(random() * 3);
    for (let h = 0; h < hooks; h += 1) addHook(state, p, `https://hooks.bench.example/${p.path}/${h}`, true, created);
    const vars = Math.floor(random() * 4);
    for (let v = 0; v < vars; v += 1) {
      const secret = random() < 0.5;
      const key = secret ? SECRET_KEYS[v % SECRET_KEYS.length] : PLAIN_KEYS[v % PLAIN_KEYS.length];
      p.variables.push(variable(key, secret ? `s3cr3t-${i}-${v}-value` : `value-${v}`, secret, secret));
    }
    if (random() >= fraction) continue;
    const kinds = new Set<Violation>([pick(VIOLATIONS)]);
    if (random() < 0.3) kinds.add(pick(VIOLATIONS));
    for (const kind of kinds) {
      const main = p.protected_branches[0];
      switch (kind) {
        case 'force-push':
          main.allow_force_push = true;
          break;
        case 'developer-push':
          main.push_access_levels.push(accessEntry(state, 30));
          break;
        case 'public':
          p.visibility = 'public';
          break;
        case 'approvals':
          p.approval_rules[0].approvals_required = Math.floor(random() * 2);
          break;
        case 'author-approval':
          p.approvals.merge_requests_author_approval = true;
          break;
        case 'insecure-hook':
          addHook(state, p, `http://collector.unknown.example/${p.path}`, false, created);
          break;
        case 'unmasked-secret':
          p.variables.push(variable('LEAKED_SECRET', `plain-${i}`, false, false));
          break;
        case 'public-jobs':
          p.public_jobs = true;
          break;
      }
    }
    violations.set(p.path_with_namespace, [...kinds].sort());
  }
  return { state, violations };
}
