// watch end to end: the sim streams its audit events to the receiver; a project made public is reverted once,
// with no loop; bad tokens, oversized bodies and bursts are refused without harm; a restart catches up.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../../checks/revert/journal';
import { runCli } from '../helpers/cli';
import { post, quiesce, startWatchCli, streamTo, watchStory } from '../helpers/watch-io';

const STREAM_TOKEN = 'stream-verification-4f1c9e2a';

const story = watchStory(STREAM_TOKEN, 'posture-watch-');
const { watch, makePublic } = story;

function visibilityEvents(projectId: number) {
  return story.sim.state.audit_events.filter((e) => e.entity_id === projectId && e.event_name === 'project_visibility_level_updated');
}

function userName(id: number): string {
  return story.sim.state.users.find((u) => u.id === id)!.username;
}

describe('watch with the simulator streaming to it', () => {
  it.each([
    ['the token user is ignored as author (default)', [] as string[]],
    ['only the memory of its own writes (--no-ignore-author)', ['--no-ignore-author']],
  ])('reverts a project made public exactly once, no loop: %s', async (_name, args) => {
    const run = await watch(['--revert', ...args]);
    const w = run.watcher!;
    streamTo(story.sim, 'acme', w.url, STREAM_TOKEN);
    const id = await makePublic('acme/web');
    await quiesce(story.sim, w);

    const project = story.sim.state.projects.find((p) => p.id === id)!;
    expect(project.visibility).toBe('private');
    const events = visibilityEvents(id);
    // The attacker's change and exactly one revert, by the watcher's token user (root).
    expect(events.map((e) => [userName(e.author_id), e.details.from, e.details.to])).toEqual([
      ['mallory', 'Private', 'Public'],
      ['root', 'Public', 'Private'],
    ]);
    // No loop: quiesce returned only after a whole round (every stream delivered, the watcher idle) added no audit
    // event, and one more round still adds none.
    await quiesce(story.sim, w);
    expect(visibilityEvents(id)).toHaveLength(2);

    const lines = run.lines();
    expect(lines.filter((l) => l.type === 'match').map((l) => (l.rule as { file: string }).file)).toContain('rules/visibility-made-public.yml');
    const checks = lines.filter((l) => l.type === 'check');
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ event_id: events[0].id, rules: ['visibility.project'], target: { kind: 'project', path: 'acme/web', id } });
    expect((checks[0].findings as { rule: string; actual: unknown }[]).map((f) => [f.rule, f.actual])).toEqual([['visibility.project', 'public']]);
    const reverts = lines.filter((l) => l.type === 'revert');
    expect(reverts).toHaveLength(1);
    expect(reverts[0].results).toEqual([
      expect.objectContaining({ rule: 'visibility.project', method: 'PUT', path: `/projects/${id}`, outcome: 'verified' }),
    ]);
    const ignored = lines.filter((l) => l.type === 'ignored');
    expect(ignored).toEqual([
      { type: 'ignored', event_id: events[1].id, event_name: 'project_visibility_level_updated', reason: 'own write' },
    ]);
    // Journaled like `revert`: undo can read it.
    const journal = w.journal()!;
    const records = readJournal(journal);
    expect(records.map((r) => r.outcome)).toEqual(['pending', 'applied', 'verified']);
    expect(records[0]).toMatchObject({ rule: 'visibility.project', before: expect.objectContaining({ visibility: 'public' }), intended: { visibility: 'private' } });

    expect(await run.stop()).toBe(0);
    const state = JSON.parse(readFileSync(join(story.dir, 'state.json'), 'utf8'));
    expect(state.lastEventId).toBe(events[1].id);
    expect(state.recentIds).toEqual([events[0].id, events[1].id]);
    const all = run.out.stdout + run.out.stderr + readFileSync(journal, 'utf8');
    expect(all).not.toContain(story.sim.tokens.admin);
    expect(all).not.toContain(STREAM_TOKEN);
    // Stopped cleanly, the session journal is whole (header, end record) and undo replays it like a revert's.
    const undo = await runCli(['undo', journal, '--yes', '--baseline', story.baseline], { GITLAB_TOKEN: story.sim.tokens.admin });
    expect(undo.stderr).toBe('');
    expect(undo.code).toBe(0);
    expect(story.sim.state.projects.find((p) => p.id === id)!.visibility).toBe('public');
  });

  it('without --revert reports the drift and leaves it (exit 1)', async () => {
    const run = await watch();
    streamTo(story.sim, 'acme', run.watcher!.url, STREAM_TOKEN);
    const id = await makePublic('acme/api');
    await quiesce(story.sim, run.watcher!);
    expect(story.sim.state.projects.find((p) => p.id === id)!.visibility).toBe('public');
    expect(visibilityEvents(id)).toHaveLength(1);
    expect(run.lines().filter((l) => l.type === 'revert')).toEqual([]);
    expect(run.lines().filter((l) => l.type === 'check')).toHaveLength(1);
    expect(await run.stop()).toBe(1);
  });

  it('refuses a wrong or missing token with 401: nothing processed, no request to GitLab', async () => {
    const run = await watch(['--revert']);
    const w = run.watcher!;
    const project = story.sim.state.projects.find((p) => p.path_with_namespace === 'acme/web')!;
    const event = {
      id: '999001', author_id: 1, entity_id: project.id, entity_type: 'Project', created_at: new Date().toISOString(),
      event_type: 'project_visibility_level_updated', details: { change: 'visibility_level', from: 'Private', to: 'Public' },
    };
    story.sim.resetCounts();
    const wrong = await post(w.url, event, { 'X-Gitlab-Event-Streaming-Token': 'not-the-token' });
    const missing = await post(w.url, event);
    const sameLength = await post(w.url, event, { 'X-Gitlab-Event-Streaming-Token': STREAM_TOKEN.replace(/.$/, 'X') });
    expect([wrong.status, missing.status, sameLength.status]).toEqual([401, 401, 401]);
    await w.idle();
    expect(story.sim.totalRequests()).toBe(0);
    expect(w.stats()).toMatchObject({ accepted: 0, processed: 0, rejected: { '401': 3 } });
    expect(run.lines()).toEqual([]);
    // The right token is accepted for the very same event.
    expect((await post(w.url, event, { 'X-Gitlab-Event-Streaming-Token': STREAM_TOKEN })).status).toBe(202);
    await w.idle();
    expect(w.stats().processed).toBe(1);
  });

  it('a rule over its matching budget is reported as an error line, and the next event is still matched', async () => {
    const rulesDir = join(story.dir, 'rules');
    mkdirSync(rulesDir);
    const ruleFile = join(rulesDir, 'needle.yml');
    writeFileSync(
      ruleFile,
      'title: Needle\nid: 44444444-2222-4333-8444-555555555555\nstatus: test\nlevel: low\nlogsource: { product: gitlab }\ntags: [attack.t1098]\n' +
        'detection:\n  sel:\n    details.custom_message|contains: needle\n  condition: sel\n',
    );
    const run = await watch(['--rules', rulesDir], { ruleStepLimit: 1_000 });
    const w = run.watcher!;
    const headers = { 'X-Gitlab-Event-Streaming-Token': STREAM_TOKEN };
    const base = { author_id: 1, entity_id: 1, entity_type: 'User', created_at: new Date().toISOString(), event_type: 'user_created' };
    expect((await post(w.url, { ...base, id: '999002', details: { custom_message: 'x'.repeat(5_000) } }, headers)).status).toBe(202);
    expect((await post(w.url, { ...base, id: '999003', details: { custom_message: 'a needle' } }, headers)).status).toBe(202);
    await w.idle();
    const lines = run.lines();
    expect(lines.filter((l) => l.type === 'error')).toEqual([
      { type: 'error', event_id: 999002, rule: ruleFile, message: 'ran out of its matching budget (1,000 steps) on audit event 999002; that event was not judged by this rule' },
    ]);
    expect(lines.filter((l) => l.type === 'match').map((l) => [(l.rule as { file: string }).file, (l.event as { id: number }).id])).toEqual([[ruleFile, 999003]]);
    expect(w.stats()).toMatchObject({ processed: 2 });
  });

  it('refuses an oversized body with 413 and other methods with 405', async () => {
    const run = await watch([], { maxBodyBytes: 4096 });
    const w = run.watcher!;
    const big = { id: '5', entity_id: 1, entity_type: 'Project', details: { custom_message: 'x'.repeat(10_000) } };
    const res = await post(w.url, big, { 'X-Gitlab-Event-Streaming-Token': STREAM_TOKEN });
    expect(res.status).toBe(413);
    const get = await fetch(w.url, { headers: { 'X-Gitlab-Event-Streaming-Token': STREAM_TOKEN } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(w.stats()).toMatchObject({ accepted: 0, processed: 0, rejected: { '413': 1, '405': 1 } });
  });

  it('survives a burst: the queue limit holds, 503 + Retry-After when full, duplicates dropped', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const run = await watch(['--queue-limit', '50'], { beforeProcess: () => gate });
    const w = run.watcher!;
    const user = story.sim.state.users.find((u) => u.username === 'dave')!;
    // Events no baseline rule covers: the consumer works only on detections, so the burst measures the receiver.
    // A redelivery is the same event: same id and same created_at (watch dedupes on content, not id alone).
    const at = new Date().toISOString();
    const event = (n: number) => ({
      id: String(800_000 + n), author_id: user.id, entity_id: user.id, entity_type: 'User', created_at: at,
      event_type: 'repository_download_operation', author_name: user.name, entity_path: user.username, details: {},
    });
    const headers = { 'X-Gitlab-Event-Streaming-Token': STREAM_TOKEN };
    const answers = await Promise.all(Array.from({ length: 500 }, (_, n) => post(w.url, event(n), headers)));
    const byStatus = (s: number) => answers.filter((a) => a.status === s);
    // The consumer holds the first event, so 50 more fit: 51 accepted in all.
    expect(byStatus(202).length).toBe(51);
    expect(byStatus(503).length).toBe(449);
    expect(byStatus(503).every((a) => a.headers.get('retry-after') === '5')).toBe(true);
    expect(w.stats().maxQueued).toBe(50);
    // Redelivery of accepted events: dropped by id; of refused ones: still refused while full.
    const accepted = answers.map((a, n) => (a.status === 202 ? n : -1)).filter((n) => n >= 0);
    const again = await Promise.all(accepted.slice(0, 10).map((n) => post(w.url, event(n), headers)));
    expect(again.map((a) => a.status)).toEqual(Array(10).fill(200));
    release();
    await w.idle();
    expect(w.stats()).toMatchObject({ accepted: 51, duplicates: 10, refused: 449, processed: 51 });
    // Still serving after the burst; a refused event can be delivered again now.
    const refusedOne = answers.findIndex((a) => a.status === 503);
    expect((await post(w.url, event(refusedOne), headers)).status).toBe(202);
    await w.idle();
    expect(w.stats().processed).toBe(52);
    expect(await run.stop()).toBe(0);
  });

  it('reads back from the audit API what it refused while the queue was full', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const run = await watch(['--revert', '--queue-limit', '1'], { beforeProcess: () => gate });
    const w = run.watcher!;
    streamTo(story.sim, 'acme', w.url, STREAM_TOKEN);
    // One event held by the consumer, one queued, the third refused with 503 (the sim does not redeliver).
    const ids = [];
    for (const path of ['acme/web', 'acme/api', 'acme/docs-site']) {
      ids.push(await makePublic(path));
      await story.sim.settleStreams();
    }
    expect(w.stats()).toMatchObject({ accepted: 2, refused: 1 });
    release();
    await quiesce(story.sim, w);
    expect(ids.map((id) => story.sim.state.projects.find((p) => p.id === id)!.visibility)).toEqual(['private', 'private', 'private']);
    expect(ids.map((id) => visibilityEvents(id).length)).toEqual([2, 2, 2]);
    // The refused change came back through the audit API (so may a refused echo of our own revert: ignored).
    const caughtUpChecks = run.lines().filter((l) => l.type === 'check' && l.via === 'catch-up');
    expect(caughtUpChecks.map((l) => (l.target as { path: string }).path)).toEqual(['acme/docs-site']);
    expect(await run.stop()).toBe(0);
  });

  it('catches up from the audit API after a restart, before serving', async () => {
    const stateFile = join(story.dir, 'state.json');
    const first = await watch(['--revert']);
    streamTo(story.sim, 'acme', first.watcher!.url, STREAM_TOKEN);
    const web = await makePublic('acme/web');
    await quiesce(story.sim, first.watcher!);
    expect(await first.stop()).toBe(0);
    expect(existsSync(stateFile)).toBe(true);
    const processedBefore = visibilityEvents(web).map((e) => e.id);

    // While watch is down: a change the stream cannot deliver (nobody listens at that port any more).
    const api = await makePublic('acme/api');
    await story.sim.settleStreams();
    expect(story.sim.state.projects.find((p) => p.id === api)!.visibility).toBe('public');

    const second = await watch(['--revert']);
    // Catch-up ran before the receiver was ready.
    expect(story.sim.state.projects.find((p) => p.id === api)!.visibility).toBe('private');
    expect(second.watcher!.stats().caughtUp).toBe(1);
    const checks = second.lines().filter((l) => l.type === 'check');
    expect(checks).toEqual([expect.objectContaining({ via: 'catch-up', target: expect.objectContaining({ path: 'acme/api' }) })]);
    // What the first run processed is not processed again.
    expect(second.lines().some((l) => processedBefore.includes(l.event_id as number))).toBe(false);
    streamTo(story.sim, 'acme', second.watcher!.url, STREAM_TOKEN);
    await quiesce(story.sim, second.watcher!);
    expect(visibilityEvents(api)).toHaveLength(2);
    expect(await second.stop()).toBe(0);
  });

  it('will not start without GITLAB_STREAMING_TOKEN, and names the variable', async () => {
    const r = await startWatchCli(['--listen', '127.0.0.1:0', '--baseline', story.baseline], { GITLAB_TOKEN: story.sim.tokens.admin });
    expect(r.watcher).toBeUndefined();
    expect(await r.stop()).toBe(2);
    expect(r.out.stderr).toContain('GITLAB_STREAMING_TOKEN is not set');
    expect(story.sim.totalRequests()).toBe(0);
  });

  it('--help shows the options and an example', async () => {
    const r = await startWatchCli(['--help'], {});
    expect(await r.stop()).toBe(0);
    for (const text of ['--listen <host:port>', '--revert', '--state <file>', '--rules <dir>', '--ignore-author <username>', 'gitlab-posture watch --listen 127.0.0.1:8787']) {
      expect(r.out.stdout).toContain(text);
    }
  });
});
