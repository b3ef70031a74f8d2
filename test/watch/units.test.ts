// watch's pieces on their own: event conversion, dedupe, queue, own-write memory, state file, receiver checks,
// the event -> rule mapping and --listen parsing.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GlAuditEvent } from '../../gitlab/types';
import { streamedPayload } from '../../sim/audit';
import {
  advance, BoundedQueue, emptyState, loadWatchState, OwnWrites, ownWriteOf, SeenIds, saveWatchState, startReceiver, toRestEvent,
  tokenMatches, affectedRules, type Offer, type Receiver,
} from '../../checks/watch';
import { RECENT_IDS_KEPT } from '../../checks/watch/state';
import { parseListen } from '../../checks/cli/watch';
import { UsageError } from '../../checks/cli/io';
import type { Finding } from '../../model/result';
import { tempDir } from '../helpers/cli';
import { post } from '../helpers/watch-io';

const restEvent = (over: Partial<GlAuditEvent> = {}): GlAuditEvent => ({
  id: 5012,
  author_id: 7,
  entity_id: 12,
  entity_type: 'Project',
  created_at: '2026-11-20T03:14:00.000Z',
  event_name: 'project_visibility_level_updated',
  details: {
    event_name: 'project_visibility_level_updated', author_name: 'Mallory', author_email: 'm@example.com', target_id: 12,
    target_type: 'Project', target_details: 'acme/web', ip_address: '203.0.113.9', entity_path: 'acme/web',
    change: 'visibility_level', from: 'Private', to: 'Public', custom_message: 'Changed visibility_level from Private to Public',
  },
  ...over,
});

describe('toRestEvent', () => {
  it('turns the streamed payload back into the REST event', () => {
    const e = restEvent();
    expect(toRestEvent(JSON.parse(JSON.stringify(streamedPayload(e))))).toEqual({ ok: true, event: e });
  });

  it('nests top-level copies and takes event_type as the name when details lack them', () => {
    const out = toRestEvent({
      id: '77', author_id: 3, entity_id: '9', entity_type: 'Group', created_at: '2026-01-02T00:00:00Z', event_type: 'group_visibility_level_updated',
      author_name: 'Alice', entity_path: 'acme', ip_address: '198.51.100.1', target_id: 9, target_type: 'Group', target_details: 'acme',
    });
    expect(out).toEqual({
      ok: true,
      event: {
        id: 77, author_id: 3, entity_id: 9, entity_type: 'Group', created_at: '2026-01-02T00:00:00Z', event_name: 'group_visibility_level_updated',
        details: {
          event_name: 'group_visibility_level_updated', author_name: 'Alice', entity_path: 'acme', ip_address: '198.51.100.1',
          target_id: 9, target_type: 'Group', target_details: 'acme',
        },
      },
    });
  });

  it.each([
    ['an array', [1], 'the body is not a JSON object'],
    ['no id', { entity_type: 'Project', entity_id: 1 }, 'id: expected a whole number or its string form, missing'],
    ['id zero', { id: '0', entity_type: 'Project', entity_id: 1 }, 'id: expected a positive integer, got "0"'],
    ['an unknown entity type', { id: 1, entity_type: 'Runner', entity_id: 1 }, 'entity_type: expected one of User | Group | Project | Gitlab::Audit::InstanceScope, got "Runner"'],
    ['no entity id', { id: 1, entity_type: 'Project' }, 'entity_id: expected a whole number or its string form, missing'],
    ['an author id that is not a number', { id: 1, entity_type: 'Project', entity_id: 1, author_id: 'root' }, 'author_id: expected a whole number or its string form, got "root"'],
  ])('refuses %s', (_name, payload, reason) => {
    const out = toRestEvent(payload);
    expect(out.ok).toBe(false);
    expect(out.ok ? '' : out.reason).toContain(reason);
  });
});

describe('SeenIds', () => {
  it('reports duplicates and forgets the oldest beyond its capacity', () => {
    const seen = new SeenIds(3);
    expect([1, 2, 3, 2].map((id) => seen.add(id))).toEqual([true, true, true, false]);
    seen.add(4); // 1 is the oldest (2 was refreshed by its duplicate)
    expect([1, 2, 3, 4].map((id) => seen.has(id))).toEqual([false, true, true, true]);
    expect(seen.recent(2)).toEqual([2, 4]);
    seen.delete(4);
    expect(seen.has(4)).toBe(false);
  });
});

describe('BoundedQueue', () => {
  it('refuses beyond its limit, works in order, keeps going after a failing item', async () => {
    const done: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const q = new BoundedQueue<number>(2, async (n) => {
      await gate;
      if (n === 2) throw new Error('boom');
      done.push(n);
    });
    expect([1, 2, 3, 4].map((n) => q.offer(n))).toEqual([true, true, true, false]); // 1 is being worked on
    expect(q.size).toBe(2);
    release();
    await q.idle();
    expect(done).toEqual([1, 3]);
    expect(q.busy).toBe(false);
  });

  it('rejects a limit below 1', () => {
    expect(() => new BoundedQueue(0, async () => undefined)).toThrow('expected a whole number >= 1');
  });
});

describe('OwnWrites', () => {
  const write = { entityType: 'Project' as const, entityId: 12, eventNames: ['project_visibility_level_updated'], to: 'private' };
  const echo = restEvent({ details: { ...restEvent().details, from: 'Public', to: 'Private' } });

  it('recognises the echo of a write once', () => {
    const own = new OwnWrites();
    own.remember(write);
    expect(own.consume(echo)).toBe(true);
    expect(own.consume(echo)).toBe(false);
  });

  it.each([
    ['another project', restEvent({ entity_id: 13, details: echo.details })],
    ['another event', restEvent({ event_name: 'project_reset_approvals_on_push_updated', details: echo.details })],
    ['a change to another value (someone else)', restEvent()],
  ])('does not take %s for its own', (_name, event) => {
    const own = new OwnWrites();
    own.remember(write);
    expect(own.consume(event)).toBe(false);
    expect(own.size).toBe(1);
  });

  it('forgets writes after the time-to-live', () => {
    let t = 1_000;
    const own = new OwnWrites({ ttlMs: 100, now: () => t });
    own.remember(write);
    t += 101;
    expect(own.consume(echo)).toBe(false);
  });

  it('ownWriteOf names the events and the value the revert will show (inverted author approval)', () => {
    const f = (over: Partial<Finding>): Finding => ({
      rule: 'visibility.project', area: 'visibility', severity: 'high', target: { kind: 'project', path: 'acme/web', id: 12 }, setting: 'visibility',
      expected: 'private', actual: 'public', message: '', revertible: true, waived: false, ...over,
    });
    expect(ownWriteOf(f({}))).toEqual({ entityType: 'Project', entityId: 12, eventNames: ['project_visibility_level_updated'], to: 'private' });
    expect(ownWriteOf(f({ rule: 'mr-approvals.author-approval', area: 'mr-approvals', setting: 'merge_requests_author_approval', expected: false, actual: true }))).toEqual({
      entityType: 'Project', entityId: 12, eventNames: ['project_merge_requests_author_approval_updated'], to: 'true',
    });
    expect(ownWriteOf(f({ rule: 'protected-branches.force-push', area: 'protected-branches', setting: 'allow_force_push', branch: 'main', expected: false, actual: true }))).toEqual({
      // Older GitLab logged force-push changes as protected_branch_updated (EE::Audit::ProtectedBranchesChangesAuditor).
      entityType: 'Project', entityId: 12, eventNames: ['protected_branch_allow_force_push_updated', 'protected_branch_updated', 'protected_branch_created'], targetDetails: 'main', to: 'false',
    });
  });
});

describe('watch state file', () => {
  it('round-trips atomically and leaves no temp file', () => {
    const dir = tempDir('posture-watch-state-');
    const file = join(dir, 'nested', 'state.json');
    let s = emptyState('http://gitlab.test', new Date('2026-01-01T00:00:00Z'));
    s = advance(s, { id: 10, created_at: '2026-01-01T00:05:00Z', entity_type: 'Project', entity_id: 7 });
    s = advance(s, { id: 9, created_at: '2026-01-01T00:04:00Z', entity_type: 'Group', entity_id: 3 }); // out of order: since stays at the newest
    saveWatchState(file, s);
    expect(loadWatchState(file)).toEqual({
      schemaVersion: 1, url: 'http://gitlab.test', lastEventId: 10, since: '2026-01-01T00:05:00Z', recentIds: [10, 9],
      recentKeys: ['10|2026-01-01T00:05:00.000Z|Project|7', '9|2026-01-01T00:04:00.000Z|Group|3'],
    });
    expect(readdirSync(join(dir, 'nested'))).toEqual(['state.json']);
  });

  it('keeps a bounded list of recent ids', () => {
    let s = emptyState('u', new Date(0));
    for (let id = 1; id <= RECENT_IDS_KEPT + 5; id++) s = advance(s, { id, created_at: new Date(id * 1000).toISOString() });
    expect(s.recentIds).toHaveLength(RECENT_IDS_KEPT);
    expect(s.recentIds[0]).toBe(6);
  });

  it('is undefined without a file and a usage error when damaged', () => {
    const dir = tempDir('posture-watch-state-');
    expect(loadWatchState(join(dir, 'none.json'))).toBeUndefined();
    writeFileSync(join(dir, 'bad.json'), '{"schemaVersion":1}');
    expect(() => loadWatchState(join(dir, 'bad.json'))).toThrow(UsageError);
    expect(() => loadWatchState(join(dir, 'bad.json'))).toThrow(/not a usable gitlab-posture watch state/);
    writeFileSync(join(dir, 'nojson.json'), '{');
    expect(() => loadWatchState(join(dir, 'nojson.json'))).toThrow(/not JSON/);
    expect(existsSync(join(dir, 'none.json'))).toBe(false);
  });
});

describe('receiver', () => {
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });
  const headers = { 'X-Gitlab-Event-Streaming-Token': 'tok-123456' };

  async function start(answer: Offer = 'accepted', maxBodyBytes = 1024) {
    const offered: GlAuditEvent[] = [];
    receiver = await startReceiver({
      host: '127.0.0.1', port: 0, verificationToken: 'tok-123456', maxBodyBytes,
      offer: (e) => (offered.push(e), answer),
    });
    return offered;
  }

  it('tokenMatches compares whole tokens of any length', () => {
    expect(tokenMatches('tok-123456', 'tok-123456')).toBe(true);
    expect(tokenMatches('tok-12345', 'tok-123456')).toBe(false);
    expect(tokenMatches('tok-1234567', 'tok-123456')).toBe(false);
    expect(tokenMatches(undefined, 'tok-123456')).toBe(false);
  });

  it('parses JSON sent as form-urlencoded and answers 202', async () => {
    const offered = await start();
    const res = await post(receiver!.url, streamedPayload(restEvent()), headers);
    expect(res.status).toBe(202);
    expect(offered.map((e) => [e.id, e.event_name])).toEqual([[5012, 'project_visibility_level_updated']]);
  });

  it.each([
    ['not JSON', 'id=5&entity_type=Project', 'the body is not JSON'],
    ['not an event', { hello: 'world' }, 'not an audit event: id: expected a whole number or its string form, missing'],
    ['an event with a string entity_id', { id: 5, entity_type: 'Project', entity_id: 'web' }, 'not an audit event: entity_id: expected a whole number or its string form, got "web"'],
    ['an event of an unknown entity type', { id: 5, entity_type: 'Projekt', entity_id: 7 }, 'not an audit event: entity_type: expected one of User | Group | Project | Gitlab::Audit::InstanceScope, got "Projekt"'],
    ['an event whose details are not an object', { id: 5, entity_type: 'Project', entity_id: 7, details: 'changed' }, 'not an audit event: details: expected object, got "changed"'],
  ])('answers 400 to %s', async (_name, body, message) => {
    const offered = await start();
    const res = await post(receiver!.url, body, headers);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).message).toContain(message);
    expect(offered).toEqual([]);
  });

  it('answers 200 to a duplicate and 503 + Retry-After when full', async () => {
    await start('duplicate');
    expect((await post(receiver!.url, streamedPayload(restEvent()), headers)).status).toBe(200);
    await receiver!.close();
    await start('full');
    const full = await post(receiver!.url, streamedPayload(restEvent()), headers);
    expect([full.status, full.headers.get('retry-after')]).toEqual([503, '5']);
  });

  it('answers 413 to a chunked body over the limit without buffering it', async () => {
    const offered = await start('accepted', 1024);
    const status = await new Promise<number>((resolve, reject) => {
      const u = new URL(receiver!.url);
      const req = http.request({ host: u.hostname, port: u.port, method: 'POST', headers: { ...headers, 'Transfer-Encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 8; i++) req.write('x'.repeat(512));
      req.end();
    });
    expect(status).toBe(413);
    expect(offered).toEqual([]);
  });
});

describe('affectedRules', () => {
  const enabled = {} as Record<string, boolean>;
  it.each([
    ['project_visibility_level_updated', 'Project', ['visibility.project']],
    ['group_visibility_level_updated', 'Group', ['visibility.group']],
    // Older GitLab logged force-push and code-owner changes as protected_branch_updated too.
    ['protected_branch_updated', 'Project', ['protected-branches.code-owner-approval', 'protected-branches.deploy-key-push', 'protected-branches.force-push', 'protected-branches.merge', 'protected-branches.push']],
    ['webhook_created', 'Group', ['webhooks.allowed-hosts', 'webhooks.ssl-verification']],
    ['repository_download_operation', 'Project', []],
  ] as const)('%s on a %s', (name, type, want) => {
    const rules = affectedRules(restEvent({ event_name: name, entity_type: type }), { enabled: enabled as never });
    expect(rules.map((r) => r.id).sort()).toEqual(want);
    expect(rules.every((r) => r.scope.length === 1 && r.scope[0] === type.toLowerCase())).toBe(true);
  });

  it('leaves out rules the baseline turns off', () => {
    const rules = affectedRules(restEvent(), { enabled: { 'visibility.project': false } as never });
    expect(rules).toEqual([]);
  });
});

describe('parseListen', () => {
  it.each([
    ['127.0.0.1:8787', { host: '127.0.0.1', port: 8787 }],
    ['[::1]:0', { host: '::1', port: 0 }],
    [':9000', { host: '127.0.0.1', port: 9000 }],
  ])('%s', (value, want) => expect(parseListen(value)).toEqual(want));

  it.each(['8787', 'localhost', 'host:99999'])('refuses %s', (value) => {
    expect(() => parseListen(value)).toThrow(/expected HOST:PORT/);
  });
});
