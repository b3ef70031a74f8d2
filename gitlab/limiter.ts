// Bounded concurrency that follows GitLab's rate-limit headers (docs/gitlab-behaviour.md, Pagination, errors and authentication): every response
// carries RateLimit-Limit / -Remaining / -Reset (Unix seconds). When the remaining budget falls below
// ~10% of the limit we lower the number of requests in flight and space them so the budget lasts until
// the reset; a 429 pauses everyone until the reset; a healthy budget restores full concurrency.

export interface LimiterOptions {
  /** Max requests in flight (default 8). */
  concurrency?: number;
  /** Fraction of RateLimit-Limit below which we slow down (default 0.1). */
  lowWatermark?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Told when the limiter slows down, pauses or recovers. */
  onThrottle?: (e: ThrottleEvent) => void;
}

export interface ThrottleEvent {
  type: 'throttle';
  /** Current cap on requests in flight. */
  maxInFlight: number;
  /** Minimum spacing between request starts, ms (0 = none). */
  intervalMs: number;
  /** Paused until (epoch ms), when a 429 or an exhausted budget paused everyone. */
  pausedUntil?: number;
  remaining?: number;
  limit?: number;
}

export interface LimiterStats {
  inFlight: number;
  peakInFlight: number;
  /** Time-weighted average of requests in flight between the first start and the last end. */
  effectiveConcurrency: number;
  maxInFlight: number;
  intervalMs: number;
}

/** A header lookup: `Headers`, or a lower-cased record. */
export type HeaderBag = { get(name: string): string | null } | Record<string, string | undefined>;

function header(h: HeaderBag, name: string): string | undefined {
  if (typeof (h as { get?: unknown }).get === 'function') return (h as { get(n: string): string | null }).get(name) ?? undefined;
  return (h as Record<string, string | undefined>)[name.toLowerCase()];
}

export const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class Limiter {
  readonly concurrency: number;
  private readonly low: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly onThrottle?: (e: ThrottleEvent) => void;
  private cap: number;
  private intervalMs = 0;
  private nextStartAt = 0;
  private pausedUntil = 0;
  private slots = 0;
  private inFlight = 0;
  private peak = 0;
  private readonly waiters: (() => void)[] = [];
  private area = 0;
  private lastChange = 0;
  private firstStart = -1;
  private lastEnd = 0;

  constructor(opts: LimiterOptions = {}) {
    this.concurrency = Math.max(1, Math.floor(opts.concurrency ?? 8));
    this.low = opts.lowWatermark ?? 0.1;
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? realSleep;
    this.onThrottle = opts.onThrottle;
    this.cap = this.concurrency;
  }

  /** Runs `fn` inside a slot. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  /** Waits for a slot, a pause to end, and the spacing; then counts the request as in flight. */
  async acquire(): Promise<void> {
    if (this.slots >= this.cap || this.waiters.length > 0) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    } else {
      this.slots += 1;
    }
    const pauseWait = this.pausedUntil - this.now();
    if (pauseWait > 0) await this.sleep(pauseWait);
    if (this.intervalMs > 0) {
      // Reserve a start time so concurrent waiters line up one interval apart.
      const t = this.now();
      const startAt = Math.max(t, this.nextStartAt);
      this.nextStartAt = startAt + this.intervalMs;
      if (startAt > t) await this.sleep(startAt - t);
    }
    this.mark(+1);
  }

  release(): void {
    this.mark(-1);
    this.slots -= 1;
    this.dispatch();
  }

  /** Everyone waits `ms` before their next start (a 429). */
  pauseFor(ms: number): void {
    const until = this.now() + Math.max(0, ms);
    if (until > this.pausedUntil) {
      this.pausedUntil = until;
      this.onThrottle?.({ type: 'throttle', maxInFlight: this.cap, intervalMs: this.intervalMs, pausedUntil: until });
    }
  }

  /** Adapts to a response's RateLimit-* headers. Responses without them (throttles off) leave things as they are. */
  observe(headers: HeaderBag): void {
    const limit = Number(header(headers, 'ratelimit-limit'));
    const remaining = Number(header(headers, 'ratelimit-remaining'));
    if (!Number.isFinite(limit) || !Number.isFinite(remaining) || limit <= 0 || header(headers, 'ratelimit-limit') === undefined) return;
    const resetRaw = Number(header(headers, 'ratelimit-reset'));
    // RateLimit-Reset is Unix seconds on GitLab; tolerate a delta in seconds from other proxies.
    const now = this.now();
    const resetAt = Number.isFinite(resetRaw) && resetRaw > 0 ? (resetRaw > 1e9 ? resetRaw * 1000 : now + resetRaw * 1000) : now + 60_000;
    const threshold = limit * this.low;
    let cap = this.concurrency;
    let interval = 0;
    if (remaining < threshold) {
      cap = Math.max(1, Math.min(this.concurrency, Math.floor((this.concurrency * remaining) / threshold)));
      if (remaining <= 0) {
        this.pauseFor(resetAt - now);
      } else {
        interval = Math.max(0, (resetAt - now) / remaining);
      }
    }
    if (cap !== this.cap || interval !== this.intervalMs) {
      const changed = cap !== this.cap || (interval === 0) !== (this.intervalMs === 0);
      this.cap = cap;
      this.intervalMs = interval;
      if (interval === 0) this.nextStartAt = 0;
      if (changed) this.onThrottle?.({ type: 'throttle', maxInFlight: cap, intervalMs: interval, remaining, limit });
      this.dispatch();
    }
  }

  stats(): LimiterStats {
    const span = (this.inFlight > 0 ? this.now() : this.lastEnd) - this.firstStart;
    const area = this.area + (this.inFlight > 0 ? this.inFlight * (this.now() - this.lastChange) : 0);
    return {
      inFlight: this.inFlight,
      peakInFlight: this.peak,
      effectiveConcurrency: this.firstStart < 0 || span <= 0 ? (this.peak > 0 ? 1 : 0) : area / span,
      maxInFlight: this.cap,
      intervalMs: this.intervalMs,
    };
  }

  private dispatch(): void {
    while (this.waiters.length > 0 && this.slots < this.cap) {
      this.slots += 1;
      this.waiters.shift()!();
    }
  }

  private mark(delta: number): void {
    const t = this.now();
    if (this.firstStart < 0) {
      this.firstStart = t;
      this.lastChange = t;
    }
    this.area += this.inFlight * (t - this.lastChange);
    this.lastChange = t;
    this.inFlight += delta;
    if (this.inFlight > this.peak) this.peak = this.inFlight;
    if (this.inFlight === 0) this.lastEnd = t;
  }
}
