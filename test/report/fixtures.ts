// A small check result across areas and severities: a waived finding, skipped checks, an unreadable target,
// `explain` explanations and a webhook URL carrying <script> (every reporter must escape it).
import type { CheckResult, Finding } from '../../model/result';
import type { TargetRef } from '../../model/target';
import type { RuleMeta } from '../../checks/report';

export const XSS_URL = 'https://evil.example/<script>alert("x")</script>?a=1&b=2';

export const group: TargetRef = { kind: 'group', path: 'acme', id: 100 };
export const web: TargetRef = { kind: 'project', path: 'acme/web', id: 12 };
export const api: TargetRef = { kind: 'project', path: 'acme/api', id: 13 };
export const docs: TargetRef = { kind: 'project', path: 'acme/docs-site', id: 14 };
export const broken: TargetRef = { kind: 'project', path: 'acme/broken', id: 15 };

const meta = (id: string, severity: RuleMeta['severity'], scope: RuleMeta['scope'], minTier: RuleMeta['minTier'] = 'free'): RuleMeta => ({
  id,
  area: id.split('.')[0] as RuleMeta['area'],
  title: `Title of ${id}`,
  description: `Why ${id} matters.`,
  severity,
  scenario: 'Misconfigured project or group settings',
  scope,
  minTier,
});

export const RULES: RuleMeta[] = [
  meta('two-factor.required', 'critical', ['group']),
  meta('visibility.group', 'high', ['group']),
  meta('visibility.project', 'high', ['project']),
  meta('protected-branches.force-push', 'high', ['project']),
  meta('protected-branches.push', 'high', ['project']),
  meta('mr-approvals.min-approvals', 'medium', ['project'], 'premium'),
  meta('webhooks.allowed-hosts', 'medium', ['group', 'project'], { group: 'premium', project: 'free' }),
  meta('git-abuse.download-limit', 'medium', ['group'], 'ultimate'),
  meta('ci.public-jobs', 'low', ['project']),
  meta('ci.masked-variables', 'high', ['group', 'project']),
];

const finding = (f: Partial<Finding> & Pick<Finding, 'rule' | 'severity' | 'target' | 'setting' | 'message'>): Finding => ({
  area: f.rule.split('.')[0],
  expected: true,
  actual: false,
  revertible: true,
  waived: false,
  ...f,
});

export const FINDINGS: Finding[] = [
  finding({ rule: 'two-factor.required', severity: 'critical', target: group, setting: 'require_two_factor_authentication',
    message: 'Two-factor authentication is not required for group acme' }),
  finding({ rule: 'protected-branches.force-push', severity: 'high', target: web, setting: 'allow_force_push', branch: 'main',
    expected: false, actual: true, message: 'Force push is allowed on protected branch main',
    explanation: { event_id: 5012, author: 'mallory', at: '2026-11-20T03:14:00Z', ip: '203.0.113.9',
      event_name: 'protected_branch_updated', from: false, to: true } }),
  finding({ rule: 'webhooks.allowed-hosts', severity: 'medium', target: web, setting: 'url', object: 'hook 7',
    expected: ['hooks.acme.example'], actual: XSS_URL, revertible: false,
    message: `Webhook 7 sends to a host outside the allowlist: ${XSS_URL}` }),
  finding({ rule: 'mr-approvals.min-approvals', severity: 'medium', target: api, setting: 'approvals_required',
    expected: 2, actual: 1, message: 'Merge requests need 1 approval | expected 2',
    explanation: { unavailable: 'no event in window' } }),
  finding({ rule: 'ci.public-jobs', severity: 'low', target: api, setting: 'public_jobs', expected: false, actual: true,
    message: 'Job logs and artifacts are public' }),
  finding({ rule: 'visibility.project', severity: 'high', target: docs, setting: 'visibility', expected: 'private',
    actual: 'public', message: 'Project acme/docs-site is public', waived: true,
    waiver: { reason: 'public documentation site', expires: '2027-03-01' } }),
];

export function makeResult(): CheckResult {
  return {
    schemaVersion: 1,
    gitlab: { url: 'https://gitlab.example.com', version: '17.5.0-ee', tier: 'premium' },
    summary: { targets: 5, findings: 6, waived: 1, skipped: 3, errors: 1, complete: false },
    findings: FINDINGS.map((f) => structuredClone(f)),
    skipped: [
      { rule: 'git-abuse.download-limit', target: group, reason: 'requires ultimate' },
      { rule: 'ci.masked-variables', target: web, reason: 'variables need a Maintainer token' },
      { rule: 'ci.masked-variables', target: api, reason: 'variables need a Maintainer token' },
    ],
    errors: [
      { target: broken, rules: ['protected-branches.push', 'protected-branches.force-push'],
        message: 'GET /projects/15/protected_branches -> 503: Service Unavailable. Retry later, or add acme/broken to targets.exclude.' },
    ],
    evaluated: [
      { rule: 'two-factor.required', target: group },
      { rule: 'visibility.group', target: group },
      { rule: 'protected-branches.force-push', target: web },
      { rule: 'webhooks.allowed-hosts', target: web },
      { rule: 'visibility.project', target: web },
      { rule: 'ci.public-jobs', target: web },
      { rule: 'mr-approvals.min-approvals', target: api },
      { rule: 'ci.public-jobs', target: api },
      { rule: 'visibility.project', target: api },
      { rule: 'visibility.project', target: docs },
    ],
  };
}

/** A compliant, complete run (no findings, nothing skipped, nothing unread). */
export function makeCleanResult(): CheckResult {
  return {
    schemaVersion: 1,
    gitlab: { url: 'https://gitlab.example.com', version: '17.5.0', tier: 'free' },
    summary: { targets: 12, findings: 0, waived: 0, skipped: 0, errors: 0, complete: true },
    findings: [],
    skipped: [],
    errors: [],
  };
}

/** Same content, every list reversed and object keys re-ordered: output must not change. */
export function shuffled(result: CheckResult): CheckResult {
  const reKey = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).reverse()) as T;
  return reKey({
    ...result,
    findings: [...result.findings].reverse().map((f) => reKey({ ...f, target: reKey(f.target) })),
    skipped: [...result.skipped].reverse().map(reKey),
    errors: [...result.errors].reverse().map(reKey),
    summary: reKey(result.summary),
    evaluated: result.evaluated ? [...result.evaluated].reverse() : undefined,
  });
}
