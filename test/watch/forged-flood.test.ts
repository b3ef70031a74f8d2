// Issue 14, item 4: whoever holds the streaming verification token can send anything. Replayed here: a flood of
// forged deliveries that reuse the ids GitLab will hand out next, some dated far in the future. A real change made
// during the flood must still be processed, the saved catch-up position must not move past what the audit API
// returned, and after a restart catch-up must find a real change made while watch was down. Plus: a 401 reads no
// body, and connections are capped.
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startReceiver, TOKEN_HEADER } from '../../checks/watch/receiver';
import type { WatchState } from '../../checks/watch/state';
import { post, quiesce, streamTo, watchStory, type WatchRun } from '../helpers/watch-io';

const STREAM_TOKEN = 'stream-verification-4f1c9e2a';
const FAR_FUTURE = '2099-01-01T00:00:00.000Z';

const story = watchStory(STREAM_TOKEN, 'posture-flood-');
const { watch, makePublic } = story;

const checkedPaths = (r: WatchRun, via: string) =>
  r.lines().filter((l) => l.type === 'check' && l.via === via).map((l) => (l.target as { path: string }).path);

describe('a forged-id flood', () => {
  it('cannot hide a real event, move the saved position, or blind catch-up after a restart', async () => {
    const first = await watch();
    const w = first.watcher!;
    streamTo(story.sim, 'acme', w.url, STREAM_TOKEN);
    const web = story.sim.state.projects.find((p) => p.path_with_namespace === 'acme/web')!;
    const headers = { [TOKEN_HEADER]: STREAM_TOKEN };
    // The forger claims the next 50 ids GitLab will hand out, on a real project, dated now or far in the future.
    const next = story.sim.state.next_id;
    const forged = (n: number, createdAt: string) => ({
      id: String(next + 1 + n), author_id: 1, entity_id: web.id, entity_type: 'Project', created_at: createdAt,
      event_type: 'project_visibility_level_updated', entity_path: 'acme/web', details: { custom_message: 'forged' },
    });
    const now = new Date().toISOString();
    const answers = await Promise.all([
      ...Array.from({ length: 50 }, (_, n) => post(w.url, forged(n, now), headers)),
      ...Array.from({ length: 50 }, (_, n) => post(w.url, forged(n, FAR_FUTURE), headers)),
    ]);
    expect(answers.filter((a) => a.status === 202)).toHaveLength(50);
    expect(answers.filter((a) => a.status === 400)).toHaveLength(50);
    expect(answers.find((a) => a.status === 400)!.body).toContain(`created_at ${FAR_FUTURE} is in the future`);

    // A real change during the flood: GitLab gives its event one of the ids the forger already used.
    const api = await makePublic('acme/api');
    const realId = story.sim.state.audit_events.at(-1)!.id;
    expect(realId).toBeGreaterThan(next);
    expect(realId).toBeLessThanOrEqual(next + 50);
    await quiesce(story.sim, w);
    expect(checkedPaths(first, 'stream')).toContain('acme/api');
    expect(first.lines().some((l) => l.type === 'check' && l.event_id === realId && (l.target as { id: number }).id === api)).toBe(true);
    await first.stop();

    // The saved position holds only what the audit API returned: no forged id, no future time.
    const state = JSON.parse(readFileSync(join(story.dir, 'state.json'), 'utf8')) as WatchState;
    expect(Date.parse(state.since)).toBeLessThanOrEqual(Date.now());
    expect(state.lastEventId).toBe(realId);
    const realIds = new Set(story.sim.state.audit_events.map((e) => e.id));
    expect(state.recentIds.every((id) => realIds.has(id))).toBe(true);

    // While watch is down (nobody listens): a change only catch-up can find.
    const docs = await makePublic('acme/docs-site');
    await story.sim.settleStreams();
    const second = await watch();
    expect(checkedPaths(second, 'catch-up')).toEqual(['acme/docs-site']);
    expect(second.lines().find((l) => l.type === 'check' && l.via === 'catch-up')!.target).toMatchObject({ id: docs });
  });

  it('a delivery without created_at is refused with 400', async () => {
    const r = await watch();
    const res = await post(r.watcher!.url, { id: '123', entity_type: 'Project', entity_id: 1, event_type: 'x' }, { [TOKEN_HEADER]: STREAM_TOKEN });
    expect(res.status).toBe(400);
    expect(res.body).toContain('created_at is missing or not a date');
  });
});

describe('receiver limits', () => {
  it('after a 401 the body is not read: the answer comes with Connection: close and the socket is closed', async () => {
    const receiver = await startReceiver({ host: '127.0.0.1', port: 0, verificationToken: STREAM_TOKEN, offer: () => 'accepted' });
    const declared = 64 * 1024 * 1024;
    const socket = net.connect(receiver.port, '127.0.0.1');
    let response = '';
    let sent = 0;
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.on('data', (d) => (response += d.toString('latin1')));
    socket.write(`POST / HTTP/1.1\r\nHost: x\r\n${TOKEN_HEADER}: wrong\r\nContent-Length: ${declared}\r\n\r\n`);
    const chunk = Buffer.alloc(256 * 1024, 'a');
    // Keep sending until the server closes the connection (or, if it read everything, until the body is complete).
    const pump = () => {
      while (!socket.destroyed && sent < declared) {
        sent += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
    };
    pump();
    await closed;
    expect(response).toMatch(/^HTTP\/1\.1 401 /);
    expect(response.toLowerCase()).toContain('connection: close');
    // Loopback buffers hold a few MB at most: the server stopped reading long before the declared 64 MB.
    expect(sent).toBeLessThan(declared);
    await receiver.close();
  });

  it('connections beyond the cap are closed on arrival', async () => {
    const receiver = await startReceiver({ host: '127.0.0.1', port: 0, verificationToken: STREAM_TOKEN, offer: () => 'accepted', maxConnections: 3 });
    const open = async () => {
      const s = net.connect(receiver.port, '127.0.0.1');
      s.on('error', () => undefined);
      await new Promise<void>((resolve) => s.once('connect', () => resolve()));
      return s;
    };
    const held = [await open(), await open(), await open()];
    const extra = await open();
    await new Promise<void>((resolve) => extra.once('close', () => resolve()));
    expect(held.every((s) => !s.destroyed)).toBe(true);
    for (const s of held) s.destroy();
    await receiver.close();
  });
});
