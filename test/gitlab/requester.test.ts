import { afterEach, describe, expect, it } from 'vitest';
import { GitlabClient } from '../../gitlab/client';
import {
  BadResponseError,
  NetworkError,
  RateLimitedError,
  ServerError,
  TimeoutError,
} from '../../gitlab/errors';
import type { ClientEvent } from '../../gitlab/requester';
import { encodeQuery } from '../../gitlab/requester';
import { fakeSleep, scriptServer, TOKEN, type Answer, type ScriptServer } from './script-server';

let srv: ScriptServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

async function setup(answers: Answer[] | ((n: number) => Answer), extra: Partial<ConstructorParameters<typeof GitlabClient>[0]> = {}) {
  srv = await scriptServer((_req, n) => (typeof answers === 'function' ? answers(n) : (answers[n - 1] ?? { status: 200, body: { ok: true } })));
  const { sleeps, sleep } = fakeSleep();
  const events: ClientEvent[] = [];
  const client = new GitlabClient({
    url: srv.url,
    token: TOKEN,
    sleep,
    random: () => 1,
    backoff: { baseMs: 100, capMs: 1000 },
    onEvent: (e) => events.push(e),
    ...extra,
  });
  return { client, sleeps, events, srv };
}

const ok = { status: 200, body: { id: 1 } };

describe('429 handling', () => {
  it('waits Retry-After seconds, then retries', async () => {
    // A fixed clock: with the real one a loaded machine lets a millisecond pass and the wait reads 6999.
    const { client, sleeps, events, srv } = await setup([{ status: 429, headers: { 'retry-after': '7' }, body: 'Retry later' }, ok], { now: () => 1_700_000_000_000 });
    expect(await client.get('/projects/1')).toEqual({ id: 1 });
    expect(srv.requests.length).toBe(2);
    expect(sleeps).toEqual([7000]);
    const rl = events.filter((e) => e.type === 'rate-limited');
    expect(rl).toEqual([{ type: 'rate-limited', method: 'GET', path: '/projects/1', attempt: 1, status: 429, waitMs: 7000, source: 'retry-after' }]);
    expect(client.stats()).toMatchObject({ requests: 2, retries: 1, rateLimited: 1, errors: 0 });
  });

  it('waits until RateLimit-Reset (Unix seconds) when there is no Retry-After', async () => {
    const now = () => 1_700_000_000_000;
    const { client, sleeps, srv } = await setup(
      [{ status: 429, headers: { 'ratelimit-reset': '1700000012', 'ratelimit-limit': '600', 'ratelimit-remaining': '0' }, body: { message: { error: 'This endpoint has been requested too many times. Try again later.' } } }, ok],
      { now },
    );
    await client.get('/groups/1/projects');
    expect(srv.requests.length).toBe(2);
    // The limiter pauses everyone until the reset; the retrying request waits exactly that long once.
    expect(sleeps).toEqual([12_000]);
  });

  it('backs off exponentially when a 429 has no timing headers', async () => {
    // A fixed clock: the limiter's shared pause is a deadline, and with the real one a loaded machine reads 198.
    const { client, sleeps } = await setup([{ status: 429, body: 'Retry later' }, { status: 429, body: 'Retry later' }, ok], { now: () => 1_700_000_000_000 });
    await client.get('/projects/1');
    expect(sleeps).toEqual([100, 200]);
  });

  it('retries a POST on 429: GitLab did not process it', async () => {
    const { client, srv } = await setup([{ status: 429, headers: { 'retry-after': '1' }, body: 'Retry later' }, { status: 201, body: { id: 9 } }]);
    expect(await client.post('/projects/1/hooks', { url: 'https://x' })).toEqual({ id: 9 });
    expect(srv.requests.map((r) => r.method)).toEqual(['POST', 'POST']);
    expect(JSON.parse(srv.requests[1].body)).toEqual({ url: 'https://x' });
  });

  it('gives up with RateLimitedError naming the endpoint when Retry-After exceeds the budget', async () => {
    const { client, srv } = await setup([{ status: 429, headers: { 'retry-after': '600' }, body: 'Retry later' }], { retryBudgetMs: 60_000 });
    const err = await client.get('/projects/acme%2Fweb/hooks').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).message).toContain('GET /projects/acme%2Fweb/hooks -> 429: Retry later');
    expect((err as RateLimitedError).message).toContain('exceeds the retry budget of 60 s');
    expect(srv.requests.length).toBe(1);
  });
});

describe('5xx, resets and timeouts', () => {
  it('retries GET on 500/502/503/504 with full-jitter backoff', async () => {
    const { client, sleeps, events, srv } = await setup(
      [{ status: 500, body: { message: '500 Internal Server Error' } }, { status: 502, body: 'Bad Gateway' }, { status: 503, body: 'x' }, { status: 504, body: 'x' }, ok],
      { random: () => 0.5 },
    );
    expect(await client.get('/projects/1')).toEqual({ id: 1 });
    expect(srv.requests.length).toBe(5);
    expect(sleeps).toEqual([50, 100, 200, 400]);
    expect(events.filter((e) => e.type === 'retry').map((e) => (e as { status?: number }).status)).toEqual([500, 502, 503, 504]);
  });

  it('caps the backoff at capMs', async () => {
    const { client, sleeps } = await setup((n) => (n <= 6 ? { status: 503, body: 'x' } : ok), { backoff: { baseMs: 100, capMs: 300 }, maxRetries: 6 });
    await client.get('/x');
    expect(sleeps).toEqual([100, 200, 300, 300, 300, 300]);
  });

  it('retries a GET after a connection reset', async () => {
    const { client, events, srv } = await setup(['reset', ok]);
    expect(await client.get('/projects/1')).toEqual({ id: 1 });
    expect(srv.requests.length).toBe(2);
    const retry = events.find((e) => e.type === 'retry') as { code?: string };
    expect(retry.code).toMatch(/ECONNRESET|UND_ERR_SOCKET|FETCH_FAILED/);
  });

  it('never retries a POST on 500', async () => {
    const { client, srv } = await setup([{ status: 500, body: { message: '500 Internal Server Error' } }, ok]);
    const err = await client.post('/projects/1/hooks', { url: 'https://x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as ServerError).message).toMatch(/^POST \/projects\/1\/hooks -> 500: 500 Internal Server Error\./);
    expect(srv.requests.length).toBe(1);
  });

  it('never retries a POST after a reset, and says why', async () => {
    const { client, srv } = await setup(['reset', ok]);
    const err = await client.post('/projects/1/hooks', { url: 'https://x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as NetworkError).message).toContain('it was not resent because GitLab may have applied it');
    expect(srv.requests.length).toBe(1);
  });

  it('retries PUT/PATCH/DELETE on 502 (idempotent)', async () => {
    const { client, srv } = await setup([{ status: 502, body: 'x' }, ok, { status: 502, body: 'x' }, ok, { status: 502, body: 'x' }, { status: 204 }]);
    await client.put('/projects/1', { visibility: 'private' });
    await client.patch('/projects/1/protected_branches/main', { allow_force_push: false });
    expect(await client.delete('/projects/1/hooks/3')).toBeNull();
    expect(srv.requests.map((r) => r.method)).toEqual(['PUT', 'PUT', 'PATCH', 'PATCH', 'DELETE', 'DELETE']);
  });

  it('stops after maxRetries with a typed error naming the endpoint and attempts', async () => {
    const { client, srv } = await setup(() => ({ status: 502, body: 'Bad Gateway' }), { maxRetries: 2 });
    const err = await client.get('/projects/acme%2Fweb', { statistics: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    const e = err as ServerError;
    expect(e.message).toContain('GET /projects/acme%2Fweb?statistics=false -> 502: Bad Gateway (after 3 attempts). Max retries (2) reached.');
    expect(e.attempts).toBe(3);
    expect(e.kind).toBe('server');
    expect(srv.requests.length).toBe(3);
    expect(client.stats()).toMatchObject({ requests: 3, retries: 2, errors: 1 });
  });

  it('stops when the retry budget is spent', async () => {
    const { client, srv, sleeps } = await setup(() => ({ status: 503, body: 'x' }), { maxRetries: 50, retryBudgetMs: 1000, backoff: { baseMs: 300, capMs: 300 } });
    const err = await client.get('/groups/7').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as Error).message).toContain('GET /groups/7 -> 503');
    expect((err as Error).message).toContain('Retry budget of 1 s exhausted after 4 attempts');
    expect(sleeps).toEqual([300, 300, 300]);
    expect(srv.requests.length).toBe(4);
  });

  it('times out a hanging request and retries it', async () => {
    const { client, srv } = await setup(() => 'hang', { timeoutMs: 150, maxRetries: 1 });
    const err = await client.get('/projects/1/hooks').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).message).toMatch(/^GET \/projects\/1\/hooks -> timeout: no complete answer within 150 ms \(after 2 attempts\)\./);
    expect(srv.requests.length).toBe(2);
  });
});

describe('request shape', () => {
  it('sends PRIVATE-TOKEN, JSON, and the user agent with the run marker', async () => {
    const { client, srv } = await setup([ok], { runId: 'r-42' });
    await client.put('/projects/acme%2Fweb', { visibility: 'private' });
    const h = srv.requests[0].headers;
    expect(h['private-token']).toBe(TOKEN);
    expect(h.authorization).toBeUndefined();
    expect(h['user-agent']).toBe('gitlab-posture/0.1.0 run/r-42');
    expect(h['content-type']).toBe('application/json');
    expect(srv.requests[0].path).toBe('/api/v4/projects/acme%2Fweb');
  });

  it('encodes query arrays and hashes the GitLab way', () => {
    expect(encodeQuery({ a: [1, 2], f: { environment_scope: 'x' }, b: true, n: undefined, s: 'a+b' })).toBe(
      'a%5B%5D=1&a%5B%5D=2&f%5Benvironment_scope%5D=x&b=true&s=a%2Bb',
    );
  });

  it('does not follow redirects (the token would go with them)', async () => {
    const { client, srv } = await setup([{ status: 302, headers: { location: 'https://elsewhere.example/x' }, body: '' }]);
    const err = await client.get('/projects/1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadResponseError);
    expect((err as Error).message).toContain('GET /projects/1 -> 302: redirected to https://elsewhere.example/x');
    expect(srv.requests.length).toBe(1);
  });

  it('rejects a 200 whose JSON does not parse', async () => {
    const { client } = await setup([{ status: 200, raw: '<html>login</html>', headers: { 'content-type': 'application/json' } }]);
    const err = await client.get('/projects/1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadResponseError);
    expect((err as BadResponseError).kind).toBe('bad_response');
  });
});
