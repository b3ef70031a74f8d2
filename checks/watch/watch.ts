// `watch`, assembled: receiver -> dedupe -> bounded queue -> per event: detections, own-write check, re-check of
// the one target, optional revert -> state file. Catch-up from the audit API runs before the receiver listens.
import type { GitlabClient } from '../../gitlab/client';
import { redact } from '../../gitlab/redact';
import { usernameCache } from '../../gitlab/users';
import type { GlAuditEvent } from '../../gitlab/types';
import type { Baseline } from '../../model/baseline';
import type { Finding } from '../../model/result';
import type { GitlabInfo } from '../../model/snapshot';
import type { TargetRef } from '../../model/target';
import { evaluateEvent, type CompiledRule } from '../../detections/engine';
import { overBudgetError, toMatch } from '../../detections/detect';
import { readMissedEvents } from './catch-up';
import { OwnWrites } from './own-writes';
import { BoundedQueue, DEFAULT_QUEUE_LIMIT } from './queue';
import { revertFindings, SessionJournal } from './react';
import { startReceiver, type Offer, type Receiver } from './receiver';
import { eventNameOf, recheckEvent } from './recheck';
import { eventKey, SeenIds } from './seen';
import { advance, emptyState, RECENT_IDS_KEPT, saveWatchState, type WatchState } from './state';

const SEEN_CAPACITY = 10_000;
const AUTHOR_CACHE = 1_000;
/** Stream events processed between two confirmations through the audit API. */
export const CONFIRM_EVERY = 200;
/** How far ahead of this clock a created_at may be (clock skew between GitLab and the receiver). */
export const CLOCK_SKEW_MS = 5 * 60_000;
const MAX_BACKDATE_MS = 24 * 3600_000;

export interface WatcherConfig {
  host: string;
  port: number;
  client: GitlabClient;
  gitlab: GitlabInfo;
  baseline: Baseline;
  rules: readonly CompiledRule[];
  /** Matching steps allowed per (rule, event); tests lower it (detections/engine/budget.ts). */
  ruleStepLimit?: number;
  verificationToken: string;
  /** GITLAB_TOKEN, only to keep it out of every line printed. */
  gitlabToken: string | undefined;
  revert: boolean;
  stateFile: string;
  /** Loaded state (restart) or undefined (first start: no catch-up). */
  state: WatchState | undefined;
  /** Events by this user are not reacted to: { id } from GET /user, or a username from --ignore-author. */
  ignoreAuthor: { id: number } | { username: string } | null;
  runId: string;
  journalDir: string;
  queueLimit?: number;
  maxBodyBytes?: number;
  now: () => Date;
  /** One JSON object per line on stdout. */
  emit: (line: Record<string, unknown>) => void;
  /** Human-readable notes on stderr. */
  log: (text: string) => void;
  /** Tests: awaited before each event is worked on (holds the consumer to fill the queue). */
  beforeProcess?: (event: GlAuditEvent) => Promise<void>;
}

export interface WatchStats {
  accepted: number;
  duplicates: number;
  /** 503 answers: the queue was full. */
  refused: number;
  /** Answers 400/401/405/413 by status. */
  rejected: Record<string, number>;
  processed: number;
  caughtUp: number;
  matches: number;
  ignoredOwn: number;
  rechecks: number;
  drift: number;
  writes: { verified: number; failed: number };
  errors: number;
  maxQueued: number;
  /** Stream events the audit API has since returned (catch-up): only these moved the saved position. */
  confirmed: number;
  /** Deliveries refused with 400 because their created_at was missing or in the future. */
  untrustedTime: number;
}

export interface Watcher {
  url: string;
  port: number;
  stats(): WatchStats;
  /** Resolves when nothing is queued or being worked on. */
  idle(): Promise<void>;
  /** Stops listening, drains the queue (bounded), persists the state. */
  stop(): Promise<void>;
  /** The session journal, once something was written. */
  journal(): string | undefined;
}

const DRAIN_TIMEOUT_MS = 60_000;

export async function startWatcher(cfg: WatcherConfig): Promise<Watcher> {
  const stats: WatchStats = {
    accepted: 0, duplicates: 0, refused: 0, rejected: {}, processed: 0, caughtUp: 0, matches: 0, ignoredOwn: 0,
    rechecks: 0, drift: 0, writes: { verified: 0, failed: 0 }, errors: 0, maxQueued: 0, confirmed: 0, untrustedTime: 0,
  };
  let state = cfg.state ?? emptyState(cfg.client.url, cfg.now());
  // Keyed on content (id, time, entity): a forged delivery reusing a real event's id cannot make it a duplicate.
  const seen = new SeenIds<string>(SEEN_CAPACITY);
  for (const key of state.recentKeys ?? []) seen.add(key);
  // A state file of an earlier version has ids only: those events were processed, skip them once in catch-up.
  const legacyIds = new Set(state.recentKeys ? [] : state.recentIds);
  /** Stream events processed but not yet seen in the audit API: the position does not include them. */
  let unconfirmed = 0;
  /** A delivery with an untrusted created_at was refused: if it was real, the audit API will have it. */
  let recheckApi = false;
  const ownWrites = new OwnWrites({ now: () => cfg.now().getTime() });
  const journal = new SessionJournal(cfg.journalDir, cfg.runId, cfg.gitlabToken, { url: cfg.client.url, params: cfg.baseline.params, now: cfg.now });
  const usernames = usernameCache(cfg.client, AUTHOR_CACHE);
  /** Trusted time (receipt time bounded) of the oldest event refused with 503 since the last recovery. */
  let droppedSince: string | undefined;

  async function isIgnoredAuthor(event: GlAuditEvent): Promise<boolean> {
    const ig = cfg.ignoreAuthor;
    if (!ig) return false;
    if ('id' in ig) return event.author_id === ig.id;
    return event.author_id > 0 && (await usernames.usernameOf(event.author_id)) === ig.username;
  }

  async function processEvent(event: GlAuditEvent, via: 'stream' | 'catch-up'): Promise<void> {
    if (cfg.beforeProcess) await cfg.beforeProcess(event);
    try {
      await handle(event, via);
    } catch (err) {
      stats.errors++;
      cfg.emit({ type: 'error', event_id: event.id, message: `processing the event failed: ${(err as Error).message}` });
    }
    stats.processed++;
    if (via === 'catch-up') {
      stats.caughtUp++;
      // Read from the audit API: its id and created_at are GitLab's, so the position may move.
      state = advance(state, event);
      persist();
    } else unconfirmed++;
  }

  async function handle(event: GlAuditEvent, via: 'stream' | 'catch-up'): Promise<void> {
    // Detections see every event, ours included: they only report, so they cannot loop.
    const { matched, overBudget } = evaluateEvent(cfg.rules, event, cfg.ruleStepLimit);
    for (const rule of overBudget) {
      stats.errors++;
      cfg.emit({ type: 'error', event_id: event.id, rule: rule.file, message: overBudgetError({ rule, event }, cfg.ruleStepLimit).message });
    }
    if (matched.length > 0) {
      const author = event.author_id > 0 ? await usernames.usernameOf(event.author_id) : null;
      const authors = new Map<number, string | null>([[event.author_id, author]]);
      for (const rule of matched) {
        stats.matches++;
        cfg.emit({ type: 'match', via, ...toMatch({ rule, event }, authors) });
      }
    }
    // Consume the remembered write even when the author alone would do, so it cannot swallow a later event.
    const mine = ownWrites.consume(event);
    if (mine || (await isIgnoredAuthor(event))) {
      stats.ignoredOwn++;
      cfg.emit({ type: 'ignored', event_id: event.id, event_name: eventNameOf(event) ?? null, reason: mine ? 'own write' : 'ignored author' });
      return;
    }
    const check = await recheckEvent(event, { client: cfg.client, baseline: cfg.baseline, gitlab: cfg.gitlab, now: cfg.now });
    if (check.status === 'no-rule' || check.status === 'out-of-scope') return;
    if (check.status === 'unreadable') {
      stats.errors++;
      cfg.emit({ type: 'error', event_id: event.id, target: check.target, message: `could not re-check: ${check.message}` });
      return;
    }
    stats.rechecks++;
    const { result } = check;
    const findings = result.findings.filter((f) => !f.waived);
    stats.drift += findings.length;
    if (result.errors.length > 0) stats.errors += result.errors.length;
    cfg.emit({
      type: 'check',
      via,
      event_id: event.id,
      event_name: eventNameOf(event) ?? null,
      target: check.target,
      rules: check.rules,
      findings: result.findings.map(publicFinding),
      errors: result.errors.map((e) => ({ target: e.target, message: e.message })),
    });
    if (!cfg.revert || findings.length === 0) return;
    const reaction = await revertFindings(findings, {
      client: cfg.client, baseline: cfg.baseline, gitlab: cfg.gitlab, url: cfg.client.url, runId: cfg.runId,
      journalDir: cfg.journalDir, token: cfg.gitlabToken, ownWrites, now: cfg.now,
    }, journal);
    for (const r of reaction.results) {
      if (r.outcome === 'verified') stats.writes.verified++;
      else stats.writes.failed++;
    }
    cfg.emit({
      type: 'revert',
      event_id: event.id,
      target: check.target,
      journal: reaction.journal ?? null,
      results: reaction.results.map((r) => ({
        rule: r.step.id.rule, setting: r.step.id.setting, method: r.step.change.method, path: r.step.change.path, outcome: r.outcome,
        ...(r.status !== undefined ? { status: r.status } : {}), ...(r.error ? { error: r.error } : {}), ...(r.detail ? { detail: r.detail } : {}),
      })),
      manual: reaction.plan.manual.map((m) => ({ rule: m.finding.rule, setting: m.finding.setting, reason: m.reason })),
      needs_destructive: reaction.plan.needsDestructive.map((m) => ({ rule: m.finding.rule, setting: m.finding.setting })),
    });
  }

  function persist(): void {
    try {
      saveWatchState(cfg.stateFile, state);
    } catch (err) {
      stats.errors++;
      cfg.log(`gitlab-posture watch: cannot write the state file ${cfg.stateFile}: ${(err as Error).message}; a restart would catch up from an older point.`);
    }
  }

  /**
   * Reads the audit API from `since`: events the stream already brought are now confirmed (the position moves
   * past them), the others are processed. Nothing a stream sender wrote moves the position.
   */
  async function catchUp(since: Date, reason: string): Promise<void> {
    const read = await readMissedEvents(cfg.client, cfg.baseline, { since, isAdmin: cfg.gitlab.isAdmin });
    for (const u of read.unreadable) {
      stats.errors++;
      cfg.emit({ type: 'error', scope: u.scope, message: `catch-up (${reason}) could not read audit events: ${u.message}` });
    }
    const missed = read.events.filter((e) => !seen.has(eventKey(e)) && !legacyIds.has(e.id));
    if (missed.length > 0) cfg.log(`gitlab-posture watch: catching up on ${missed.length} audit event(s) (${reason}).`);
    // Bounded: the list was read once; events arriving meanwhile wait in the queue.
    for (const event of read.events) {
      const key = eventKey(event);
      if (seen.has(key) || legacyIds.has(event.id)) {
        stats.confirmed++;
        state = advance(state, event);
        continue;
      }
      seen.add(key);
      await processEvent(event, 'catch-up');
    }
    legacyIds.clear();
    if (read.unreadable.length === 0) unconfirmed = 0;
    persist();
  }

  /** Where a catch-up starts: the confirmed position, or earlier when events were refused before it. */
  function catchUpSince(): Date {
    const at = Date.parse(state.since);
    return new Date(droppedSince !== undefined ? Math.min(at, Date.parse(droppedSince)) : at);
  }

  async function catchUpNow(reason: string): Promise<void> {
    const since = catchUpSince();
    droppedSince = undefined;
    recheckApi = false;
    await catchUp(since, reason).catch((err: unknown) => {
      stats.errors++;
      cfg.emit({ type: 'error', message: `catch-up (${reason}) failed: ${(err as Error).message}` });
    });
  }

  const queue = new BoundedQueue<GlAuditEvent>(cfg.queueLimit ?? DEFAULT_QUEUE_LIMIT, async (event) => {
    await processEvent(event, 'stream');
    if (queue.size > 0) return;
    // Events refused while the queue was full may never be sent again: once it has drained, read them back.
    if (droppedSince !== undefined) await catchUpNow('events refused while the queue was full');
    else if (recheckApi) await catchUpNow('a delivery with an untrusted created_at was refused');
    // Every so many stream events, confirm them through the audit API so the saved position keeps up.
    else if (unconfirmed >= CONFIRM_EVERY) await catchUpNow('confirming streamed events');
  });

  function offer(event: GlAuditEvent): Offer {
    const now = cfg.now().getTime();
    const at = Date.parse(event.created_at);
    // convert.ts turns a missing or unparsable created_at into the epoch.
    if (Number.isNaN(at) || at <= 0 || at > now + CLOCK_SKEW_MS) {
      stats.untrustedTime++;
      recheckApi = true;
      return {
        refuse: at > now + CLOCK_SKEW_MS
          ? `created_at ${event.created_at} is in the future (more than ${CLOCK_SKEW_MS / 60_000} min ahead of this clock)`
          : 'created_at is missing or not a date',
      };
    }
    const key = eventKey(event);
    if (seen.has(key)) {
      stats.duplicates++;
      return 'duplicate';
    }
    if (!queue.offer(event)) {
      stats.refused++;
      // Where to read back from: the event's own time, but never before a day ago (a sender cannot make catch-up
      // re-read years) nor after now.
      const trusted = new Date(Math.min(now, Math.max(at, now - MAX_BACKDATE_MS))).toISOString();
      if (droppedSince === undefined || Date.parse(trusted) < Date.parse(droppedSince)) droppedSince = trusted;
      return 'full';
    }
    seen.add(key);
    stats.accepted++;
    stats.maxQueued = Math.max(stats.maxQueued, queue.size);
    return 'accepted';
  }

  if (cfg.state) await catchUp(new Date(cfg.state.since), 'since the last run');
  persist();

  let receiver: Receiver;
  receiver = await startReceiver({
    host: cfg.host,
    port: cfg.port,
    verificationToken: cfg.verificationToken,
    ...(cfg.maxBodyBytes ? { maxBodyBytes: cfg.maxBodyBytes } : {}),
    offer,
    onReject: (status, reason) => {
      if (status === 503) return;
      stats.rejected[String(status)] = (stats.rejected[String(status)] ?? 0) + 1;
      cfg.log(redact(`gitlab-posture watch: refused a delivery (${status}): ${reason}`, cfg.gitlabToken, cfg.verificationToken));
    },
  });

  let stopped: Promise<void> | undefined;
  return {
    url: receiver.url,
    port: receiver.port,
    stats: () => ({ ...stats, rejected: { ...stats.rejected }, writes: { ...stats.writes } }),
    idle: () => queue.idle(),
    journal: () => journal.file,
    stop: () =>
      (stopped ??= (async () => {
        await receiver.close();
        let timer: NodeJS.Timeout | undefined;
        const drained = await Promise.race([
          queue.idle().then(() => true),
          new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), DRAIN_TIMEOUT_MS))),
        ]);
        clearTimeout(timer);
        if (!drained) cfg.log(`gitlab-posture watch: ${queue.size} queued event(s) not processed within ${DRAIN_TIMEOUT_MS / 1000}s; the next start catches up on them.`);
        // Confirm what the stream brought, so the next start does not work through it again.
        else if (unconfirmed > 0 || droppedSince !== undefined || recheckApi) await catchUpNow('confirming streamed events before stopping');
        persist();
        // Only once nothing more can be written: a write still running would land after the end record.
        if (drained) journal.close();
      })()),
  };
}

/** What a finding line shows: the report's fields, never fixData. */
function publicFinding(f: Finding): Record<string, unknown> {
  return {
    rule: f.rule, severity: f.severity, target: f.target as TargetRef, setting: f.setting,
    ...(f.branch !== undefined ? { branch: f.branch } : {}), ...(f.object !== undefined ? { object: f.object } : {}),
    expected: f.expected, actual: f.actual, message: f.message, revertible: f.revertible, waived: f.waived,
  };
}

export { RECENT_IDS_KEPT };
