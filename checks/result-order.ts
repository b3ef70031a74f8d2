// The one order of a check result (findings, skipped, errors, evaluated pairs): by target path, then rule and
// object. The evaluator and `merge` both sort with it, so a merged sharded run equals a single run byte for byte.
import { compareText } from '../gitlab/targets';
import type { CheckResult } from '../model/result';
import type { TargetRef } from '../model/target';

const targetKey = (t: TargetRef) => `${t.path}\u0000${t.kind}`;

export function sortResultLists(r: Pick<CheckResult, 'findings' | 'skipped' | 'errors' | 'evaluated'>): void {
  r.findings.sort(
    (a, b) =>
      compareText(targetKey(a.target), targetKey(b.target)) ||
      compareText(a.rule, b.rule) ||
      compareText(a.branch ?? '', b.branch ?? '') ||
      compareText(a.object ?? '', b.object ?? '') ||
      compareText(a.setting, b.setting),
  );
  r.skipped.sort((a, b) => compareText(targetKey(a.target), targetKey(b.target)) || compareText(a.rule, b.rule));
  r.evaluated?.sort((a, b) => compareText(targetKey(a.target), targetKey(b.target)) || compareText(a.rule, b.rule));
  for (const e of r.errors) e.rules?.sort(compareText);
  r.errors.sort((a, b) => compareText(targetKey(a.target), targetKey(b.target)) || compareText(a.message, b.message));
}
