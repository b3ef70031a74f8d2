import { describe, expect, it } from 'vitest';
import { explainFindings, type AuditReader } from '../../checks/explain';
import type { Finding } from '../../model/result';
import type { TargetRef } from '../../model/target';
import { ForbiddenError } from '../../gitlab/errors';
import type { GlAuditEvent } from '../../gitlab/types';
import { parseRubyStringArray, settingValue } from '../../checks/explain/values';

const web: TargetRef = { kind: 'project', path: 'acme/web', id: 12 };
const api: TargetRef = { kind: 'project', path: 'acme/api', id: 13 };
const instance: TargetRef = { kind: 'instance', path: '(instance)', id: 0 };

function finding(over: Partial<Finding>): Finding {
  return { rule: 'protected-branches.push', area: 'x', severity: 'high', target: web, setting: 'push_access_levels', branch: 'main', expected: 40, actual: 30, message: 'm', revertible: true, waived: false, ...over };
}

let nextId = 1;
function event(name: string, at: string, details: Partial<GlAuditEvent['details']> = {}, author = 7): GlAuditEvent {
  return { id: nextId++, author_id: author, entity_id: 12, entity_type: 'Project', created_at: at, event_name: name, details: { event_name: name, author_name: 'Eve Example', ip_address: '192.0.2.1', ...details } };
}

function fakeReader(byTarget: Record<string, GlAuditEvent[] | Error>) {
  const calls: { target: string; after: string; names: string[] }[] = [];
  const reader: AuditReader = {
    async events(target, after, names) {
      calls.push({ target: target.path, after, names: [...names].sort() });
      const v = byTarget[target.path] ?? [];
      if (v instanceof Error) throw v;
      return v.filter((e) => names.has(e.event_name!));
    },
    async username(id, fallback) {
      return id === 7 ? 'eve' : (fallback ?? `user ${id}`);
    },
  };
  return { reader, calls };
}

const opts = { now: new Date('2026-03-01T00:00:00Z'), sinceMs: 30 * 86_400_000, sinceText: '30d', tier: 'ultimate' as const, isAdmin: false };

describe('explainFindings', () => {
  // Fixtures are REST-shaped: `from`/`to` are strings (AuditEvents::CommonModel#formatted_details), the values
  // as Audit::ProtectedBranchesChangesAuditor writes them (access levels humanized, so ["Maintainers"]).
  it('takes the newest matching event: right branch, right change; reads each target once', async () => {
    const events = [
      event('protected_branch_updated', '2026-02-10T00:00:00Z', { target_details: 'main', change: 'allowed to push', from: '["Maintainers"]', to: '["Developers + Maintainers"]' }),
      event('protected_branch_updated', '2026-02-20T00:00:00Z', { target_details: 'main', change: 'allowed to merge', from: '["Maintainers"]', to: '["Developers + Maintainers"]' }),
      event('protected_branch_updated', '2026-02-25T00:00:00Z', { target_details: 'develop', change: 'allowed to push', from: '["Maintainers"]', to: '["No one"]' }),
      event('protected_branch_allow_force_push_updated', '2026-02-11T00:00:00Z', { target_details: 'main', change: 'allow force push', from: 'false', to: 'true' }),
      event('protected_branch_allow_force_push_updated', '2026-02-12T00:00:00Z', { target_details: 'main', change: 'allow force push', from: 'true', to: 'false' }, 99),
    ];
    const { reader, calls } = fakeReader({ 'acme/web': events });
    const out = await explainFindings(
      [finding({}), finding({ rule: 'protected-branches.force-push', setting: 'allow_force_push', expected: false, actual: true })],
      reader,
      opts,
    );
    // Access levels in the setting's own terms (ProtectedRefAccess::HUMAN_ACCESS_LEVELS), booleans as booleans.
    expect(out[0].explanation).toEqual({ event_id: events[0].id, author: 'eve', at: '2026-02-10T00:00:00Z', ip: '192.0.2.1', event_name: 'protected_branch_updated', from: [40], to: [30] });
    expect(out[1].explanation).toMatchObject({ event_id: events[4].id, author: 'Eve Example', from: true, to: false });
    expect(calls).toEqual([
      { target: 'acme/web', after: '2026-01-30T00:00:00.000Z', names: ['protected_branch_allow_force_push_updated', 'protected_branch_created', 'protected_branch_updated'] },
    ]);
  });

  it('a read failure is said on each finding of that target, other targets still explained', async () => {
    const forbidden = new ForbiddenError({ method: 'GET', path: '/projects/12/audit_events', status: 403, detail: '403 Forbidden', hint: 'Use a Maintainer token.' } as never);
    const { reader } = fakeReader({
      'acme/web': forbidden,
      'acme/api': [event('project_visibility_level_updated', '2026-02-01T00:00:00Z', { change: 'visibility_level', from: 'Private', to: 'Public' })],
    });
    const out = await explainFindings(
      [finding({}), finding({ rule: 'visibility.project', target: api, setting: 'visibility', branch: undefined, expected: 'private', actual: 'public' })],
      reader,
      opts,
    );
    expect(String((out[0].explanation as { unavailable: string }).unavailable)).toMatch(/^its audit events could not be read: GET \/projects\/12\/audit_events -> 403/);
    // Gitlab::VisibilityLevel.level_name in the event; the setting's own value in the explanation.
    expect(out[1].explanation).toMatchObject({ author: 'eve', from: 'private', to: 'public' });
  });

  it('instance settings: the event whose change is the setting; without an admin token, unavailable and unread', async () => {
    const events = [
      event('application_setting_updated', '2026-02-01T00:00:00Z', { change: 'two_factor_grace_period', from: '8', to: '72' }),
      event('application_setting_updated', '2026-02-02T00:00:00Z', { change: 'require_two_factor_authentication', from: 'true', to: 'false' }),
    ];
    const f = finding({ rule: 'instance.two-factor-required', target: instance, setting: 'require_two_factor_authentication', branch: undefined, expected: true, actual: false });
    const admin = fakeReader({ '(instance)': events });
    expect((await explainFindings([f], admin.reader, { ...opts, isAdmin: true }))[0].explanation).toMatchObject({ event_id: events[1].id, from: true, to: false });
    const user = fakeReader({ '(instance)': events });
    expect((await explainFindings([f], user.reader, opts))[0].explanation).toEqual({ unavailable: 'instance audit events need an administrator token' });
    expect(user.calls).toEqual([]);
  });

  it('no read at all for targets whose findings GitLab never audits', async () => {
    const { reader, calls } = fakeReader({});
    const out = await explainFindings([finding({ rule: 'ci.public-jobs', setting: 'public_jobs', branch: undefined })], reader, opts);
    expect(calls).toEqual([]);
    expect(String((out[0].explanation as { unavailable: string }).unavailable)).toMatch(/^GitLab does not audit public_jobs/);
  });

  it('every push wording GitLab has used ("allowed to push", "allowed to push and merge") explains a push finding; merge wording does not', async () => {
    const events = [
      event('protected_branch_updated', '2026-02-10T00:00:00Z', { target_details: 'main', change: 'allowed to push', from: '["Maintainers"]', to: '["Developers + Maintainers"]' }),
      event('protected_branch_updated', '2026-02-14T00:00:00Z', { target_details: 'main', change: 'Allowed to push and merge', from: '["No one"]', to: '["Maintainers", "Developers + Maintainers"]' }),
      event('protected_branch_updated', '2026-02-20T00:00:00Z', { target_details: 'main', change: 'allowed to merge', from: '["Maintainers"]', to: '["Developers + Maintainers"]' }),
    ];
    const { reader } = fakeReader({ 'acme/web': events });
    const [push] = await explainFindings([finding({})], reader, opts);
    expect(push.explanation).toMatchObject({ event_id: events[1].id, from: [0], to: [40, 30] });
    const { reader: older } = fakeReader({ 'acme/web': [events[0], events[2]] });
    const [old] = await explainFindings([finding({})], older, opts);
    expect(old.explanation).toMatchObject({ event_id: events[0].id, from: [40], to: [30] });
  });

  it('older GitLab logged force push as protected_branch_updated ("allow force push"): still the force-push event', async () => {
    // EE::Audit::ProtectedBranchesChangesAuditor#event_type was protected_branch_updated for every change.
    const events = [event('protected_branch_updated', '2026-02-10T00:00:00Z', { target_details: 'main', change: 'allow force push', from: 'false', to: 'true' })];
    const { reader } = fakeReader({ 'acme/web': events });
    const [f] = await explainFindings([finding({ rule: 'protected-branches.force-push', setting: 'allow_force_push', expected: false, actual: true })], reader, opts);
    expect(f.explanation).toMatchObject({ event_id: events[0].id, event_name: 'protected_branch_updated', from: false, to: true });
  });

  it('un-inverts "prevent merge request approval from authors" ("true" -> "false" is author approval false -> true)', async () => {
    // Audit::ProjectChangesAuditor logs merge_requests_author_approval negated, under this wording.
    const events = [event('project_merge_requests_author_approval_updated', '2026-02-10T00:00:00Z', { change: 'prevent merge request approval from authors', from: 'true', to: 'false' })];
    const { reader } = fakeReader({ 'acme/web': events });
    const [f] = await explainFindings([finding({ rule: 'mr-approvals.author-approval', setting: 'merge_requests_author_approval', branch: undefined, expected: false, actual: true })], reader, opts);
    expect(f.explanation).toMatchObject({ from: false, to: true });
  });

  it('a variable update explains only the attribute it changed (masking vs protection)', async () => {
    const events = [
      event('ci_variable_updated', '2026-02-10T00:00:00Z', { target_details: 'DEPLOY_TOKEN', change: 'variable masking', from: 'true', to: 'false' }),
      event('ci_variable_updated', '2026-02-12T00:00:00Z', { target_details: 'DEPLOY_TOKEN', change: 'variable protection', from: 'true', to: 'false' }),
    ];
    const { reader } = fakeReader({ 'acme/web': events });
    const base = { rule: 'ci.masked-variables', branch: undefined, object: 'DEPLOY_TOKEN', expected: true, actual: false } as const;
    const [masked, prot] = await explainFindings([finding({ ...base, setting: 'masked' }), finding({ ...base, setting: 'protected' })], reader, opts);
    expect(masked.explanation).toMatchObject({ event_id: events[0].id, from: true, to: false });
    expect(prot.explanation).toMatchObject({ event_id: events[1].id, from: true, to: false });
  });

  it('job token scope: GitLab audits only the GraphQL change, so explain says a REST change would not show', async () => {
    // Mutations::Ci::ProjectCiCdSettingsUpdate audits; PATCH /projects/:id/job_token_scope (Projects::UpdateService) does not.
    const f = finding({ rule: 'ci.job-token-scope', setting: 'inbound_enabled', branch: undefined, expected: true, actual: false });
    const events = [event('secure_ci_job_token_inbound_disabled', '2026-02-10T00:00:00Z', { custom_message: 'Secure ci_job_token was disabled for inbound' })];
    const [found] = await explainFindings([f], fakeReader({ 'acme/web': events }).reader, opts);
    expect(found.explanation).toMatchObject({ event_id: events[0].id, from: true, to: false });
    expect(String((found.explanation as { note?: string }).note)).toContain('a later change through the REST API (PATCH /projects/:id/job_token_scope) would not show');
    const [none] = await explainFindings([f], fakeReader({}).reader, opts);
    expect((none.explanation as { unavailable: string }).unavailable).toBe(
      'no audit event in the last 30d changed inbound_enabled on acme/web (looked for secure_ci_job_token_inbound_disabled); ' +
        'GitLab does not audit changes made through the REST API (PATCH /projects/:id/job_token_scope), only through GraphQL, so it may have been changed there',
    );
  });
});

// AuditEvents::CommonModel#formatted_details sends `details.from/to` through Ruby's to_s: what each stored type
// becomes, and what explain makes of it in the setting's own terms. Streamed events keep the stored types.
describe('settingValue', () => {
  it.each([
    ['boolean "true"', 'true', 'boolean', true],
    ['boolean "false"', 'false', 'boolean', false],
    ['typed boolean (streamed)', false, 'boolean', false],
    ['nil.to_s is ""', '', 'boolean', null],
    ['integer "8"', '8', 'integer', 8],
    ['typed integer (streamed)', 8, 'integer', 8],
    ['visibility level name', 'Internal', 'visibility', 'internal'],
    ['access levels (Array#to_s)', '["Maintainers", "Developers + Maintainers"]', 'access-levels', [40, 30]],
    // ProtectedRefAccess.human_access_levels (app/models/concerns/protected_ref_access.rb): 60 is "Instance admins".
    ['"No one" and "Instance admins"', '["No one", "Instance admins"]', 'access-levels', [0, 60]],
    ['a user entry stays its name', '["Maintainers", "Jane Doe"]', 'access-levels', [40, 'Jane Doe']],
    ['typed array (streamed)', ['Maintainers'], 'access-levels', [40]],
    ['unparsable text is kept', 'yes', 'boolean', 'yes'],
  ] as const)('%s', (_name, raw, kind, want) => {
    expect(settingValue(raw, kind)).toEqual(want);
  });

  it('parses Ruby array inspect text only', () => {
    expect(parseRubyStringArray('["a \\"b\\"", "c"]')).toEqual(['a "b"', 'c']);
    expect(parseRubyStringArray('Maintainers')).toBeUndefined();
    expect(parseRubyStringArray('[1, 2]')).toBeUndefined();
  });
});
