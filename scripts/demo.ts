// `npm run demo`: the incident story end to end against the simulator, no set-up and no network:
// a GitLab whose settings an attacker weakened -> check (what is wrong) -> explain (who did it) ->
// revert (put it back, journaled) -> check again (clean) -> reports in demo-output/.
// `npm run demo -- --live --url https://gitlab.example.com` (GITLAB_TOKEN set) runs check and explain
// read-only against a real GitLab instead.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { main } from '../checks/cli/main';
import { processIO, type CliIO } from '../checks/cli/io';
import { startSim, type RunningSim } from '../sim';

const OUT = resolve(process.argv.includes('--out') ? process.argv[process.argv.indexOf('--out') + 1]! : 'demo-output');

// Bold headings on a terminal only: piped or redirected output stays plain text.
const BOLD = process.stdout.isTTY && !process.env.NO_COLOR ? ['\x1b[1m', '\x1b[0m'] : ['', ''];

function say(text: string): void {
  process.stdout.write(`\n${BOLD[0]}== ${text}${BOLD[1]}\n`);
}

async function step(io: CliIO, argv: string[]): Promise<number> {
  process.stdout.write(`$ gitlab-posture ${argv.join(' ')}\n`);
  return main(argv, io);
}

async function live(): Promise<number> {
  const urlIndex = process.argv.indexOf('--url');
  const url = urlIndex > 0 ? process.argv[urlIndex + 1] : process.env.GITLAB_URL;
  const baseline = process.argv.includes('--baseline') ? process.argv[process.argv.indexOf('--baseline') + 1]! : 'baseline.yaml';
  if (!url || !process.env.GITLAB_TOKEN) {
    process.stderr.write('demo --live: needs --url (or GITLAB_URL) and GITLAB_TOKEN (read_api is enough: live mode only reads).\n');
    return 2;
  }
  mkdirSync(OUT, { recursive: true });
  const io = processIO();
  say('Live, read-only: check');
  const code = await step(io, ['check', '--baseline', baseline, '--url', url, '--format', 'table']);
  say('Live, read-only: explain');
  await step(io, ['explain', '--baseline', baseline, '--url', url, '--format', 'table']);
  await step(io, ['check', '--baseline', baseline, '--url', url, '--format', 'html', '--output', join(OUT, 'report.html')]);
  process.stdout.write(`\nHTML report: ${join(OUT, 'report.html')}\n`);
  return code === 2 ? 2 : 0;
}

async function simulated(): Promise<number> {
  mkdirSync(OUT, { recursive: true });
  let sim: RunningSim | undefined;
  try {
    sim = await startSim({ scenario: 'incident' });
    const baseline = join(OUT, 'baseline.yaml');
    // The repository's example baseline, pointed at this simulator run.
    writeFileSync(baseline, readFileSync('baseline.yaml', 'utf8').replace(/url: \S+/, `url: ${sim.url}`));
    const io: CliIO = { ...processIO(), env: { ...process.env, GITLAB_TOKEN: sim.tokens.owner, GITLAB_URL: sim.url } };

    say(`A GitLab simulator at ${sim.url} plays the acme instance after an incident: mallory (203.0.113.9)`);
    process.stdout.write(
      '   turned off 2FA enforcement, opened the acme group and made acme/web public, allowed force push and\n' +
        '   Developer push on main, lowered approvals and allowed self-approval on acme/api, added a webhook to an\n' +
        '   attacker host without TLS verification, disabled the Git abuse limit, left AWS_SECRET_ACCESS_KEY unmasked,\n' +
        '   and made job logs public.\n',
    );

    say('1. What is wrong? (check against the hardened baseline)');
    const first = await step(io, ['check', '--baseline', baseline, '--format', 'table', '--no-progress']);
    process.stdout.write(`exit code ${first} (1 = findings)\n`);

    say('2. Who did it? (explain: the audit event behind each finding)');
    await step(io, ['explain', '--baseline', baseline, '--since', '30d', '--format', 'table', '--no-progress']);
    await main(['explain', '--baseline', baseline, '--since', '30d', '--format', 'html', '--output', join(OUT, 'incident-report.html'), '--no-progress'], io);

    say('3. Put it back (revert: journaled, verified; --allow-destructive removes the attacker\'s webhook)');
    const journal = join(OUT, 'journal');
    const reverted = await step(io, ['revert', '--baseline', baseline, '--yes', '--allow-destructive', '--journal', journal]);
    process.stdout.write(`exit code ${reverted} (0 = every change applied and verified); journal in ${journal}/ (undo with: gitlab-posture undo <file>)\n`);

    say('4. Check again');
    const last = await step(io, ['check', '--baseline', baseline, '--format', 'table', '--no-progress']);

    say('5. Reports for people and CI');
    for (const [format, file] of [
      ['html', 'report.html'],
      ['sarif', 'report.sarif'],
      ['junit', 'report.junit.xml'],
      ['codequality', 'gl-code-quality-report.json'],
      ['json', 'report.json'],
    ] as const) {
      await main(['check', '--baseline', baseline, '--format', format, '--output', join(OUT, file), '--no-progress'], io);
    }
    process.stdout.write(
      `Written to ${OUT}/: incident-report.html (before the revert, with who/when), report.html, report.sarif,\n` +
        '  report.junit.xml, gl-code-quality-report.json, report.json (after the revert)\n',
    );
    process.stdout.write(last === 0 ? '\nThe final check is clean: exit 0.\n' : `\nThe final check is NOT clean (exit ${last}).\n`);
    // The story holds only if the incident was found and the final check is clean.
    return first === 1 && last === 0 ? 0 : last === 0 ? 2 : last;
  } finally {
    await sim?.close();
  }
}

void (process.argv.includes('--live') ? live() : simulated()).then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    process.stderr.write(`demo: ${err.message}\n`);
    process.exitCode = 2;
  },
);
