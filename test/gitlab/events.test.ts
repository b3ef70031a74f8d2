import { describe, expect, it } from 'vitest';
import { formatEvent } from '../../gitlab/events';

describe('formatEvent', () => {
  it.each([
    [{ type: 'request', method: 'GET', path: '/projects/1', status: 200, ms: 12, attempt: 1 }, 'GET /projects/1 -> 200 (12 ms)'],
    [{ type: 'request', method: 'GET', path: '/x', code: 'ECONNRESET', ms: 3, attempt: 2 }, 'GET /x -> ECONNRESET (3 ms, attempt 2)'],
    [{ type: 'retry', method: 'GET', path: '/x', attempt: 1, status: 502, waitMs: 250 }, 'GET /x -> 502: retry 1 in 250 ms'],
    [{ type: 'rate-limited', method: 'POST', path: '/x', attempt: 1, status: 429, waitMs: 7000, source: 'retry-after' }, 'POST /x -> 429: rate limited, all requests wait 7000 ms (retry-after)'],
    [{ type: 'throttle', maxInFlight: 2, intervalMs: 333.3, remaining: 30, limit: 600 }, 'rate limit: 30 of 600 left, max 2 in flight, one start every 333 ms'],
    [{ type: 'request', method: 'GET', path: '/x?private_token=abcdef123', status: 200, ms: 1, attempt: 1 }, 'GET /x?private_token=[REDACTED] -> 200 (1 ms)'],
  ] as const)('%#', (e, want) => {
    expect(formatEvent(e)).toBe(want);
  });
});
