// Rule ids are a contract (docs/rules.md lists them): extend, never rename. They come from the rules themselves
// (policies/catalog.ts); test/policies/catalog.test.ts pins every published id so none disappears.
import { CATALOG, type RuleId } from './catalog';

export type { RuleId };

export const RULE_IDS: readonly RuleId[] = CATALOG.map((r) => r.id as RuleId);

export function isRuleId(id: string): id is RuleId {
  return (RULE_IDS as readonly string[]).includes(id);
}
