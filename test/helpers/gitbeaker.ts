// A gitbeaker `Gitlab` whose requests run through a GitlabClient's core (retries, limiter, redaction), for tests
// that cross-check our reads against a well-kept client. Built without a token: the core adds the header, so
// gitbeaker objects (and their errors) never hold it. Test-only: gitbeaker is a devDependency.
import { Gitlab } from '@gitbeaker/rest';
import { createRequesterFn, type RequestHandlerFn, type ResponseBodyTypes } from '@gitbeaker/requester-utils';
import type { GitlabClient } from '../../gitlab/client';

export function gitbeakerOver(client: GitlabClient): InstanceType<typeof Gitlab<false>> {
  const handler: RequestHandlerFn = async (endpoint, options) => {
    const o = (options ?? {}) as { method?: string; body?: string | FormData; searchParams?: string; headers?: Record<string, string>; signal?: AbortSignal };
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.headers ?? {})) {
      if (!/^(private-token|authorization|job-token)$/i.test(k)) headers[k.toLowerCase()] = v;
    }
    const res = await client.request<ResponseBodyTypes>(o.method ?? 'GET', `/${endpoint.replace(/^\/+/, '')}`, {
      query: o.searchParams,
      body: o.body,
      headers,
      signal: o.signal,
    });
    return { status: res.status, headers: res.headers, body: res.body ?? (res.status === 204 ? null : '') } as never;
  };
  const requesterFn = createRequesterFn(async (_svc, reqo) => reqo, handler);
  return new Gitlab({ host: client.url, requesterFn, queryTimeout: null, rateLimits: {} });
}
