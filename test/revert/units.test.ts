// Pure parts of revert/undo: the plan's sorting, the journal reader, scrubbing of before values, restore writes.
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../model/result';
import type { AllParams } from '../../policies/params';
import { planRevert } from '../../checks/revert/plan';
import { Journal, entriesOf, readJournal, newRunId, type JournalRecord } from '../../checks/revert/journal';
import { readPathOf, scrubRead as scrub } from '../../checks/revert/before';
import { restoreFor } from '../../checks/revert/undo';
import { applySteps, type WriteStep } from '../../checks/revert/apply';
import { RejectedError } from '../../gitlab/errors';
import type { GitlabClient } from '../../gitlab/client';
import { params } from '../policies/helpers';

const ALL = {
  webhooks: params('webhooks', { allowed_hosts: ['hooks.acme.example'] }),
  visibility: params('visibility'),
  'protected-branches': params('protected-branches'),
} as unknown as AllParams;

const api = { kind: 'project', path: 'acme/api', id: 13 } as const;
function finding(over: Partial<Finding>): Finding {
  return { rule: 'x', area: 'webhooks', severity: 'high', target: api, setting: 's', expected: true, actual: false, message: 'm', revertible: true, waived: false, ...over };
}
const exfilHost = finding({ rule: 'webhooks.allowed-hosts', setting: 'url', object: '7', expected: ['hooks.acme.example'], actual: 'exfil.example' });
const exfilSsl = finding({ rule: 'webhooks.ssl-verification', setting: 'enable_ssl_verification', object: '7', fixData: { url: 'https://exfil.example/h' } });
const exfilHttp = finding({ rule: 'webhooks.ssl-verification', setting: 'url', object: '7', fixData: { plain_http: true } });
const visibility = finding({ rule: 'visibility.project', area: 'visibility', setting: 'visibility', expected: 'private', actual: 'public' });

describe('planRevert', () => {
  it('without --allow-destructive: deletes wait, manual fixes are listed, waived findings are ignored', () => {
    const plan = planRevert([exfilHost, exfilSsl, exfilHttp, visibility, { ...visibility, waived: true }], ALL, { allowDestructive: false });
    expect(plan.steps.map((s) => [s.seq, s.finding.rule, s.change.method, s.change.path])).toEqual([
      [1, 'webhooks.ssl-verification', 'PUT', '/projects/13/hooks/7'],
      [2, 'visibility.project', 'PUT', '/projects/13'],
    ]);
    expect(plan.needsDestructive.map((n) => [n.change.method, n.change.path])).toEqual([['DELETE', '/projects/13/hooks/7']]);
    expect(plan.manual.map((m) => m.finding.setting)).toEqual(['url']);
    expect(plan.superseded).toEqual([]);
  });

  it('with --allow-destructive: the deletion supersedes every other finding on the same hook', () => {
    const plan = planRevert([exfilHost, exfilSsl, exfilHttp, visibility], ALL, { allowDestructive: true });
    expect(plan.steps.map((s) => [s.seq, s.change.method])).toEqual([[1, 'DELETE'], [2, 'PUT']]);
    expect(plan.superseded.map((s) => [s.finding.setting, s.by])).toEqual([['enable_ssl_verification', 1], ['url', 1]]);
    expect(plan.manual).toEqual([]);
  });
});

const HEADER = { url: 'http://gl', command: 'revert' as const, planned: null };

describe('journal', () => {
  const rec = (seq: number, outcome: JournalRecord['outcome']): JournalRecord => ({
    run: 'run1', seq, time: `2026-01-01T00:00:0${seq}Z`, url: 'http://gl', target: api, rule: 'x', setting: 's', method: 'PUT', path: '/p', outcome,
  });

  it('appends flushed lines, redacts token-looking text, ignores a torn last line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    const j = Journal.create(dir, 'run1', 'sekret-token-123', HEADER);
    j.append({ ...rec(1, 'pending'), error: 'echo sekret-token-123 and glpat-abcdefghijklmnop' });
    j.append(rec(1, 'applied'));
    writeFileSync(j.file, readFileSync(j.file, 'utf8') + '{"run":"run1","seq":2,');
    const records = readJournal(j.file);
    expect(records.map((r) => r.outcome)).toEqual(['pending', 'applied']);
    expect(readFileSync(j.file, 'utf8')).not.toMatch(/sekret-token-123|glpat-abc/);
    expect(() => Journal.create(dir, 'run1', undefined, HEADER)).toThrow();
  });

  it('groups records by step with the last outcome', () => {
    const e = entriesOf([rec(1, 'pending'), rec(2, 'pending'), rec(1, 'applied'), rec(1, 'verified')]);
    expect(e.map((x) => [x.pending.seq, x.last])).toEqual([[1, 'verified'], [2, 'pending']]);
  });

  it('run ids sort by time', () => {
    expect(newRunId(new Date('2026-01-01T00:00:00.009Z')) < newRunId(new Date('2026-01-01T00:00:00.010Z'))).toBe(true);
  });
});

describe('before values', () => {
  it('drop variable values and token strings, keep flags', () => {
    expect(scrub({ key: 'K', value: 'v', masked: false }, '/projects/1/variables/K')).toEqual({ key: 'K', masked: false });
    expect(scrub({ runners_token: 'GR123', require_password_to_approve: true, nested: { token: 'x' } }, '/projects/1')).toEqual({
      require_password_to_approve: true,
      nested: {},
    });
  });

  it('read the object a write changes', () => {
    expect(readPathOf({ method: 'POST', path: '/projects/1/protected_branches', body: { name: 'release/*' } })).toBe('/projects/1/protected_branches/release%2F*');
    expect(readPathOf({ method: 'PUT', path: '/groups/5' })).toBe('/groups/5?with_projects=false');
    expect(readPathOf({ method: 'POST', path: '/projects/1/approval_rules' })).toBeNull();
  });
});

describe('restoreFor', () => {
  const entry = (before: unknown, intended: unknown, method = 'PATCH', path = '/projects/1/protected_branches/main') => ({
    pending: { run: 'r', seq: 1, time: 't', url: 'u', target: api, rule: 'x', setting: 's', method, path, before, intended, outcome: 'pending' as const },
    outcomes: [],
    last: 'verified' as const,
  });
  const lvl = (id: number, access_level: number) => ({ id, access_level, user_id: null, group_id: null, deploy_key_id: null });

  it('puts removed access entries back and destroys added ones, in one PATCH', () => {
    const before = { push_access_levels: [lvl(1, 40), lvl(2, 30)] };
    const live = { push_access_levels: [lvl(1, 40), lvl(9, 0)] };
    const r = restoreFor(entry(before, { allowed_to_push: [{ id: 2, _destroy: true }] }), live);
    expect('change' in r && r.change).toEqual({
      method: 'PATCH',
      path: '/projects/1/protected_branches/main',
      body: { allowed_to_push: [{ id: 9, _destroy: true }, { access_level: 30 }] },
    });
  });

  it('job token scope restores through `enabled`, read back as inbound_enabled', () => {
    const r = restoreFor(entry({ inbound_enabled: false }, { enabled: true }, 'PATCH', '/projects/1/job_token_scope'), { inbound_enabled: true });
    expect('change' in r && r.change.body).toEqual({ enabled: false });
  });

  it('skips a step whose live value is still the before value', () => {
    const r = restoreFor({ ...entry({ visibility: 'public' }, { visibility: 'private' }, 'PUT', '/projects/1'), last: 'pending' }, { visibility: 'public' });
    expect(r).toMatchObject({ reason: 'the write never happened (live value equals the before value)' });
  });
});

describe('applySteps: the re-read decides, not the answer', () => {
  const journalIn = () => Journal.create(mkdtempSync(join(tmpdir(), 'apply-')), 'run-apply', undefined, HEADER);
  const step = (verified: boolean): WriteStep => ({
    id: { run: 'run-apply', seq: 1, url: 'http://gl', target: api, rule: 'protected-branches.push', setting: 'push_access_levels', branch: 'main' },
    change: { method: 'PATCH', path: '/projects/13/protected_branches/main', body: { allowed_to_push: [{ id: 12, _destroy: true }, { access_level: 40 }] } },
    serialKey: '/projects/13/protected_branches/main',
    readBefore: async () => ({ push_access_levels: [{ id: 12, access_level: 30 }] }),
    verify: async () => (verified ? { verified: true } : { verified: false, detail: 'still 30' }),
  });
  // A retried PATCH whose first attempt GitLab applied: the retry answers 422 (the entry is already there).
  const client = {
    request: async () => {
      throw new RejectedError({ method: 'PATCH', path: '/projects/13/protected_branches/main', status: 422, gitlabMessage: 'Push access levels access level has already been taken' });
    },
  } as unknown as GitlabClient;

  it('a failed answer with the setting in place is verified, the error kept in the journal', async () => {
    const journal = journalIn();
    const [r] = await applySteps([step(true)], { client, journal, concurrency: 1, now: () => new Date('2026-11-20T12:00:00Z') });
    expect(r).toMatchObject({ outcome: 'verified', status: 422 });
    expect(r!.detail).toContain('already been taken');
    expect(readJournal(journal.file).map((x) => x.outcome)).toEqual(['pending', 'verified']);
  });

  it('a failed answer with the setting not in place is failed', async () => {
    const journal = journalIn();
    const [r] = await applySteps([step(false)], { client, journal, concurrency: 1, now: () => new Date('2026-11-20T12:00:00Z') });
    expect(r).toMatchObject({ outcome: 'failed', status: 422 });
    expect(readJournal(journal.file).map((x) => x.outcome)).toEqual(['pending', 'failed']);
  });
});

describe('planRevert: create steps carry what the rules judged on the target demand (issue 15, item 3)', () => {
  const pb = { ...ALL, 'protected-branches': params('protected-branches', { push_access_level: 60, merge_access_level: 40 }) } as AllParams;
  const missing = finding({ rule: 'protected-branches.default-protected', area: 'protected-branches', setting: 'protected', branch: 'release/*' });
  const judged = ['protected-branches.code-owner-approval', 'protected-branches.default-protected', 'protected-branches.force-push', 'protected-branches.push'];

  it('adds code_owner_approval_required where the code-owner rule was judged, and says so in the note', () => {
    const [step] = planRevert([missing], pb, { allowDestructive: false, judgedOn: (t) => (t.id === 13 ? judged : []) }).steps;
    expect(step!.change.body).toEqual({ name: 'release/*', push_access_level: 60, merge_access_level: 40, allow_force_push: false, code_owner_approval_required: true });
    expect(step!.change.note).toBe(
      'also sets code_owner_approval_required: true (protected-branches.code-owner-approval), so the new protected branch meets every rule judged here',
    );
  });

  it('leaves the create as the rule wrote it where nothing else was judged (Free: code owners skipped)', () => {
    const [step] = planRevert([missing], pb, { allowDestructive: false, judgedOn: () => ['protected-branches.push'] }).steps;
    expect(step!.change.body).toEqual({ name: 'release/*', push_access_level: 60, merge_access_level: 40, allow_force_push: false });
    expect(step!.change.note).toBeUndefined();
  });

  it("the creating rule's own fields win over a demand (the code-owner protect fix never asks GitLab.com for level 60)", () => {
    const covered = finding({ rule: 'protected-branches.code-owner-approval', area: 'protected-branches', setting: 'code_owner_approval_required', branch: 'main', fixData: { protect: true } });
    const [step] = planRevert([covered], pb, { allowDestructive: false, judgedOn: () => judged }).steps;
    expect(step!.change.body).toMatchObject({ push_access_level: 40, code_owner_approval_required: true });
    expect(step!.change.note).toBeUndefined();
  });
});
