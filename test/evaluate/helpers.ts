// Small snapshots and fake rules for the evaluator tests (the real catalog has its own tests).
import { parseBaseline } from '../../checks/baseline/load';
import type { Baseline } from '../../model/baseline';
import type { GroupState, ProjectState, Snapshot } from '../../model/snapshot';
import type { ReadError } from '../../model/target';
import type { GlGroup, GlHook, GlProject, GlProtectedBranch, Tier } from '../../gitlab/types';
import { defineRule, type ProjectSubject, type GroupSubject, type InstanceSubject } from '../../policies/rule';

export const TAKEN_AT = '2026-06-01T12:00:00.000Z';

export function baseline(extra = '', opts: { allowExpiredWaivers?: boolean } = {}): Baseline {
  return parseBaseline(`targets: { groups: [acme] }\nprofile: hardened\n${extra}`, 'baseline.yaml', {
    now: new Date('2026-05-01T00:00:00Z'),
    ...opts,
  });
}

export function snapshot(s: Partial<Snapshot> & { tier?: Tier; isAdmin?: boolean } = {}): Snapshot {
  const { tier = 'ultimate', isAdmin = false, ...rest } = s;
  return {
    schemaVersion: 1,
    takenAt: TAKEN_AT,
    gitlab: { url: 'https://gitlab.acme.test', version: '17.9.0', tier, tierSource: 'license', isAdmin },
    groups: [],
    projects: [],
    errors: [],
    ...rest,
  };
}

export const ok = <T>(value: T) => ({ ok: true as const, value });
export const failed = (message: string, kind: ReadError['kind'] = 'forbidden') => ({ ok: false as const, error: { kind, message } });

export function project(id: number, path: string, reads: Partial<Omit<ProjectState, 'target' | 'project'>> = {}): ProjectState {
  return {
    target: { kind: 'project', path, id },
    project: ok({ id, path_with_namespace: path, default_branch: 'main', visibility: 'private' } as GlProject),
    ...reads,
  };
}

export function group(id: number, path: string, reads: Partial<Omit<GroupState, 'target' | 'group' | 'topLevel'>> = {}, fields: Partial<GlGroup> = {}): GroupState {
  return {
    target: { kind: 'group', path, id },
    topLevel: !path.includes('/'),
    group: ok({ id, full_path: path, require_two_factor_authentication: true, ...fields } as GlGroup),
    ...reads,
  };
}

export const branch = (name: string, allow_force_push: boolean) => ({ name, allow_force_push }) as GlProtectedBranch;
export const hook = (id: number, enable_ssl_verification: boolean) => ({ id, url: `https://h${id}.test`, enable_ssl_verification }) as GlHook;

// --- fake rules -----------------------------------------------------------------------------------------

export const forcePush = defineRule({
  id: 'protected-branches.force-push',
  area: 'protected-branches',
  title: 'no force push',
  description: 'd',
  severity: 'high',
  scope: ['project'],
  minTier: 'free',
  scenario: 's',
  params: [],
  audit: { unavailable: 'a test rule' },
  needs: { project: ['protectedBranches'] },
  evaluate: (s) =>
    (s as ProjectSubject).protectedBranches
      .filter((b) => b.allow_force_push)
      .map((b) => ({ setting: 'allow_force_push', branch: b.name, expected: false, actual: true, message: `Force push is allowed on protected branch ${b.name}` })),
  fix: (f) => ({ method: 'PATCH', path: `/projects/${f.target.id}/protected_branches/${encodeURIComponent(f.branch!)}`, body: { allow_force_push: false } }),
});

export const resetOnPush = defineRule({
  id: 'mr-approvals.reset-on-push',
  area: 'mr-approvals',
  title: 'reset approvals on push',
  description: 'd',
  severity: 'medium',
  scope: ['project'],
  minTier: 'premium',
  scenario: 's',
  params: [],
  audit: { unavailable: 'a test rule' },
  needs: { project: ['approvals'] },
  evaluate: (s) =>
    (s as ProjectSubject).approvals.reset_approvals_on_push
      ? []
      : [{ setting: 'reset_approvals_on_push', expected: true, actual: false, message: 'Approvals are kept after new commits' }],
  fix: (f) => ({ method: 'POST', path: `/projects/${f.target.id}/approvals`, body: { reset_approvals_on_push: true } }),
});

export const twoFactor = defineRule({
  id: 'two-factor.required',
  area: 'two-factor',
  title: '2FA',
  description: 'd',
  severity: 'critical',
  scope: ['group'],
  minTier: 'free',
  scenario: 's',
  params: [],
  audit: { unavailable: 'a test rule' },
  needs: { group: [] },
  evaluate: (s) =>
    (s as GroupSubject).group.require_two_factor_authentication
      ? []
      : [{ setting: 'require_two_factor_authentication', expected: true, actual: false, message: '2FA is not required' }],
  fix: () => ({ manual: 'owners decide' }),
});

/** Group and project scope; group hooks need Premium; its fix deletes (destructive: not revertible). */
export const sslVerification = defineRule({
  id: 'webhooks.ssl-verification',
  area: 'webhooks',
  title: 'ssl',
  description: 'd',
  severity: 'low',
  scope: ['group', 'project'],
  minTier: { group: 'premium' },
  scenario: 's',
  params: [],
  audit: { unavailable: 'a test rule' },
  needs: { group: ['hooks'], project: ['hooks'] },
  evaluate: (s) =>
    (s as ProjectSubject | GroupSubject).hooks
      .filter((h) => !h.enable_ssl_verification)
      .map((h) => ({ setting: 'enable_ssl_verification', object: String(h.id), expected: true, actual: false, message: `Hook ${h.id} skips TLS verification` })),
  fix: (f) => ({ method: 'DELETE', path: `/hooks/${f.object}`, destructive: true }),
});

/** Needs hooks too: one failed hooks read must block both rules with one error entry. */
export const allowedHosts = defineRule({
  id: 'webhooks.allowed-hosts',
  area: 'webhooks',
  title: 'hosts',
  description: 'd',
  severity: 'high',
  scope: ['project'],
  minTier: 'free',
  scenario: 's',
  params: [],
  audit: { unavailable: 'a test rule' },
  needs: { project: ['hooks'] },
  evaluate: (_s, params) => (params.allowed_hosts.length === 0 ? { skip: 'no allowlist' } : []),
  fix: () => ({ manual: 'n/a' }),
});

export const instanceTwoFactor = defineRule({
  id: 'instance.two-factor-required',
  area: 'two-factor',
  title: 'instance 2FA',
  description: 'd',
  severity: 'critical',
  scope: ['instance'],
  minTier: 'free',
  scenario: 's',
  params: [],
  audit: { unavailable: 'a test rule' },
  requiresAdmin: true,
  needs: { instance: ['settings'] },
  evaluate: (s) =>
    (s as InstanceSubject).settings.require_two_factor_authentication
      ? []
      : [{ setting: 'require_two_factor_authentication', expected: true, actual: false, message: '2FA is not required on the instance' }],
  fix: () => ({ method: 'PUT', path: '/application/settings', body: { require_two_factor_authentication: true } }),
});

export const RULES = [forcePush, resetOnPush, twoFactor, sslVerification, allowedHosts, instanceTwoFactor];
