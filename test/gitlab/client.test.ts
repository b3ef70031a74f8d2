import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { enc, GitlabClient, instanceUrl } from '../../gitlab/client';
import { NotFoundError } from '../../gitlab/errors';
import { gitbeakerOver } from '../helpers/gitbeaker';
import { fakeSleep, scriptServer, TOKEN, type ScriptServer } from './script-server';

let srv: ScriptServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

describe('GitlabClient basics', () => {
  it.each([
    ['https://gitlab.example.com', 'https://gitlab.example.com'],
    ['https://gitlab.example.com/', 'https://gitlab.example.com'],
    ['https://gitlab.example.com/api/v4', 'https://gitlab.example.com'],
    ['https://gitlab.example.com/gitlab/api/v4/', 'https://gitlab.example.com/gitlab'],
  ])('url %s -> %s', (given, want) => {
    expect(instanceUrl(given)).toBe(want);
    const c = new GitlabClient({ url: given, token: TOKEN });
    expect(c.url).toBe(want);
    expect(c.apiUrl).toBe(`${want}/api/v4`);
  });

  it('enc URL-encodes full paths, leaves ids', () => {
    expect(enc('acme/web')).toBe('acme%2Fweb');
    expect(enc('acme/sub group/x')).toBe('acme%2Fsub%20group%2Fx');
    expect(enc(12)).toBe('12');
  });

  it('never shows the token in JSON, inspect or property listings', () => {
    const c = new GitlabClient({ url: 'https://gitlab.example.com', token: TOKEN, runId: 'r1' });
    const gb = gitbeakerOver(c);
    const dumps = [
      JSON.stringify(c),
      inspect(c),
      inspect(c, { showHidden: true, depth: 10 }),
      inspect(gb, { showHidden: true, depth: 6 }),
      JSON.stringify(Object.getOwnPropertyNames(c).map((k) => [k, String((c as unknown as Record<string, unknown>)[k])])),
      JSON.stringify(c.stats()),
    ];
    for (const d of dumps) expect(d).not.toContain(TOKEN);
    expect(JSON.stringify(c)).toBe('{"url":"https://gitlab.example.com"}');
  });

  it('get/post/put/patch/delete send the right verb, path and body', async () => {
    srv = await scriptServer((req) => (req.method === 'DELETE' ? { status: 204 } : { status: req.method === 'POST' ? 201 : 200, body: { m: req.method } }));
    const c = new GitlabClient({ url: `${srv.url}/api/v4/`, token: TOKEN });
    expect(await c.get('/projects/1', { simple: true })).toEqual({ m: 'GET' });
    expect(await c.post('/projects/1/hooks', { url: 'https://h' })).toEqual({ m: 'POST' });
    expect(await c.put('/groups/acme', { visibility: 'private' })).toEqual({ m: 'PUT' });
    expect(await c.patch('/projects/1/job_token_scope', { enabled: true })).toEqual({ m: 'PATCH' });
    expect(await c.delete('/projects/1/hooks/2')).toBeNull();
    expect(srv.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /api/v4/projects/1?simple=true',
      'POST /api/v4/projects/1/hooks',
      'PUT /api/v4/groups/acme',
      'PATCH /api/v4/projects/1/job_token_scope',
      'DELETE /api/v4/projects/1/hooks/2',
    ]);
    const res = await c.request('GET', '/projects/1');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
  });
});

describe('gitbeaker over our client goes through our core (test/helpers/gitbeaker.ts)', () => {
  it('adds our token header, retries 503 and pages', async () => {
    let n = 0;
    srv = await scriptServer((req) => {
      n += 1;
      if (n === 1) return { status: 503, body: 'x' };
      if (req.path === '/api/v4/projects/acme%2Fweb') return { status: 200, body: { id: 12, path_with_namespace: 'acme/web' } };
      const page = Number(req.query.get('page') ?? 1);
      return {
        status: 200,
        body: [{ id: page }],
        headers: {
          ...(page < 3 ? { link: `<http://127.0.0.1/api/v4/projects/12/hooks?page=${page + 1}&per_page=1>; rel="next"` } : {}),
          'x-next-page': page < 3 ? String(page + 1) : '',
          'x-page': String(page), 'x-per-page': '1', 'x-total': '3', 'x-total-pages': '3' },
      };
    });
    const c = new GitlabClient({ url: srv.url, token: TOKEN, sleep: fakeSleep().sleep, backoff: { baseMs: 1, capMs: 1 } });
    const project = (await gitbeakerOver(c).Projects.show('acme/web')) as unknown as { id: number };
    expect(project.id).toBe(12);
    const hooks = (await gitbeakerOver(c).ProjectHooks.all(12, { perPage: 1 })) as unknown as { id: number }[];
    expect(hooks.map((h) => h.id)).toEqual([1, 2, 3]);
    expect(srv.requests.length).toBe(5);
    for (const r of srv.requests) {
      expect(r.headers['private-token']).toBe(TOKEN);
      expect(r.headers['user-agent']).toBe('gitlab-posture/0.1.0');
    }
    expect(c.stats().retries).toBe(1);
  });

  it('raises our typed, token-free errors', async () => {
    srv = await scriptServer(() => ({ status: 404, body: { message: '404 Project Not Found' } }));
    const c = new GitlabClient({ url: srv.url, token: TOKEN });
    const err = await gitbeakerOver(c).Projects.show('acme/gone').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toContain('GET /projects/acme%2Fgone -> 404: 404 Project Not Found.');
    expect(inspect(err, { depth: 10 })).not.toContain(TOKEN);
  });
});
