import { describe, expect, it } from 'vitest';
import { explainFindings, type AuditReader } from '../../checks/explain';
import type { Finding, TargetRef } from '../../checks/model';
import { ForbiddenError } from '../../gitlab/errors';
import type { GlAuditEvent } from '../../gitlab/types';

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
  it('takes the newest matching event: right branch, right change; reads each target once', async () => {
    const events = [
      event('protected_branch_updated', '2026-02-10T00:00:00Z', { target_details: 'main', change: 'allowed to push', from: ['Maintainers'], to: ['Developers + Maintainers'] }),
      event('protected_branch_updated', '2026-02-20T00:00:00Z', { target_details: 'main', change: 'allowed to merge', from: ['Maintainers'], to: ['Developers + Maintainers'] }),
      event('protected_branch_updated', '2026-02-25T00:00:00Z', { target_details: 'develop', change: 'allowed to push', from: ['Maintainers'], to: ['No one'] }),
      event('protected_branch_allow_force_push_updated', '2026-02-11T00:00:00Z', { target_details: 'main', change: 'allow force push', from: false, to: true }),
      event('protected_branch_allow_force_push_updated', '2026-02-12T00:00:00Z', { target_details: 'main', change: 'allow force push', from: true, to: false }, 99),
    ];
    const { reader, calls } = fakeReader({ 'acme/web': events });
    const out = await explainFindings(
      [finding({}), finding({ rule: 'protected-branches.force-push', setting: 'allow_force_push', expected: false, actual: true })],
      reader,
      opts,
    );
    expect(out[0].explanation).toEqual({ event_id: events[0].id, author: 'eve', at: '2026-02-10T00:00:00Z', ip: '192.0.2.1', event_name: 'protected_branch_updated', from: ['Maintainers'], to: ['Developers + Maintainers'] });
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
    expect(out[1].explanation).toMatchObject({ author: 'eve', from: 'Private', to: 'Public' });
  });

  it('instance settings: the event whose change is the setting; without an admin token, unavailable and unread', async () => {
    const events = [
      event('application_setting_updated', '2026-02-01T00:00:00Z', { change: 'two_factor_grace_period', from: 8, to: 72 }),
      event('application_setting_updated', '2026-02-02T00:00:00Z', { change: 'require_two_factor_authentication', from: true, to: false }),
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
});
