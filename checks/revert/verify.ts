// After a write: re-read what the rule needs on that one target (the collector's own per-area reads) and judge
// the rule again. A write GitLab answered with success but ignored (a locked approval flag: POST /approvals
// answers 201 with the old values; a licence-gated key below its tier dropped with 200; docs/gitlab-behaviour.md) still shows the
// finding: it is `not_verified`, never "done".
import type { GitlabClient } from '../../gitlab/client';
import type { Finding } from '../../model/result';
import type { GitlabInfo } from '../../model/snapshot';
import type { Read } from '../../model/target';
import type { GlGroup } from '../../gitlab/types';
import type { Rule } from '../../policies/rule';
import { readsNeeded, runRule, type TargetState } from '../../policies/run';
import type { AllParams, Area } from '../../policies/params';
import { fetchGroupRead, fetchInstanceRead, fetchProjectRead } from '../collect/reads';
import { valueOf } from '../../gitlab/read';
import { contextOf } from '../evaluate';

export interface Verification {
  verified: boolean;
  /** Why not, in words (what GitLab still shows, or which re-read failed). */
  detail?: string;
}

export async function verifyFinding(
  client: GitlabClient,
  finding: Finding,
  rule: Rule,
  params: AllParams,
  gitlab: Pick<GitlabInfo, 'tier' | 'tierSource' | 'isAdmin'> & Partial<Pick<GitlabInfo, 'url' | 'edition' | 'namespaces'>>,
  now: Date,
): Promise<Verification> {
  const { kind, id } = finding.target;
  const state: Record<string, unknown> = { target: finding.target };
  for (const key of readsNeeded(rule, kind)) {
    const read: Read<unknown> =
      kind === 'project'
        ? await fetchProjectRead(client, id, key as never)
        : kind === 'group'
          ? await fetchGroupRead(client, id, key as never)
          : await fetchInstanceRead(client, key as never);
    if (!read.ok) return { verified: false, detail: `could not re-read to verify: ${read.error.message}` };
    state[key] = read;
  }
  if (kind === 'group') state.topLevel = (valueOf(state.group as Read<GlGroup>) as GlGroup).parent_id === null;
  const verdict = runRule(rule, state as unknown as TargetState, params[rule.area as Area], {
    tier: gitlab.tier,
    ...(gitlab.tierSource ? { tierSource: gitlab.tierSource } : {}),
    ...(gitlab.namespaces ? { namespaces: gitlab.namespaces } : {}),
    isAdmin: gitlab.isAdmin,
    now: now.toISOString(),
    ...(gitlab.url ? contextOf({ url: gitlab.url, edition: gitlab.edition }) : {}),
  });
  if (verdict.kind === 'failed') return { verified: false, detail: `rule ${rule.id} failed on the re-read: ${verdict.message}` };
  if (verdict.kind === 'skipped') return { verified: false, detail: `rule ${rule.id} cannot judge the re-read: ${verdict.reason}` };
  if (verdict.kind === 'untiered') return { verified: false, detail: `rule ${rule.id} cannot judge the re-read: ${verdict.message}` };
  if (verdict.kind === 'unread') return { verified: false, detail: `could not re-read to verify: ${verdict.reads.map((r) => r.message).join('; ')}` };
  const still = verdict.findings.find(
    (d) => d.setting === finding.setting && (d.branch ?? null) === (finding.branch ?? null) && (d.object ?? null) === (finding.object ?? null),
  );
  if (!still) return { verified: true };
  return {
    verified: false,
    detail:
      `GitLab accepted the write but still shows ${finding.setting} = ${JSON.stringify(still.actual)} (expected ${JSON.stringify(still.expected)}): ` +
      'it ignored the change (a setting locked by the group or instance, or a field your licence does not cover; docs/gitlab-behaviour.md, Merge request approvals).',
  };
}
