// The rule catalog: every area file's `rules`, in this order. The CLI, the provider and the CrossGuard pack all
// judge with these. A new rule goes into its area file's `rules` list; nothing here changes.
import type { Rule } from './rule';
import * as twoFactor from './two-factor';
import * as visibility from './visibility';
import * as protectedBranches from './protected-branches';
import * as mrApprovals from './mr-approvals';
import * as webhooks from './webhooks';
import * as gitAbuse from './git-abuse';
import * as ci from './ci';
import * as projects from './projects';
import * as pushRules from './push-rules';
import * as groups from './groups';
import * as members from './members';
import * as instance from './instance';

const AREA_RULES = [
  twoFactor.rules,
  visibility.rules,
  protectedBranches.rules,
  mrApprovals.rules,
  webhooks.rules,
  gitAbuse.rules,
  ci.rules,
  projects.rules,
  pushRules.rules,
  groups.rules,
  members.rules,
  instance.rules,
] as const;

/** Every rule id, as a literal union built from the rules themselves. */
export type RuleId = (typeof AREA_RULES)[number][number]['id'];

/** All rules, area by area. */
export const CATALOG: Rule[] = (AREA_RULES as unknown as readonly (readonly Rule[])[]).flat();

const BY_ID = new Map(CATALOG.map((r) => [r.id, r] as const));
if (BY_ID.size !== CATALOG.length) {
  const seen = new Set<string>();
  const dup = CATALOG.find((r) => (seen.has(r.id) ? true : (seen.add(r.id), false)));
  throw new Error(`policies/catalog.ts: rule id ${dup?.id} is defined twice`);
}

export function ruleById(id: RuleId | string): Rule | undefined {
  return BY_ID.get(id);
}
