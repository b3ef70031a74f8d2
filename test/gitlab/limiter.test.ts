import { afterEach, describe, expect, it } from 'vitest';
import { GitlabClient } from '../../gitlab/client';
import { Limiter } from '../../gitlab/limiter';
import { fakeSleep, scriptServer, TOKEN, type ScriptServer } from './script-server';

let srv: ScriptServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

function fakeClock(start = 1_700_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('Limiter', () => {
  it('never has more than N in flight, and uses all N', async () => {
    const lim = new Limiter({ concurrency: 4 });
    let open = 0;
    let peak = 0;
    // Each task keeps its slot until four are open together, then all four finish: N is reached without timing.
    let held: (() => void)[] = [];
    await Promise.all(
      Array.from({ length: 40 }, () =>
        lim.run(async () => {
          open += 1;
          peak = Math.max(peak, open);
          await new Promise<void>((release) => {
            held.push(release);
            if (held.length < 4) return;
            const batch = held;
            held = [];
            for (const r of batch) r();
          });
          open -= 1;
        }),
      ),
    );
    expect(peak).toBe(4);
    expect(lim.stats().peakInFlight).toBe(4);
    expect(lim.stats().inFlight).toBe(0);
  });

  it('lowers concurrency and spaces requests as RateLimit-Remaining falls, then recovers', async () => {
    const clock = fakeClock();
    const { sleeps, sleep } = fakeSleep();
    const events: unknown[] = [];
    const lim = new Limiter({ concurrency: 8, now: clock.now, sleep, onThrottle: (e) => events.push(e) });
    const reset = String(clock.now() / 1000 + 10); // 10 s from now
    lim.observe({ 'ratelimit-limit': '600', 'ratelimit-remaining': '300', 'ratelimit-reset': reset });
    expect(lim.stats()).toMatchObject({ maxInFlight: 8, intervalMs: 0 });
    lim.observe({ 'ratelimit-limit': '600', 'ratelimit-remaining': '30', 'ratelimit-reset': reset });
    expect(lim.stats()).toMatchObject({ maxInFlight: 4, intervalMs: 10_000 / 30 });
    lim.observe({ 'ratelimit-limit': '600', 'ratelimit-remaining': '5', 'ratelimit-reset': reset });
    expect(lim.stats()).toMatchObject({ maxInFlight: 1, intervalMs: 2000 });
    // Three starts in a row are spaced 2 s apart (reserved slots), by the injected sleep.
    for (let i = 0; i < 3; i += 1) {
      await lim.acquire();
      lim.release();
    }
    expect(sleeps).toEqual([2000, 4000]);
    lim.observe({ 'ratelimit-limit': '600', 'ratelimit-remaining': '590', 'ratelimit-reset': reset });
    expect(lim.stats()).toMatchObject({ maxInFlight: 8, intervalMs: 0 });
    expect(events.length).toBe(3);
  });

  it('an exhausted budget or a 429 pauses every request until the reset', async () => {
    const clock = fakeClock();
    const { sleeps, sleep } = fakeSleep();
    const lim = new Limiter({ concurrency: 2, now: clock.now, sleep });
    lim.observe({ 'ratelimit-limit': '100', 'ratelimit-remaining': '0', 'ratelimit-reset': String(clock.now() / 1000 + 5) });
    await Promise.all([lim.run(async () => undefined), lim.run(async () => undefined)]);
    expect(sleeps).toEqual([5000, 5000]);
  });

  it('reports time-weighted average in flight as effective concurrency', async () => {
    const clock = fakeClock();
    const lim = new Limiter({ concurrency: 4, now: clock.now });
    await lim.acquire(); // 1 in flight for 100 ms
    clock.advance(100);
    await lim.acquire(); // 2 in flight for 100 ms
    clock.advance(100);
    lim.release();
    lim.release();
    expect(lim.stats().effectiveConcurrency).toBe(1.5);
  });

  it('ignores responses without rate-limit headers (self-managed default)', () => {
    const lim = new Limiter({ concurrency: 3 });
    lim.observe({});
    expect(lim.stats()).toMatchObject({ maxInFlight: 3, intervalMs: 0 });
  });
});

describe('client concurrency', () => {
  it('keeps at most `concurrency` requests open at the server', async () => {
    // Answers go out only when three are open together: the client reaches its width, and a fourth would show.
    srv = await scriptServer(() => ({ status: 200, body: [] }), { holdUntilOpen: 3 });
    const c = new GitlabClient({ url: srv.url, token: TOKEN, concurrency: 3 });
    await Promise.all(Array.from({ length: 30 }, (_, i) => c.get(`/projects/${i}`)));
    expect(srv.peakConcurrent()).toBe(3);
    expect(c.stats().peakInFlight).toBe(3);
    expect(c.stats().requests).toBe(30);
  });

  it('slows to one request at a time when the server reports a low budget', async () => {
    let n = 0;
    srv = await scriptServer(() => {
      n += 1;
      // The first 12 answers report a healthy budget, later ones 5 of 1000 left.
      const remaining = n <= 12 ? 1000 - n : 5;
      return {
        status: 200,
        body: [],
        headers: { 'ratelimit-limit': '1000', 'ratelimit-remaining': String(remaining), 'ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 1) },
      };
    }, { delayMs: 3 });
    const { sleeps, sleep } = fakeSleep();
    const c = new GitlabClient({ url: srv.url, token: TOKEN, concurrency: 6, sleep });
    await Promise.all(Array.from({ length: 12 }, (_, i) => c.get(`/a/${i}`)));
    expect(Math.max(...srv.requests.map((r) => r.openAtArrival))).toBeGreaterThan(1);
    await c.get('/low'); // this answer reports the low budget
    await Promise.all(Array.from({ length: 12 }, (_, i) => c.get(`/b/${i}`)));
    const slow = srv.requests.filter((r) => r.path.startsWith('/api/v4/b/'));
    expect(slow.length).toBe(12);
    expect(slow.map((r) => r.openAtArrival)).toEqual(Array(12).fill(1));
    // And they were spaced out (the budget of 5 has to last until the reset).
    expect(sleeps.length).toBeGreaterThanOrEqual(11);
  });
});
