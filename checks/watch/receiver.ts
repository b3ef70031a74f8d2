// The HTTP face of watch: GitLab audit event streaming POSTs. It checks, in this order and before any work: method
// (405), the verification token header (401), body size (413), JSON (400), event shape (400); then hands the event
// over and answers at once (202), or 503 + Retry-After when the queue is full. Nothing reaches GitLab from here.
// A 405 or 401 reads not one byte of the body and closes the connection; connections are capped. The receiver
// speaks plain HTTP: put it behind a TLS-terminating proxy (the verification token travels in a header).
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GlAuditEvent } from '../../gitlab/types';
import { toRestEvent } from './convert';

export const TOKEN_HEADER = 'x-gitlab-event-streaming-token';
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Open connections at once; more are closed on arrival (a flood cannot exhaust file descriptors). */
export const DEFAULT_MAX_CONNECTIONS = 512;
/** A client that keeps sending past the limit is cut off after this much (memory is bounded either way). */
const DISCARD_LIMIT_BYTES = 16 * 1024 * 1024;

/** What the receiver does with a well-formed event; `refuse`: answered 400 with that reason. */
export type Offer = 'accepted' | 'duplicate' | 'full' | { refuse: string };

export interface ReceiverOptions {
  host: string;
  port: number;
  /** The destination's verification token (env GITLAB_STREAMING_TOKEN). */
  verificationToken: string;
  maxBodyBytes?: number;
  maxConnections?: number;
  /** Seconds in Retry-After when the queue is full. */
  retryAfterSeconds?: number;
  offer: (event: GlAuditEvent) => Offer;
  /** Rejected requests (status and why), for the log; never the token. */
  onReject?: (status: number, reason: string) => void;
}

export interface Receiver {
  url: string;
  host: string;
  port: number;
  /** Stops accepting connections and closes idle ones. */
  close(): Promise<void>;
}

/** Constant-time: hashing first gives equal-length buffers, so neither the content nor the length leaks. */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

export async function startReceiver(opts: ReceiverOptions): Promise<Receiver> {
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const retryAfter = String(opts.retryAfterSeconds ?? 5);
  const reject = (res: http.ServerResponse, status: number, message: string, headers: Record<string, string> = {}) => {
    opts.onReject?.(status, message);
    send(res, status, { message }, headers);
  };

  /** Answers without reading the body, then closes: an unauthenticated sender costs no more than its headers. */
  const refuseUnread = (req: http.IncomingMessage, res: http.ServerResponse, status: number, message: string, headers: Record<string, string> = {}) => {
    req.socket.pause();
    reject(res, status, message, { Connection: 'close', ...headers });
    res.once('finish', () => req.socket.destroySoon());
  };

  const server = http.createServer((req, res) => {
    if ((req.method ?? '').toUpperCase() !== 'POST') {
      refuseUnread(req, res, 405, `${req.method} not allowed: GitLab streams audit events with POST`, { Allow: 'POST' });
      return;
    }
    const header = req.headers[TOKEN_HEADER];
    if (!tokenMatches(typeof header === 'string' ? header : undefined, opts.verificationToken)) {
      refuseUnread(req, res, 401, header === undefined ? 'missing X-Gitlab-Event-Streaming-Token header' : 'wrong X-Gitlab-Event-Streaming-Token');
      return;
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBody) {
      tooLarge(req, res, maxBody, reject);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > maxBody) {
        over = true;
        chunks.length = 0;
        tooLarge(req, res, maxBody, reject);
        return;
      }
      chunks.push(c);
    });
    req.on('error', () => undefined);
    req.on('end', () => {
      if (over) return;
      // GitLab sends Content-Type application/x-www-form-urlencoded by default, yet the body is JSON (docs/gitlab-behaviour.md, Audit events).
      let payload: unknown;
      try {
        payload = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch (err) {
        reject(res, 400, `the body is not JSON (${(err as Error).message})`);
        return;
      }
      const converted = toRestEvent(payload);
      if (!converted.ok) {
        reject(res, 400, `not an audit event: ${converted.reason}`);
        return;
      }
      const outcome = opts.offer(converted.event);
      if (typeof outcome === 'object') {
        reject(res, 400, `not accepted: ${outcome.refuse}`);
        return;
      }
      if (outcome === 'full') {
        reject(res, 503, 'the event queue is full; retry later', { 'Retry-After': retryAfter });
        return;
      }
      send(res, outcome === 'duplicate' ? 200 : 202, { message: outcome === 'duplicate' ? 'duplicate event id, ignored' : 'accepted' });
    });
  });
  // Slow or stalled senders cannot hold connections for long, nor open many at once.
  server.maxConnections = opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const hostInUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${hostInUrl}:${port}`,
    host: opts.host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

function tooLarge(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  maxBody: number,
  reject: (res: http.ServerResponse, status: number, message: string, headers?: Record<string, string>) => void,
): void {
  reject(res, 413, `body larger than ${maxBody} bytes`, { Connection: 'close' });
  // Read and drop the rest so the sender sees the 413 instead of a reset; cut off senders that do not stop.
  let discarded = 0;
  req.removeAllListeners('data');
  req.on('data', (c: Buffer) => {
    discarded += c.length;
    if (discarded > DISCARD_LIMIT_BYTES) req.destroy();
  });
  req.resume();
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}
