// Runs the real Pulumi CLI (built by scripts/pulumi-cli.sh into .pulumi-cli/bin) against a throw-away project
// directory, a local file backend and a passphrase secrets provider, all under one temp dir.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

export const REPO = resolve(__dirname, '../..');
const CLI_DIR = process.env.PULUMI_CLI_DIR ?? join(REPO, '.pulumi-cli');
const BIN = join(CLI_DIR, 'bin');
const NEEDED = ['pulumi', 'pulumi-language-nodejs', 'pulumi-resource-pulumi-nodejs', 'pulumi-analyzer-policy'];

export type CliStatus = { ok: true; bin: string } | { ok: false; reason: string };

/** Whether the CLI is built; when not, why (scripts/pulumi-cli.sh leaves its reason in unavailable.txt). */
export function cliStatus(): CliStatus {
  const missing = NEEDED.filter((b) => !existsSync(join(BIN, b)));
  if (missing.length === 0) return { ok: true, bin: BIN };
  const file = join(CLI_DIR, 'unavailable.txt');
  const why = existsSync(file) ? readFileSync(file, 'utf8').trim() : 'scripts/pulumi-cli.sh has not been run';
  const where = BIN.startsWith(`${REPO}/`) ? relative(REPO, BIN) : BIN;
  return { ok: false, reason: `no Pulumi CLI in ${where} (missing ${missing.join(', ')}): ${why}` };
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  command: string;
}

/** A Pulumi workspace: project dir (Pulumi.yaml whose `main` is this repository), backend, PULUMI_HOME. */
export class Workspace {
  readonly root: string;
  readonly project: string;
  readonly backend: string;
  readonly runs: Run[] = [];
  private readonly env: NodeJS.ProcessEnv;

  constructor(bin: string, readonly stack = 'e2e') {
    this.root = mkdtempSync(join(tmpdir(), 'posture-pulumi-'));
    this.project = join(this.root, 'project');
    this.backend = join(this.root, 'backend');
    const home = join(this.root, 'home');
    for (const d of [this.project, this.backend, home]) mkdirSync(d);
    // The repository's Pulumi.yaml, with the program pointing back at the repository: the stack config file
    // (Pulumi.e2e.yaml) lands here, not in the working tree. The program directory is the repository, so
    // ts-node uses its tsconfig.json and node_modules.
    const projectYaml = readFileSync(join(REPO, 'Pulumi.yaml'), 'utf8');
    writeFileSync(join(this.project, 'Pulumi.yaml'), `${projectYaml.trimEnd()}\nmain: ${relative(this.project, REPO)}\n`);
    const env: NodeJS.ProcessEnv = { ...process.env };
    // The token must reach the program only through the stack's secret config.
    // PULUMI_SKIP_CONFIRMATIONS acts as --yes, which `pulumi refresh --preview-only` refuses.
    for (const k of ['GITLAB_TOKEN', 'GITLAB_URL', 'PULUMI_ACCESS_TOKEN', 'PULUMI_BACKEND_URL', 'PULUMI_CONFIG_PASSPHRASE_FILE', 'PULUMI_SKIP_CONFIRMATIONS']) delete env[k];
    Object.assign(env, {
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      PULUMI_HOME: home,
      PULUMI_CONFIG_PASSPHRASE: 'e2e passphrase, not a secret',
      PULUMI_SKIP_UPDATE_CHECK: 'true',
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
      NO_COLOR: '1',
    });
    this.env = env;
  }

  /** Runs `pulumi <args>` in the project dir (asynchronously: the sim answers from this process). */
  pulumi(args: string[], input?: string): Promise<Run> {
    return new Promise((done, fail) => {
      const child = spawn(join(BIN, 'pulumi'), [...args, '--color', 'never'], { cwd: this.project, env: this.env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', fail);
      child.on('close', (code) => {
        const run = { code: code ?? -1, stdout, stderr, command: `pulumi ${args.join(' ')}` };
        this.runs.push(run);
        done(run);
      });
      child.stdin.end(input ?? '');
    });
  }

  /** Every file the backend holds (state, history, backups), as text. */
  backendFiles(): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else out[relative(this.backend, p)] = readFileSync(p, 'utf8');
      }
    };
    walk(this.backend);
    return out;
  }

  /** The stack's current checkpoint (the file backend's state file). */
  state(): { checkpoint: { latest: { resources: Array<{ urn: string; type: string; id?: string; outputs?: Record<string, unknown> }> } } } {
    const file = join(this.backend, '.pulumi', 'stacks', 'gitlab-posture', `${this.stack}.json`);
    return JSON.parse(readFileSync(file, 'utf8'));
  }

  close(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** One line per failing command, for assertion messages. */
export function explain(run: Run): string {
  return `${run.command} exited ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
}
