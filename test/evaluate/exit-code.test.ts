import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../checks/exit-code';
import type { Finding } from '../../model/result';
import type { Severity } from '../../model/target';

const finding = (severity: Severity, waived = false) => ({ severity, waived }) as Finding;
const result = (findings: Finding[], complete = true) => ({
  summary: { targets: 1, findings: findings.filter((f) => !f.waived).length, waived: 0, skipped: 0, errors: complete ? 0 : 1, complete },
  findings,
});

describe('exitCodeFor', () => {
  it.each([
    ['nothing found', [], true, 'low', 0],
    ['a low finding, default threshold', [finding('low')], true, undefined, 1],
    ['a low finding, fail-on medium', [finding('low')], true, 'medium', 0],
    ['a medium finding, fail-on medium', [finding('medium')], true, 'medium', 1],
    ['a high finding, fail-on critical', [finding('high')], true, 'critical', 0],
    ['a critical finding, fail-on critical', [finding('critical')], true, 'critical', 1],
    ['only waived findings', [finding('critical', true)], true, 'low', 0],
    ['incomplete without findings', [], false, 'low', 2],
    ['incomplete with findings: 2 beats 1', [finding('critical')], false, 'low', 2],
    ['incomplete, findings below threshold', [finding('low')], false, 'critical', 2],
  ] as const)('%s', (_name, findings, complete, failOn, want) => {
    expect(exitCodeFor(result([...findings], complete), failOn)).toBe(want);
  });
});
