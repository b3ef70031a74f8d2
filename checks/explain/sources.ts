// Which audit events can explain a finding: each rule declares it (rule.audit, policies/audit.ts).
import { ruleById } from '../../policies/catalog';
import type { Source } from '../../policies/audit';

export type { AuditSource, Source } from '../../policies/audit';

export function sourceOf(rule: string): Source {
  return ruleById(rule)?.audit ?? { unavailable: `no audit event is known to change what rule ${rule} checks` };
}
