// Triggers every error class and every verbose event, then greps everything we produce for the token.
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { GitlabClient } from '../../gitlab/client';
import {
  BadResponseError,
  ForbiddenError,
  GitlabError,
  NetworkError,
  NotFoundError,
  RateLimitedError,
  RejectedError,
  ServerError,
  TimeoutError,
  toReadError,
  UnauthorizedError,
} from '../../gitlab/errors';
import type { ClientEvent } from '../../gitlab/requester';
import { fakeSleep, scriptServer, TOKEN, type Answer, type ScriptServer } from './script-server';

let srv: ScriptServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

describe.each([
  ['a glpat token', TOKEN],
  ['a token without a known prefix', 'plainSecretValue-8d7f6e5a'],
])('no output ever contains %s', (_name, token) => {
  it('errors, stacks, inspect, read errors, events and stats are token-free', async () => {
    // A server (or proxy) that echoes the token back everywhere it can.
    const echo = `token ${token} PRIVATE-TOKEN: ${token}`;
    const routes: Record<string, Answer> = {
      '/404': { status: 404, body: { message: `404 Project Not Found ${echo}` } },
      '/403': { status: 403, body: { message: `403 Forbidden ${echo}` } },
      '/scope': { status: 403, body: { error: 'insufficient_scope', error_description: echo, scope: 'api' } },
      '/401': { status: 401, body: { message: `401 Unauthorized ${echo}` } },
      '/429': { status: 429, headers: { 'retry-after': '3600' }, body: `Retry later ${echo}` },
      '/500': { status: 500, body: { message: { base: [echo] } } },
      '/422': { status: 422, body: { message: [echo] } },
      '/302': { status: 302, headers: { location: `https://elsewhere.example/?private_token=${token}` }, body: '' },
      '/badjson': { status: 200, raw: `{"oops": ${token}`, headers: { 'content-type': 'application/json' } },
      '/notarray': { status: 200, body: { token } },
      '/reset': 'reset',
      '/hang': 'hang',
    };
    srv = await scriptServer((req) => routes[req.path.replace('/api/v4', '')] ?? { status: 200, body: [] });
    const events: ClientEvent[] = [];
    const c = new GitlabClient({
      url: srv.url,
      token,
      maxRetries: 1,
      retryBudgetMs: 60_000,
      sleep: fakeSleep().sleep,
      backoff: { baseMs: 1, capMs: 1 },
      onEvent: (e) => events.push(e),
      runId: 'leak-test',
    });
    const calls: [string, () => Promise<unknown>, new (...a: never[]) => GitlabError][] = [
      ['/404', () => c.get('/404'), NotFoundError],
      ['/403', () => c.get('/403'), ForbiddenError],
      ['/scope', () => c.put('/scope', { a: token }), ForbiddenError],
      ['/401', () => c.get('/401'), UnauthorizedError],
      ['/429', () => c.get('/429'), RateLimitedError],
      ['/500', () => c.get('/500'), ServerError],
      ['/422', () => c.post('/422', { token }), RejectedError],
      ['/302', () => c.get('/302'), BadResponseError],
      ['/badjson', () => c.get('/badjson'), BadResponseError],
      ['/notarray', () => c.all('/notarray'), BadResponseError],
      ['/reset', () => c.get(`/reset?private_token=${token}`), NetworkError],
      // Only this client has a short timeout, so a loaded machine cannot turn the other calls into timeouts.
      ['/hang', () => new GitlabClient({ url: srv!.url, token, timeoutMs: 150, maxRetries: 0 }).get('/hang'), TimeoutError],
      ['refused', () => new GitlabClient({ url: 'http://127.0.0.1:1', token, maxRetries: 0 }).get('/x'), NetworkError],
    ];
    const outputs: string[] = [];
    for (const [name, call, cls] of calls) {
      const err = await call().then(
        () => new Error(`${name} did not fail`),
        (e: unknown) => e,
      );
      expect(err, name).toBeInstanceOf(cls);
      const e = err as GitlabError;
      outputs.push(e.message, String(e.stack), inspect(e, { depth: 10, showHidden: true }), JSON.stringify(toReadError(e)), JSON.stringify(e.cause ?? null), JSON.stringify(e));
    }
    outputs.push(JSON.stringify(events), JSON.stringify(c.stats()), JSON.stringify(c), inspect(c, { showHidden: true }));
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['request', 'retry']));
    for (const text of outputs) expect(text).not.toContain(token);
    // The echo was really there to be scrubbed.
    expect(outputs.join('\n')).toContain('[REDACTED]');
  });
});
