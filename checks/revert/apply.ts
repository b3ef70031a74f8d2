// Journal -> write -> re-read, one step at a time per object, a few objects at once. The order inside a step is
// the journal discipline: read the before value, append + fsync a `pending` record, write, append `applied` (or
// `failed`), verify, append `verified` / `not_verified`. A crash anywhere leaves the last flushed record true.
import type { GitlabClient } from '../../gitlab/client';
import { GitlabError } from '../../gitlab/errors';
import type { Change } from '../../policies/rule';
import type { Journal, JournalRecord, Outcome } from './journal';
import type { Verification } from './verify';

/** The identity of a step in its journal records. */
export type StepIdentity = Pick<JournalRecord, 'run' | 'seq' | 'url' | 'target' | 'rule' | 'setting' | 'branch' | 'object' | 'undoOf' | 'fixData'>;

export interface WriteStep {
  id: StepIdentity;
  change: Change;
  /** Same key = same object: those steps run one after another, in order. */
  serialKey: string;
  readBefore: () => Promise<unknown>;
  verify: (created: { id: number } | undefined) => Promise<Verification>;
}

export interface StepResult {
  step: WriteStep;
  outcome: Exclude<Outcome, 'pending' | 'applied'>;
  status?: number;
  error?: string;
  detail?: string;
}

export interface ApplyHooks {
  /** Tests: runs after the `pending` record is flushed, before the write. A throw is a crash: the run stops. */
  beforeWrite?: (step: WriteStep) => void | Promise<void>;
  /** Tests: runs after the write and its `applied` record, before verification. A throw is a crash. */
  afterWrite?: (step: WriteStep) => void | Promise<void>;
}

export interface ApplyOptions {
  client: GitlabClient;
  journal: Journal;
  /** Objects written at once (writes are fewer and riskier than reads: default 2). */
  concurrency: number;
  now: () => Date;
  hooks?: ApplyHooks;
  onResult?: (r: StepResult) => void;
  /** Asked before each write: true (Ctrl-C) starts no new one; writes in flight finish, verify and are journaled. */
  stop?: () => boolean;
  /**
   * Order of visibility writes. GitLab refuses a group more private than one of its projects or subgroups, and a
   * project more open than its group (docs/gitlab-behaviour.md, Visibility), so tightening goes children first (revert) and
   * loosening parents first (undo). Default: children first.
   */
  visibilityOrder?: 'children-first' | 'parents-first';
}

/**
 * Phase of a step: everything that is not a visibility change runs in phase 0, all at once; visibility changes
 * follow one depth at a time, so no write meets a parent or child that has not moved yet.
 */
function phaseOf(step: WriteStep, maxDepth: number, order: ApplyOptions['visibilityOrder']): number {
  if (!step.change.body || !('visibility' in step.change.body)) return 0;
  const depth = step.id.target.path.split('/').length;
  return 1 + (order === 'parents-first' ? depth : maxDepth - depth);
}

/** A hook threw: the run stops as if the process had died; the journal is left as it is. */
export class SimulatedCrash extends Error {
  override name = 'SimulatedCrash';
}

export async function applySteps(steps: readonly WriteStep[], opts: ApplyOptions): Promise<StepResult[]> {
  const maxDepth = Math.max(0, ...steps.map((s) => s.id.target.path.split('/').length));
  const phases = new Map<number, WriteStep[]>();
  for (const s of steps) {
    const p = phaseOf(s, maxDepth, opts.visibilityOrder);
    phases.set(p, [...(phases.get(p) ?? []), s]);
  }
  const results: StepResult[] = [];
  for (const phase of [...phases.keys()].sort((a, b) => a - b)) {
    if (opts.stop?.()) break;
    results.push(...(await applyPhase(phases.get(phase)!, opts)));
  }
  return results.sort((a, b) => a.step.id.seq - b.step.id.seq);
}

async function applyPhase(steps: readonly WriteStep[], opts: ApplyOptions): Promise<StepResult[]> {
  const groups = new Map<string, WriteStep[]>();
  for (const s of steps) groups.set(s.serialKey, [...(groups.get(s.serialKey) ?? []), s]);
  const queue = [...groups.values()];
  const results: StepResult[] = [];
  let crash: unknown;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (crash === undefined && next < queue.length && !opts.stop?.()) {
      const group = queue[next++]!;
      for (const step of group) {
        if (crash !== undefined || opts.stop?.()) return;
        try {
          const r = await applyStep(step, opts);
          results.push(r);
          opts.onResult?.(r);
        } catch (err) {
          crash = err;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, queue.length)) }, worker));
  if (crash !== undefined) throw crash;
  return results;
}

async function applyStep(step: WriteStep, opts: ApplyOptions): Promise<StepResult> {
  const { client, journal } = opts;
  // fixData goes with the `pending` record only: that is the one undo rebuilds the write from.
  const { fixData, ...id } = step.id;
  const record = (outcome: Outcome, extra: Partial<JournalRecord> = {}): void =>
    journal.append({
      ...id,
      ...(outcome === 'pending' && fixData !== undefined ? { fixData } : {}),
      time: opts.now().toISOString(),
      method: step.change.method,
      path: step.change.path,
      outcome,
      ...extra,
    } as JournalRecord);

  let before: unknown;
  try {
    before = await step.readBefore();
  } catch (err) {
    // No before value, no write: undo could not restore what it never saw.
    const error = messageOf(err);
    record('failed', { error: `not written: reading the current value failed: ${error}`, ...statusOf(err) });
    return { step, outcome: 'failed', error: `not written: reading the current value failed: ${error}`, ...statusOf(err) };
  }
  record('pending', {
    before,
    intended: step.change.body ?? null,
    ...(step.change.unrecoverable ? { unrecoverable: step.change.unrecoverable } : {}),
  });
  await crashPoint(opts.hooks?.beforeWrite, step);

  let status: number;
  let created: { id: number } | undefined;
  try {
    const res = await client.request<unknown>(step.change.method, step.change.path, step.change.body ? { body: step.change.body } : {});
    status = res.status;
    const id = (res.body as { id?: unknown } | null)?.id;
    if (step.change.method === 'POST' && typeof id === 'number') created = { id };
  } catch (err) {
    const error = messageOf(err);
    // The client retries a PUT/PATCH/DELETE whose answer was lost. If GitLab had applied the first attempt, the
    // retry itself fails (a DELETE 404s, an additive protected-branch PATCH 422s): the re-read decides, not the
    // answer. What is in place is recorded as verified, with the error kept beside it.
    const v = await step.verify(undefined).catch(() => ({ verified: false }));
    if (v.verified) {
      const detail = `the write answered "${error}", but the re-read shows the setting in place (an earlier attempt was applied)`;
      record('verified', { ...statusOf(err), detail });
      return { step, outcome: 'verified', ...statusOf(err), detail };
    }
    record('failed', { error, ...statusOf(err) });
    return { step, outcome: 'failed', error, ...statusOf(err) };
  }
  record('applied', { status, ...(created ? { created } : {}) });
  await crashPoint(opts.hooks?.afterWrite, step);

  const v = await step.verify(created).catch((err: unknown) => ({ verified: false, detail: `could not re-read to verify: ${messageOf(err)}` }));
  if (v.verified) {
    record('verified', { status });
    return { step, outcome: 'verified', status };
  }
  record('not_verified', { status, ...(v.detail ? { detail: v.detail } : {}) });
  return { step, outcome: 'not_verified', status, ...(v.detail ? { detail: v.detail } : {}) };
}

async function crashPoint(hook: ((s: WriteStep) => void | Promise<void>) | undefined, step: WriteStep): Promise<void> {
  if (!hook) return;
  try {
    await hook(step);
  } catch (err) {
    throw err instanceof SimulatedCrash ? err : new SimulatedCrash((err as Error)?.message ?? String(err));
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function statusOf(err: unknown): { status?: number } {
  return err instanceof GitlabError && err.status !== undefined ? { status: err.status } : {};
}
