// A planned step -> the write step `applySteps` runs: its journal identity, the before-read of the object it
// changes, and the verification that re-reads it and judges the finding's rule again. One builder for
// `revert` and `watch --revert`, so both write through exactly the same path.
import type { GitlabClient } from '../../gitlab/client';
import { ruleById } from '../../policies/catalog';
import type { AllParams } from '../../policies/params';
import type { GitlabInfo } from '../../model/snapshot';
import type { WriteStep } from './apply';
import { readObject, readPathOf } from './before';
import { serialKey, type PlannedStep } from './plan';
import { verifyFinding } from './verify';

export interface StepContext {
  client: GitlabClient;
  runId: string;
  url: string;
  params: AllParams;
  gitlab: GitlabInfo;
  now: () => Date;
  /** Added to the plan's `seq` so several plans can share one journal file (watch). */
  seqBase?: number;
  /** Runs after the before-read succeeded and right before the write (watch remembers its own writes here). */
  onBeforeWrite?: (step: PlannedStep) => void;
}

export function toWriteStep(s: PlannedStep, ctx: StepContext): WriteStep {
  const f = s.finding;
  const rule = ruleById(f.rule)!;
  return {
    id: {
      run: ctx.runId,
      seq: (ctx.seqBase ?? 0) + s.seq,
      url: ctx.url,
      target: f.target,
      rule: f.rule,
      setting: f.setting,
      ...(f.branch !== undefined ? { branch: f.branch } : {}),
      ...(f.object !== undefined ? { object: f.object } : {}),
      ...(f.fixData !== undefined ? { fixData: f.fixData } : {}),
    },
    change: s.change,
    serialKey: serialKey(s.change),
    readBefore: async () => {
      const before = await readObject(ctx.client, readPathOf(s.change));
      ctx.onBeforeWrite?.(s);
      return before;
    },
    verify: () => verifyFinding(ctx.client, f, rule, ctx.params, ctx.gitlab, ctx.now()),
  };
}
