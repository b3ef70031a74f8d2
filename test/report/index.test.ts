import { describe, expect, it } from 'vitest';
import { isReportFormat, render, REPORT_FORMATS, type ReportFormat } from '../../checks/report';
import { makeResult, RULES } from './fixtures';

describe('render', () => {
  it('knows the seven formats of the CLI contract', () => {
    expect(REPORT_FORMATS).toEqual(['table', 'json', 'sarif', 'junit', 'codequality', 'markdown', 'html']);
    expect(isReportFormat('sarif')).toBe(true);
    expect(isReportFormat('yaml')).toBe(false);
  });

  it.each([
    ['table', '5 targets, 6 findings (1 waived)'],
    ['json', '"schemaVersion": 1'],
    ['sarif', '"version": "2.1.0"'],
    ['junit', '<testsuites name="gitlab-posture" tests="15"'],
    ['codequality', '"check_name": "two-factor.required"'],
    ['markdown', '## GitLab posture: INCOMPLETE'],
    ['html', '<!DOCTYPE html>'],
  ] as const)('%s ends with a newline and has its marker', (format, marker) => {
    const text = render(format, makeResult(), { rules: RULES });
    expect(text).toContain(marker);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('does not change the result it renders', () => {
    const result = makeResult();
    const before = JSON.stringify(result);
    for (const format of REPORT_FORMATS) render(format, result, { rules: RULES });
    expect(JSON.stringify(result)).toBe(before);
  });

  it('rejects an unknown format with the list of known ones', () => {
    expect(() => render('yaml' as ReportFormat, makeResult(), { rules: RULES })).toThrow(
      'unknown report format "yaml": use one of table, json, sarif, junit, codequality, markdown, html',
    );
  });
});
