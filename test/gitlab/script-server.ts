// A tiny scripted HTTP server on 127.0.0.1:0 for precise client behaviours (one answer per request).
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Requests open at the server when this one arrived (itself included). */
  openAtArrival: number;
}

export type Answer =
  | { status: number; headers?: Record<string, string>; body?: unknown; raw?: string }
  | 'reset'
  | 'hang';

export interface ScriptServer {
  url: string;
  requests: SeenRequest[];
  /** Most requests that were open at the same time. */
  peakConcurrent(): number;
  close(): Promise<void>;
}

export async function scriptServer(
  answer: (req: SeenRequest, n: number) => Answer | Promise<Answer>,
  opts: {
    /** Server latency per answer: widens the window in which requests overlap. */
    delayMs?: number;
    /** Hold each answer until this many requests are open at once, then send the held ones together. */
    holdUntilOpen?: number;
  } = {},
): Promise<ScriptServer> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  let open = 0;
  let peak = 0;
  let held: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        open += 1;
        peak = Math.max(peak, open);
        const u = new URL(req.url ?? '/', 'http://127.0.0.1');
        const seen: SeenRequest = {
          method: req.method ?? 'GET',
          url: req.url ?? '/',
          path: u.pathname,
          query: u.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          openAtArrival: open,
        };
        requests.push(seen);
        const a = await answer(seen, requests.length);
        if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
        if (opts.holdUntilOpen) {
          await new Promise<void>((release) => {
            held.push(release);
            if (held.length < opts.holdUntilOpen!) return;
            const batch = held;
            held = [];
            for (const r of batch) r();
          });
        }
        open -= 1;
        if (a === 'hang') return;
        if (a === 'reset') {
          req.socket.destroy();
          return;
        }
        const headers: Record<string, string> = { ...(a.headers ?? {}) };
        let text = a.raw ?? '';
        if (a.raw === undefined && a.body !== undefined) {
          if (typeof a.body === 'string') {
            text = a.body;
            headers['content-type'] ??= 'text/plain';
          } else {
            text = JSON.stringify(a.body);
            headers['content-type'] ??= 'application/json';
          }
        } else if (a.raw !== undefined) headers['content-type'] ??= 'application/json';
        res.writeHead(a.status, headers);
        res.end(a.status === 204 ? undefined : text);
      })();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    peakConcurrent: () => peak,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Records sleeps instead of waiting, so tests assert waited time without wall time. */
export function fakeSleep(): { sleeps: number[]; sleep: (ms: number) => Promise<void> } {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms: number) => void sleeps.push(ms) };
}

export const TOKEN = 'glpat-TestSecretToken1234567890';
