// One line per client event for `--verbose` (and logs). Paths are already token-free; the line is
// redacted again so a caller's own text can never carry the token out.
import { redact } from './redact';
import type { ClientEvent } from './requester';

export function formatEvent(e: ClientEvent, token?: string): string {
  let line: string;
  switch (e.type) {
    case 'request':
      line = `${e.method} ${e.path} -> ${e.status ?? e.code ?? '?'} (${e.ms} ms${e.attempt > 1 ? `, attempt ${e.attempt}` : ''})`;
      break;
    case 'retry':
      line = `${e.method} ${e.path} -> ${e.status ?? e.code ?? '?'}: retry ${e.attempt} in ${e.waitMs} ms`;
      break;
    case 'rate-limited':
      line = `${e.method} ${e.path} -> 429: rate limited, all requests wait ${e.waitMs} ms (${e.source})`;
      break;
    case 'throttle':
      line = e.pausedUntil
        ? `rate limit: paused until ${new Date(e.pausedUntil).toISOString()}`
        : `rate limit: ${e.remaining ?? '?'} of ${e.limit ?? '?'} left, max ${e.maxInFlight} in flight${e.intervalMs > 0 ? `, one start every ${Math.round(e.intervalMs)} ms` : ''}`;
      break;
  }
  return redact(line, token);
}
