// Every command's --help ends with an example; unknown commands and flags (also of subcommands) end with a
// suggestion and exit 2 (issue 8).
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';

const COMMANDS = ['check', 'explain', 'revert', 'undo', 'detect', 'gate', 'init', 'rules'];

describe('--help', () => {
  it.each(COMMANDS)('%s --help shows usage and at least one example, exit 0', async (command) => {
    const run = await runCli([command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: gitlab-posture ${command} `);
    // An "Examples:" block whose first line runs this very command.
    expect(run.stdout).toMatch(new RegExp(`\\nExamples?:\\n(.*\\n)*? {2}(GITLAB_TOKEN=\\S+ )?gitlab-posture ${command}\\b`));
  });

  it('the top-level help lists every command', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const c of COMMANDS) expect(run.stdout).toMatch(new RegExp(`\\n {2}${c}\\b`));
    expect(run.stdout).toContain('\nExamples:\n  GITLAB_TOKEN=glpat-… gitlab-posture init --group acme');
  });
});

describe('mistakes end with a suggestion and exit 2', () => {
  it.each([
    [['chek'], "unknown command 'chek'", '(Did you mean check?)'],
    [['rule'], "unknown command 'rule'", '(Did you mean rules?)'],
    [['inti', '--group', 'acme'], "unknown command 'inti'", '(Did you mean init?)'],
    [['check', '--baselin', 'b.yaml'], "unknown option '--baselin'", '(Did you mean --baseline?)'],
    [['revert', '--dryrun'], "unknown option '--dryrun'", '(Did you mean --dry-run?)'],
    [['detect', '--rule', 'x'], "unknown option '--rule'", '(Did you mean --rules?)'],
    [['explain', '--sinc', '7d'], "unknown option '--sinc'", '(Did you mean --since?)'],
    [['undo', 'j.jsonl', '--yse'], "unknown option '--yse'", '(Did you mean --yes?)'],
    [['gate', '--base', 'a.yaml', '--head', 'b.yaml', '--fromat', 'json'], "unknown option '--fromat'", '(Did you mean --format?)'],
    [['init', '--group', 'acme', '--waive-exisitng'], "unknown option '--waive-exisitng'", '(Did you mean --waive-existing?)'],
    [['rules', '--formt', 'json'], "unknown option '--formt'", '(Did you mean --format?)'],
  ])('%j', async (argv, error, suggestion) => {
    const run = await runCli(argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`error: ${error}`);
    expect(run.stderr).toContain(suggestion);
    expect(run.stdout).toBe('');
  });

  it('a bad choice names the allowed values, exit 2', async () => {
    const run = await runCli(['rules', '--format', 'yaml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Allowed choices are markdown, json.");
  });
});

describe('rules command', () => {
  it('prints the catalog as markdown by default and json on request, exit 0, no GitLab needed', async () => {
    const md = await runCli(['rules']);
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('# Rule catalog');
    expect(md.stdout).toContain('\n### protected-branches.force-push\n');
    const json = await runCli(['rules', '--format', 'json']);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { rules: { id: string; severity: string }[] };
    expect(parsed.rules.find((r) => r.id === 'two-factor.required')!.severity).toBe('critical');
  });
});
