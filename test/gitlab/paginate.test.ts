import { afterEach, describe, expect, it } from 'vitest';
import { GitlabClient } from '../../gitlab/client';
import { BadResponseError, RejectedError } from '../../gitlab/errors';
import { nextLinkQuery } from '../../gitlab/paginate';
import { encodeQuery } from '../../gitlab/requester';
import { fakeSleep, scriptServer, TOKEN, type Answer, type ScriptServer, type SeenRequest } from './script-server';

let srv: ScriptServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

/** GitLab offset pagination over ids 1..total (gitlab-api.md §1.5), optionally without x-next-page or with an offset cap. */
function offsetList(total: number, opts: { noNextHeader?: boolean; offsetCap?: number; base?: string } = {}) {
  return (req: SeenRequest): Answer => {
    const perPage = Math.min(100, Number(req.query.get('per_page') ?? 20));
    const page = Number(req.query.get('page') ?? 1);
    if (req.query.get('pagination') === 'keyset') return keysetAnswer(req, total);
    if (opts.offsetCap !== undefined && (page - 1) * perPage >= opts.offsetCap) {
      return { status: 405, body: { error: 'Offset pagination has a maximum allowed offset of 50000 for requests that return objects of type Project. Remaining records can be retrieved using keyset pagination.' } };
    }
    const from = (page - 1) * perPage;
    const rows = Array.from({ length: Math.max(0, Math.min(perPage, total - from)) }, (_, i) => ({ id: from + i + 1 }));
    const hasNext = from + perPage < total;
    const headers: Record<string, string> = { 'x-page': String(page), 'x-per-page': String(perPage) };
    if (!opts.noNextHeader) headers['x-next-page'] = hasNext ? String(page + 1) : '';
    if (total <= 10_000) {
      headers['x-total'] = String(total);
      headers['x-total-pages'] = String(Math.ceil(total / perPage));
    }
    if (hasNext) headers.link = `<http://gitlab.invalid${req.path}?page=${page + 1}&per_page=${perPage}>; rel="next"`;
    return { status: 200, body: rows, headers };
  };
}

function keysetAnswer(req: SeenRequest, total: number): Answer {
  const perPage = Math.min(100, Number(req.query.get('per_page') ?? 20));
  const after = Number(req.query.get('id_after') ?? 0);
  const rows = [];
  for (let id = after + 1; id <= total && rows.length < perPage; id += 1) rows.push({ id });
  const last = rows.at(-1)?.id ?? total;
  const headers: Record<string, string> = {};
  if (last < total) {
    headers.link = `<http://other-host.invalid/api/v4${req.path.replace('/api/v4', '')}?id_after=${last}&order_by=id&pagination=keyset&per_page=${perPage}&sort=asc>; rel="next"`;
  }
  return { status: 200, body: rows, headers };
}

async function client(answer: (req: SeenRequest) => Answer, extra: Partial<ConstructorParameters<typeof GitlabClient>[0]> = {}) {
  srv = await scriptServer(answer);
  return new GitlabClient({ url: srv.url, token: TOKEN, sleep: fakeSleep().sleep, backoff: { baseMs: 1, capMs: 2 }, ...extra });
}

const ids = (rows: { id: number }[]) => rows.map((r) => r.id);
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('offset pagination', () => {
  it('lists 250 rows in order with per_page=100, reading ahead', async () => {
    const c = await client(offsetList(250));
    const sizes: number[] = [];
    for await (const page of c.pages<{ id: number }>('/groups/1/projects', { include_subgroups: true })) sizes.push(page.length);
    expect(sizes).toEqual([100, 100, 50]);
    expect(srv!.requests.map((r) => r.query.get('page'))).toEqual(['1', '2', '3']);
    expect(srv!.requests.every((r) => r.query.get('per_page') === '100' && r.query.get('include_subgroups') === 'true')).toBe(true);
  });

  it('lists 1,050 rows across 11 pages, yielded in page order', async () => {
    const c = await client(offsetList(1050));
    expect(ids(await c.all<{ id: number }>('/groups/1/projects'))).toEqual(range(1050));
    expect(srv!.requests.length).toBe(11);
    expect(c.stats().peakInFlight).toBeGreaterThan(1);
  });

  it('above 10,000 rows (no totals) follows x-next-page to the end', async () => {
    const c = await client(offsetList(10_050));
    let n = 0;
    let last = 0;
    for await (const page of c.pages<{ id: number }>('/groups/1/projects')) {
      for (const r of page) {
        expect(r.id).toBe(last + 1);
        last = r.id;
        n += 1;
      }
    }
    expect(n).toBe(10_050);
    expect(srv!.requests.length).toBe(101);
    expect(c.stats().peakInFlight).toBe(1);
  });

  it('falls back to Link rel="next" without x-next-page', async () => {
    const c = await client(offsetList(10_150, { noNextHeader: true }));
    expect((await c.all<{ id: number }>('/groups/1/projects')).length).toBe(10_150);
    expect(srv!.requests.length).toBe(102);
  });

  it('a page that is not an array is a BadResponseError', async () => {
    const c = await client(() => ({ status: 200, body: { id: 1 } }));
    const err = await c.all('/groups/1/projects').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadResponseError);
    expect((err as Error).message).toBe(
      'GET /groups/1/projects?per_page=100&page=1 -> 200: expected a JSON array (a page of a list), got an object. Check that the URL points at GitLab and the path is a list endpoint.',
    );
  });

  it('a failing page in the read-ahead window fails the listing', async () => {
    const list = offsetList(500);
    const c = await client((req) => (req.query.get('page') === '4' ? { status: 404, body: { message: '404 Group Not Found' } } : list(req)));
    const seen: number[] = [];
    const err = await (async () => {
      for await (const p of c.pages<{ id: number }>('/groups/1/projects')) seen.push(p.length);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([100, 100, 100]);
    expect((err as Error).message).toContain('GET /groups/1/projects?per_page=100&page=4 -> 404');
  });

  it('stopping early leaves no unhandled rejection', async () => {
    const c = await client(offsetList(900));
    for await (const p of c.pages<{ id: number }>('/groups/1/projects')) {
      expect(p.length).toBe(100);
      break;
    }
    expect(srv!.requests.length).toBeLessThanOrEqual(8);
  });
});

describe('offset cap (405) and keyset', () => {
  it('keyset follows Link rel=next on our own host until none', async () => {
    const c = await client((req) => keysetAnswer(req, 250));
    expect(ids(await c.all<{ id: number }>('/projects', { archived: false }, { keyset: true }))).toEqual(range(250));
    const q = srv!.requests[0].query;
    expect([q.get('pagination'), q.get('order_by'), q.get('sort'), q.get('per_page'), q.get('archived')]).toEqual(['keyset', 'id', 'asc', '100', 'false']);
    expect(srv!.requests.map((r) => r.query.get('id_after'))).toEqual([null, '100', '200']);
    expect(srv!.requests.every((r) => r.path === '/api/v4/projects')).toBe(true);
  });

  it('/projects past the offset cap switches to keyset without repeating rows', async () => {
    const c = await client(offsetList(12_345, { offsetCap: 10_000 }));
    const got = ids(await c.all<{ id: number }>('/projects'));
    expect(got.length).toBe(12_345);
    expect(new Set(got).size).toBe(12_345);
    expect(srv!.requests.filter((r) => r.query.get('pagination') === 'keyset').length).toBe(124);
  });

  it('other lists past the cap raise a clear error', async () => {
    const c = await client(offsetList(12_000, { offsetCap: 10_000 }));
    const err = await c.all('/groups/1/projects').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RejectedError);
    expect((err as Error).message).toContain('GET /groups/1/projects?per_page=100&page=101 -> 405: Offset pagination has a maximum allowed offset');
    expect((err as Error).message).toContain('cannot be listed past GitLab\'s offset cap');
  });

  it('nextLinkQuery takes only the query of rel="next"', () => {
    expect(nextLinkQuery('<https://a/api/v4/projects?page=1>; rel="first", <https://evil.example/api/v4/projects?id_after=5&k[]=a&k[]=b>; rel="next"')).toEqual({
      id_after: '5',
      k: ['a', 'b'],
    });
    expect(encodeQuery(nextLinkQuery('<https://a/x?f%5Bscope%5D=x&k%5B%5D=a&k%5B%5D=b&cursor=eyJpZCI6IjUifQ%3D%3D>; rel="next"'))).toBe(
      'f%5Bscope%5D=x&k%5B%5D=a&k%5B%5D=b&cursor=eyJpZCI6IjUifQ%3D%3D',
    );
    expect(nextLinkQuery('<https://a/x?page=1>; rel="first"')).toBeUndefined();
  });
});
