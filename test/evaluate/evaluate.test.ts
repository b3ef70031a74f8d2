import { describe, expect, it } from 'vitest';
import { activeRules, evaluate, UnknownRuleError } from '../../checks/evaluate';
import { exitCodeFor } from '../../checks/exit-code';
import type { GlApplicationSettings, GlProjectApprovals } from '../../gitlab/types';
import { defineRule } from '../../policies/rule';
import {
  allowedHosts,
  baseline,
  branch,
  failed,
  forcePush,
  group,
  hook,
  instanceTwoFactor,
  ok,
  project,
  resetOnPush,
  RULES,
  snapshot,
  sslVerification,
  twoFactor,
} from './helpers';

const WEB = { kind: 'project' as const, path: 'acme/web', id: 12 };
const approvals = (reset: boolean) => ok({ reset_approvals_on_push: reset } as GlProjectApprovals);

describe('evaluate: findings', () => {
  it('turns drafts into whole findings, compliant targets give none', () => {
    const snap = snapshot({
      projects: [
        project(12, 'acme/web', { protectedBranches: ok([branch('main', true), branch('dev', false)]) }),
        project(13, 'acme/api', { protectedBranches: ok([branch('main', false)]) }),
      ],
    });
    const r = evaluate(snap, baseline(), { rules: [forcePush] });
    expect(r.findings).toEqual([
      {
        rule: 'protected-branches.force-push',
        area: 'protected-branches',
        severity: 'high',
        target: WEB,
        setting: 'allow_force_push',
        branch: 'main',
        expected: false,
        actual: true,
        message: 'Force push is allowed on protected branch main',
        revertible: true,
        waived: false,
      },
    ]);
    expect(r.summary).toEqual({ targets: 2, findings: 1, waived: 0, skipped: 0, errors: 0, complete: true });
    expect(r.gitlab).toEqual({ url: 'https://gitlab.acme.test', version: '17.9.0', tier: 'ultimate' });
    expect(r.expiredWaivers).toBeUndefined();
    expect(exitCodeFor(r)).toBe(1);
  });

  it('revertible only for a non-destructive write, never for manual fixes', () => {
    const snap = snapshot({
      groups: [group(1, 'acme', { hooks: ok([hook(5, false)]) }, { require_two_factor_authentication: false })],
    });
    const r = evaluate(snap, baseline(), { rules: [twoFactor, sslVerification] });
    expect(r.findings.map((f) => [f.rule, f.object, f.revertible])).toEqual([
      ['two-factor.required', undefined, false],
      ['webhooks.ssl-verification', '5', false],
    ]);
  });

  it('passes the area params and the snapshot clock to the rule', () => {
    let seen: unknown;
    const spy = defineRule({ ...resetOnPush, evaluate: (_s, params, ctx) => ((seen = { params, ctx }), []) });
    evaluate(snapshot({ projects: [project(12, 'acme/web', { approvals: approvals(true) })] }), baseline('settings: { mr-approvals: { min_approvals: 4 } }\n'), {
      rules: [spy],
    });
    expect(seen).toEqual({ params: { min_approvals: 4 }, ctx: { tier: 'ultimate', now: '2026-06-01T12:00:00.000Z', isAdmin: false } });
  });

  it('a rule skip becomes a skipped entry', () => {
    const r = evaluate(snapshot({ projects: [project(12, 'acme/web', { hooks: ok([]) })] }), baseline(), { rules: [allowedHosts] });
    expect(r.skipped).toEqual([{ rule: 'webhooks.allowed-hosts', target: WEB, reason: 'no allowlist' }]);
    expect(r.summary.complete).toBe(true);
  });

  it('rules turned off in the baseline are not evaluated', () => {
    const snap = snapshot({ projects: [project(12, 'acme/web', { protectedBranches: ok([branch('main', true)]) })] });
    const r = evaluate(snap, baseline('rules: { protected-branches.force-push: off }\n'), { rules: [forcePush] });
    expect(r.findings).toEqual([]);
    expect(r.summary.findings).toBe(0);
  });
});

describe('evaluate: tier and admin', () => {
  it('skips a rule above the detected tier, per target, with the reason', () => {
    const snap = snapshot({ tier: 'free', projects: [project(13, 'acme/api'), project(12, 'acme/web')] });
    const r = evaluate(snap, baseline(), { rules: [resetOnPush] });
    expect(r.skipped).toEqual([
      { rule: 'mr-approvals.reset-on-push', target: { kind: 'project', path: 'acme/api', id: 13 }, reason: 'requires premium (detected free)' },
      { rule: 'mr-approvals.reset-on-push', target: WEB, reason: 'requires premium (detected free)' },
    ]);
    expect(r.findings).toEqual([]);
    expect(r.errors).toEqual([]);
    expect(exitCodeFor(r)).toBe(0);
  });

  it('minTier per scope: group hooks skipped on free, project hooks judged', () => {
    const snap = snapshot({
      tier: 'free',
      groups: [group(1, 'acme', { hooks: ok([hook(1, false)]) })],
      projects: [project(12, 'acme/web', { hooks: ok([hook(2, false)]) })],
    });
    const r = evaluate(snap, baseline(), { rules: [sslVerification] });
    expect(r.skipped.map((s) => [s.target.path, s.reason])).toEqual([['acme', 'requires premium (detected free)']]);
    expect(r.findings.map((f) => [f.target.path, f.object])).toEqual([['acme/web', '2']]);
  });

  it('instance rules without an admin token are skipped on the instance', () => {
    const r = evaluate(snapshot({ isAdmin: false }), baseline(), { rules: [instanceTwoFactor] });
    expect(r.skipped).toEqual([
      { rule: 'instance.two-factor-required', target: { kind: 'instance', path: '(instance)', id: 0 }, reason: 'needs an administrator token' },
    ]);
    expect(r.summary).toMatchObject({ targets: 0, complete: true });
  });

  it('instance rules with an admin token are judged; the instance counts as a target', () => {
    const instance = { target: { kind: 'instance' as const, path: '(instance)', id: 0 }, settings: ok({ require_two_factor_authentication: false } as GlApplicationSettings) };
    const r = evaluate(snapshot({ isAdmin: true, instance }), baseline(), { rules: [instanceTwoFactor] });
    expect(r.findings.map((f) => [f.rule, f.target.kind, f.revertible])).toEqual([['instance.two-factor-required', 'instance', true]]);
    expect(r.summary.targets).toBe(1);
  });

  it('an admin run without instance settings is a collector bug: an error, not a pass', () => {
    const r = evaluate(snapshot({ isAdmin: true }), baseline(), { rules: [instanceTwoFactor] });
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.message).toContain('read "settings" needed by instance.two-factor-required was not collected');
    expect(exitCodeFor(r)).toBe(2);
  });
});

describe('evaluate: failed and missing reads', () => {
  const denied = 'GET /projects/12/hooks -> 403: token role is Developer, hooks need Maintainer. Use a Maintainer token, or add acme/web to targets.exclude.';

  it('a failed read is one error per target and read, listing every rule it blocked, and never a finding or a pass', () => {
    const snap = snapshot({
      projects: [
        project(12, 'acme/web', { hooks: failed(denied), protectedBranches: ok([branch('main', true)]) }),
        project(13, 'acme/api', { hooks: ok([hook(9, false)]), protectedBranches: ok([]) }),
      ],
    });
    const r = evaluate(snap, baseline('settings: { webhooks: { allowed_hosts: ["*.test"] } }\n'), { rules: [sslVerification, allowedHosts, forcePush] });
    expect(r.errors).toEqual([{ target: WEB, message: denied, rules: ['webhooks.allowed-hosts', 'webhooks.ssl-verification'] }]);
    // Other reads of the same target and other targets are still judged: the run is mixed, reported whole.
    expect(r.findings.map((f) => [f.target.path, f.rule])).toEqual([
      ['acme/api', 'webhooks.ssl-verification'],
      ['acme/web', 'protected-branches.force-push'],
    ]);
    expect(r.findings.some((f) => f.target.path === 'acme/web' && f.rule.startsWith('webhooks.'))).toBe(false);
    expect(r.skipped.some((s) => s.target.path === 'acme/web')).toBe(false);
    expect(r.summary).toEqual({ targets: 2, findings: 2, waived: 0, skipped: 0, errors: 1, complete: false });
    expect(exitCodeFor(r)).toBe(2);
  });

  it('a read the collector never made is an error naming the bug', () => {
    const r = evaluate(snapshot({ projects: [project(12, 'acme/web')] }), baseline(), { rules: [forcePush] });
    expect(r.errors).toEqual([
      {
        target: WEB,
        message:
          'read "protectedBranches" needed by protected-branches.force-push was not collected (a gitlab-posture collector bug: please report it); the rules listed were not evaluated on this target',
        rules: ['protected-branches.force-push'],
      },
    ]);
    expect(r.summary.complete).toBe(false);
  });

  it('a failed base read blocks every rule on the target', () => {
    const state = { ...project(12, 'acme/web', { protectedBranches: ok([branch('main', true)]) }), project: failed('GET /projects/12 -> 404', 'not_found') };
    const r = evaluate(snapshot({ projects: [state] }), baseline(), { rules: [forcePush] });
    expect(r.findings).toEqual([]);
    expect(r.errors).toEqual([{ target: WEB, message: 'GET /projects/12 -> 404', rules: ['protected-branches.force-push'] }]);
  });

  it('unresolvable targets from the snapshot are copied to errors', () => {
    const unresolved = { target: { kind: 'group' as const, path: 'ghost', id: 0 }, message: 'GET /groups/ghost -> 404: 404 Group Not Found' };
    const r = evaluate(snapshot({ errors: [unresolved] }), baseline(), { rules: RULES });
    expect(r.errors).toEqual([unresolved]);
    expect(r.summary).toMatchObject({ errors: 1, complete: false });
  });

  it('a rule that throws is an error on its target, not a pass', () => {
    const broken = defineRule({ ...forcePush, evaluate: () => { throw new Error('boom'); } });
    const r = evaluate(snapshot({ projects: [project(12, 'acme/web', { protectedBranches: ok([]) })] }), baseline(), { rules: [broken] });
    expect(r.errors).toEqual([
      { target: WEB, message: 'rule protected-branches.force-push failed: boom (a gitlab-posture bug: please report it)', rules: ['protected-branches.force-push'] },
    ]);
  });

  it('enrichment reads are optional: failed ones leave the key undefined', () => {
    let seen: unknown = 'unset';
    const enriched = defineRule({ ...forcePush, enrich: { project: ['mrApprovalSetting'] }, evaluate: (s) => ((seen = (s as { mrApprovalSetting?: unknown }).mrApprovalSetting), []) });
    evaluate(snapshot({ projects: [project(12, 'acme/web', { protectedBranches: ok([]), mrApprovalSetting: failed('x') })] }), baseline(), { rules: [enriched] });
    expect(seen).toBeUndefined();
  });
});

describe('evaluate: waivers', () => {
  const snap = () =>
    snapshot({
      projects: [
        project(12, 'acme/web', { hooks: ok([hook(1, false)]) }),
        project(14, 'acme/docs-site', { hooks: ok([hook(2, false)]) }),
      ],
    });

  it('a matching waiver (rule glob + target glob) waives; others stay', () => {
    const b = baseline('waivers:\n  - { rule: "webhooks.*", target: "acme/docs-*", reason: vendor hook, expires: 2027-01-01 }\n');
    const r = evaluate(snap(), b, { rules: [sslVerification] });
    expect(r.findings.map((f) => [f.target.path, f.waived, f.waiver])).toEqual([
      ['acme/docs-site', true, { reason: 'vendor hook', expires: '2027-01-01' }],
      ['acme/web', false, undefined],
    ]);
    expect(r.summary).toMatchObject({ findings: 1, waived: 1 });
    expect(exitCodeFor({ ...r, findings: r.findings.filter((f) => f.waived) })).toBe(0);
  });

  it('a waiver for another rule does not apply', () => {
    const b = baseline('waivers:\n  - { rule: ci.public-jobs, target: "acme/**", reason: r, expires: 2027-01-01 }\n');
    expect(evaluate(snap(), b, { rules: [sslVerification] }).summary).toMatchObject({ findings: 2, waived: 0 });
  });

  it('an expired waiver no longer applies and is reported', () => {
    const b = baseline('waivers:\n  - { rule: webhooks.ssl-verification, target: acme/web, reason: old, expires: 2026-04-01 }\n', { allowExpiredWaivers: true });
    const r = evaluate(snap(), b, { rules: [sslVerification] });
    expect(r.findings.every((f) => !f.waived)).toBe(true);
    expect(r.expiredWaivers).toEqual([{ rule: 'webhooks.ssl-verification', target: 'acme/web', reason: 'old', expires: '2026-04-01' }]);
    expect(exitCodeFor(r)).toBe(1);
  });

  it('a waiver valid at load but past by the snapshot time does not apply (the snapshot is the clock)', () => {
    // Loaded on 2026-05-01, snapshot taken 2026-06-01T12:00Z.
    const b = baseline('waivers:\n  - { rule: webhooks.ssl-verification, target: acme/web, reason: r, expires: 2026-06-01 }\n');
    expect(b.waivers[0]!.expired).toBe(false);
    const r = evaluate(snap(), b, { rules: [sslVerification] });
    expect(r.findings.find((f) => f.target.path === 'acme/web')!.waived).toBe(false);
    expect(r.expiredWaivers?.map((w) => w.expires)).toEqual(['2026-06-01']);
  });
});

describe('evaluate: --only and ordering', () => {
  const snap = () =>
    snapshot({
      groups: [group(1, 'acme', { hooks: ok([]) }, { require_two_factor_authentication: false })],
      projects: [
        project(12, 'acme/web', { protectedBranches: ok([branch('release/2', true), branch('main', true)]), hooks: ok([hook(7, false), hook(3, false)]) }),
        project(11, 'acme/api', { protectedBranches: ok([branch('main', true)]), hooks: ok([]) }),
      ],
    });

  it('--only globs select rules', () => {
    const r = evaluate(snap(), baseline(), { rules: RULES.filter((x) => x !== instanceTwoFactor), only: ['webhooks.*'] });
    expect([...new Set(r.findings.map((f) => f.rule))]).toEqual(['webhooks.ssl-verification']);
    expect(activeRules(RULES, baseline(), ['webhooks.*', 'two-factor.required']).map((x) => x.id)).toEqual([
      'two-factor.required',
      'webhooks.ssl-verification',
      'webhooks.allowed-hosts',
    ]);
  });

  it('--only never turns on a rule the baseline turned off', () => {
    expect(activeRules(RULES, baseline('rules: { two-factor.required: off }\n'), ['two-factor.*']).map((x) => x.id)).toEqual([]);
  });

  it('--only with a glob that matches no rule is refused (a typo must not look like a clean run)', () => {
    expect(() => evaluate(snap(), baseline(), { rules: RULES, only: ['webhook.*'] })).toThrow(UnknownRuleError);
    expect(() => activeRules(RULES, baseline(), ['webhook.*', 'ci.*'])).toThrow(
      '--only "webhook.*", "ci.*": matches no rule. List the rule ids with `gitlab-posture rules`; globs like `webhooks.*` select an area.',
    );
  });

  it('findings ordered by target path, rule id, branch, object', () => {
    const r = evaluate(snap(), baseline(), { rules: [sslVerification, forcePush, twoFactor] });
    expect(r.findings.map((f) => [f.target.path, f.rule, f.branch ?? f.object ?? ''])).toEqual([
      ['acme', 'two-factor.required', ''],
      ['acme/api', 'protected-branches.force-push', 'main'],
      ['acme/web', 'protected-branches.force-push', 'main'],
      ['acme/web', 'protected-branches.force-push', 'release/2'],
      ['acme/web', 'webhooks.ssl-verification', '3'],
      ['acme/web', 'webhooks.ssl-verification', '7'],
    ]);
  });

  it('the same input gives the same result regardless of input order', () => {
    const a = snap();
    const b = { ...snap(), projects: [...snap().projects].reverse() };
    expect(evaluate(b, baseline(), { rules: [...RULES].reverse() })).toEqual(evaluate(a, baseline(), { rules: RULES }));
  });
});
