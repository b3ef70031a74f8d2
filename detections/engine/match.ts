// The pure matcher shared by `detect` and a future `watch`: no I/O, no clock.
import type { AuditEventLike, CompiledRule } from './types';

/** The rules that match one event, in the order given. */
export function matchEvent(rules: readonly CompiledRule[], event: AuditEventLike): CompiledRule[] {
  return rules.filter((r) => r.matches(event));
}
