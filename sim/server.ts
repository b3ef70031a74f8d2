// The simulator's HTTP pipeline: count -> latency -> rate limit -> faults -> route -> auth -> tier -> handler.
// Faults and throttling happen before the handler, so a failed request never changes state.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Tier } from '../gitlab/types';
import { TIERS } from '../gitlab/types';
import { buildAuditEvent, streamAuditEvent } from './audit';
import { errors, groupByRef, projectByRef, requireWriteScope, SimHttpError, type AuditInput, type RouteRequest, type SimContext } from './kit';
import { tierOf } from './entities';
import { parseNestedParams } from './params';
import { mulberry32 } from './prng';
import { Router } from './router';
import { routes as allRoutes } from './routes';
import { setRuntime } from './runtime';
import { buildScenario, tokensOf, type ScenarioName, type SimTokens } from './scenarios';
import type { SimGroup, SimProject, SimState, SimToken, SimUser } from './state';
import { loadState, saveState } from './store';
import { OFFSET_PAGINATION_LIMIT } from './pagination';

export type FaultKind = '500' | '502' | 'reset';

export interface FaultPlanEntry {
  method?: string;
  /** A route pattern (`/projects/:id/hooks`) or a concrete path under /api/v4 (`/projects/acme%2Fweb/hooks`). */
  route?: string;
  status: 500 | 502 | 503 | 429 | 'reset';
  times: number;
}

export interface SimKnobs {
  /** Added to every request. */
  latencyMs: number;
  /** Rack::Attack-style fixed window per token; null = throttling off (self-managed default, docs/gitlab-behaviour.md, Pagination, errors and authentication). */
  rateLimit: { limit: number; windowMs: number } | null;
  /** 0..1 chance that a request fails with one of `faults`, drawn from a PRNG seeded with `seed`. */
  faultRate: number;
  faults: FaultKind[];
  seed: number;
  /** Deterministic faults; each request takes the first entry that matches it and still has `times` left. */
  faultPlan: FaultPlanEntry[];
  /** `offset_pagination_limit` (docs/gitlab-behaviour.md, Pagination, errors and authentication); 0 disables. */
  offsetPaginationLimit: number;
}

export interface SimOptions extends Partial<SimKnobs> {
  /** Named scenario (default `hardened`); ignored when `state` or `stateFile` is given. */
  scenario?: ScenarioName;
  /** With scenario `generate` (or any scenario when set): number of generated projects. */
  projects?: number;
  /** Fraction of generated projects that violate the baseline (generate only). */
  violatingFraction?: number;
  state?: SimState;
  stateFile?: string;
  tier?: Tier;
  edition?: 'ee' | 'ce';
  /** GitLab.com-like namespaces (`plan` = tier instead of `default`). */
  saas?: boolean;
  port?: number;
  now?: () => Date;
}

export interface RunningSim {
  url: string;
  apiUrl: string;
  tokens: SimTokens;
  state: SimState;
  /** Requests per route, keyed `"GET /groups/:id/projects"`; unknown routes as `"GET (unknown route)"`. */
  counts(): Record<string, number>;
  /** Responses per HTTP status (`reset` for destroyed connections). */
  statusCounts(): Record<string, number>;
  totalRequests(): number;
  /** Requests answered by an injected fault (faultRate or faultPlan). */
  faultCount(): number;
  resetCounts(): void;
  setKnobs(partial: Partial<SimKnobs>): void;
  knobs(): SimKnobs;
  userAgentOf(eventId: number): string | undefined;
  /** Resolves when every audit-event delivery started so far has finished (or timed out). */
  settleStreams(): Promise<void>;
  /** Exceptions that became 500s, for debugging tests (messages only). */
  internalErrors(): string[];
  save(file: string): Promise<void>;
  close(): Promise<void>;
}

const UNKNOWN = '(unknown route)';
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export async function startSim(opts: SimOptions = {}): Promise<RunningSim> {
  const state = await resolveState(opts);
  const tokens = tokensOf(state);
  const knobs: SimKnobs = {
    latencyMs: opts.latencyMs ?? 0,
    rateLimit: opts.rateLimit ?? null,
    faultRate: opts.faultRate ?? 0,
    faults: opts.faults ?? ['500', '502'],
    seed: opts.seed ?? 1,
    faultPlan: (opts.faultPlan ?? []).map((f) => ({ ...f })),
    offsetPaginationLimit: opts.offsetPaginationLimit ?? OFFSET_PAGINATION_LIMIT,
  };
  let random = mulberry32(knobs.seed);
  const runtime = { offsetPaginationLimit: knobs.offsetPaginationLimit, saas: opts.saas ?? false };
  setRuntime(state, runtime);
  const now = opts.now ?? (() => new Date());
  const router = new Router(allRoutes);

  const routeCounts = new Map<string, number>();
  const statuses = new Map<string, number>();
  let total = 0;
  let faulted = 0;
  const userAgents = new Map<number, string>();
  const deliveries = new Set<Promise<void>>();
  const internalErrors: string[] = [];
  const windows = new Map<string, { start: number; count: number }>();

  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const url = new URL(rawUrl, baseUrl);
    const apiPath = rawPath.startsWith('/api/v4/') ? rawPath.slice('/api/v4'.length) : undefined;
    let match = apiPath === undefined ? undefined : router.match(method, apiPath);
    // EE routes do not exist on CE at all (docs/gitlab-behaviour.md, Pagination, errors and authentication).
    if (match?.route.ee && state.edition === 'ce') match = undefined;
    const countKey = match ? `${method} ${match.route.pattern}` : `${method} ${UNKNOWN}`;
    total += 1;
    bump(routeCounts, countKey);

    const rawBody = await readBody(req);
    if (knobs.latencyMs > 0) await sleep(knobs.latencyMs);

    // Rack::Attack throttle (docs/gitlab-behaviour.md, Pagination, errors and authentication), keyed by the presented token.
    const presented = tokenFrom(req);
    let throttleHeaders: Record<string, string> = {};
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      bump(statuses, String(status));
      writeResponse(res, status, body, { ...throttleHeaders, ...headers });
    };
    if (knobs.rateLimit) {
      const { limit, windowMs } = knobs.rateLimit;
      const t = now().getTime();
      const key = presented ?? `ip:${clientIp(req)}`;
      let w = windows.get(key);
      if (!w || t - w.start >= windowMs) {
        w = { start: t, count: 0 };
        windows.set(key, w);
      }
      w.count += 1;
      const resetMs = w.start + windowMs;
      throttleHeaders = {
        'RateLimit-Name': 'throttle_authenticated_api',
        'RateLimit-Limit': String(Math.ceil((limit * 60_000) / windowMs)),
        'RateLimit-Observed': String(w.count),
        'RateLimit-Remaining': String(Math.max(0, limit - w.count)),
        'RateLimit-Reset': String(Math.ceil(resetMs / 1000)),
      };
      if (w.count > limit) {
        send(429, 'Retry later', {
          'Retry-After': String(Math.max(1, Math.ceil((resetMs - t) / 1000))),
          'RateLimit-ResetTime': new Date(resetMs).toUTCString(),
        });
        return;
      }
    }

    const fault = pickFault(method, apiPath, match?.route.pattern);
    if (fault !== undefined) {
      faulted += 1;
      if (fault === 'reset') {
        bump(statuses, 'reset');
        req.socket.destroy();
        return;
      }
      if (fault === 429) {
        send(429, 'Retry later', { 'Retry-After': '1', 'RateLimit-ResetTime': new Date(now().getTime() + 1000).toUTCString() });
      } else if (fault === 500) send(500, { message: '500 Internal Server Error' });
      else send(fault, `${fault} ${fault === 502 ? 'Bad Gateway' : 'Service Unavailable'}`, { 'content-type': 'text/html' });
      return;
    }

    try {
      if (!match) throw errors.unknownRoute();
      const auth = authenticate(presented);
      if ('failure' in auth) throw auth.failure;
      const { user, token } = auth;
      const ctx: SimContext = {
        state,
        user,
        scopes: token.scopes,
        tokenId: token.id,
        ip: clientIp(req),
        baseUrl,
        now,
        audit: (input: AuditInput) => recordAudit(input, user, clientIp(req), String(req.headers['user-agent'] ?? '')),
      };
      if (method === 'GET') {
        if (!token.scopes.some((s) => s === 'api' || s === 'read_api')) throw errors.insufficientScope('read_api');
      } else requireWriteScope(ctx);
      const minTier = match.route.minTier;
      // Unlicensed -> 403; on a GitLab.com-like sim the licence is the plan of the addressed namespace's root.
      if (minTier && TIERS.indexOf(tierOf(state, addressedNamespace(state, match.route.pattern, match.params))) < TIERS.indexOf(minTier)) throw errors.forbidden();
      const body = method === 'GET' ? {} : { ...parseNestedParams(url.searchParams), ...parseBody(req, rawBody) };
      const routeReq: RouteRequest = { method, params: match.params, query: url.searchParams, body, url };
      const result = await match.route.handler(routeReq, ctx);
      send(result.status, result.body, result.headers);
    } catch (err) {
      if (err instanceof SimHttpError) send(err.status, err.body, err.headers);
      else {
        internalErrors.push(err instanceof Error ? err.message : String(err));
        send(500, { message: '500 Internal Server Error' });
      }
    }
  }

  function pickFault(method: string, apiPath: string | undefined, pattern: string | undefined): FaultPlanEntry['status'] | undefined {
    for (const f of knobs.faultPlan) {
      if (f.times <= 0) continue;
      if (f.method && f.method.toUpperCase() !== method) continue;
      if (f.route && f.route !== pattern && f.route !== apiPath) continue;
      f.times -= 1;
      return f.status;
    }
    if (knobs.faultRate > 0 && knobs.faults.length > 0 && random() < knobs.faultRate) {
      const kind = knobs.faults[Math.floor(random() * knobs.faults.length)];
      return kind === 'reset' ? 'reset' : (Number(kind) as 500 | 502);
    }
    return undefined;
  }

  /**
   * GitLab's answers (lib/api/api_guard.rb, Gitlab::Auth::AuthFinders): an unknown token raises UnauthorizedError
   * (`{"message":"401 Unauthorized"}`); a known one is validated by AccessTokenValidationService, expiry before
   * revocation, and answered as an OAuth2 `invalid_token` error. A valid token of a user who may not use the API
   * is a 403 (APIGuard::HelperMethods#find_current_user!: `forbidden!(api_access_denied_message(user))`) whose
   * message is Gitlab::Auth::UserAccessDeniedReason#rejection_message (lib/gitlab/auth/user_access_denied_reason.rb).
   */
  function authenticate(presented: string | undefined): { user: SimUser; token: SimToken } | { failure: SimHttpError } {
    if (!presented) return { failure: errors.unauthorized() };
    const token = state.tokens.find((t) => t.token === presented);
    if (!token) return { failure: errors.unauthorized() };
    if (token.expires_at && token.expires_at < now().toISOString().slice(0, 10)) return { failure: errors.invalidToken('expired') };
    if (token.revoked) return { failure: errors.invalidToken('revoked') };
    const user = state.users.find((u) => u.id === token.user_id);
    if (!user) return { failure: errors.unauthorized() };
    if (user.state !== 'active') return { failure: errors.accessDenied(user.state, baseUrl) };
    return { user, token };
  }

  function recordAudit(input: AuditInput, user: SimUser, ip: string, userAgent: string): void {
    const event = buildAuditEvent(state, input, { user, ip }, now());
    state.audit_events.push(event);
    userAgents.set(event.id, userAgent);
    for (const p of streamAuditEvent(state, event)) {
      deliveries.add(p);
      void p.finally(() => deliveries.delete(p));
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      internalErrors.push(err instanceof Error ? err.message : String(err));
      if (!res.headersSent) writeResponse(res, 500, { message: '500 Internal Server Error' }, {});
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    apiUrl: `${baseUrl}/api/v4`,
    tokens,
    state,
    counts: () => Object.fromEntries(routeCounts),
    statusCounts: () => Object.fromEntries(statuses),
    totalRequests: () => total,
    faultCount: () => faulted,
    resetCounts: () => {
      routeCounts.clear();
      statuses.clear();
      total = 0;
      faulted = 0;
    },
    setKnobs: (partial) => {
      Object.assign(knobs, partial);
      if (partial.faultPlan) knobs.faultPlan = partial.faultPlan.map((f) => ({ ...f }));
      if (partial.seed !== undefined) random = mulberry32(partial.seed);
      if (partial.rateLimit !== undefined) windows.clear();
      runtime.offsetPaginationLimit = knobs.offsetPaginationLimit;
    },
    knobs: () => ({ ...knobs, faultPlan: knobs.faultPlan.map((f) => ({ ...f })) }),
    userAgentOf: (id) => userAgents.get(id),
    settleStreams: async () => {
      await Promise.all([...deliveries]);
    },
    internalErrors: () => [...internalErrors],
    save: (file) => saveState(file, state),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function resolveState(opts: SimOptions): Promise<SimState> {
  if (opts.state) return opts.state;
  if (opts.stateFile) return loadState(opts.stateFile);
  return buildScenario(opts.scenario ?? (opts.projects ? 'generate' : 'hardened'), {
    projects: opts.projects,
    violatingFraction: opts.violatingFraction,
    seed: opts.seed,
    tier: opts.tier,
    edition: opts.edition,
    now: opts.now?.(),
  });
}

function tokenFrom(req: http.IncomingMessage): string | undefined {
  const pat = req.headers['private-token'];
  if (typeof pat === 'string' && pat) return pat;
  const auth = req.headers.authorization;
  const m = typeof auth === 'string' ? /^Bearer\s+(.+)$/i.exec(auth) : null;
  return m ? m[1].trim() : undefined;
}

function clientIp(req: http.IncomingMessage): string {
  // Behind GitLab's proxy the first X-Forwarded-For hop is the client; tests use it to vary the ip.
  const xff = req.headers['x-forwarded-for'];
  if (typeof xff === 'string' && xff) return xff.split(',')[0].trim();
  const ip = req.socket.remoteAddress ?? '';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseBody(req: http.IncomingMessage, raw: Buffer): Record<string, unknown> {
  if (raw.length === 0) return {};
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  const text = raw.toString('utf8');
  if (type.includes('application/x-www-form-urlencoded')) return parseNestedParams(new URLSearchParams(text));
  if (type.includes('json') || /^\s*[{[]/.test(text)) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // fall through to GitLab's answer for an unparsable body
    }
    throw errors.badParam('The request body is not valid JSON');
  }
  return {};
}

function writeResponse(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  if (res.headersSent || res.destroyed) return;
  const isText = typeof body === 'string';
  const payload = status === 204 || body === undefined ? '' : isText ? body : JSON.stringify(body);
  const out: Record<string, string> = { ...headers };
  if (payload !== '' && !Object.keys(out).some((k) => k.toLowerCase() === 'content-type')) {
    out['content-type'] = isText ? 'text/plain' : 'application/json';
  }
  res.writeHead(status, out);
  res.end(payload);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The group or project a `/groups/:id/…` or `/projects/:id/…` route addresses (undefined: other routes, or unknown: the handler 404s). */
function addressedNamespace(state: SimState, pattern: string, params: Record<string, string>): SimGroup | SimProject | undefined {
  const id = params.id;
  if (id === undefined) return undefined;
  if (pattern.startsWith('/groups/:id')) return groupByRef(state, id);
  if (pattern.startsWith('/projects/:id')) return projectByRef(state, id);
  return undefined;
}
