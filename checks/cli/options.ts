// The flags several commands share, defined once: the same name, help and parsing everywhere, and the same
// words in every error. This module is loaded for `--help`, so it imports commander and constants only (no
// reporter, no schema library): each command's implementation is loaded when the command runs (main.ts).
import { join } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { parseDuration } from '../duration';
import { REPORT_FORMATS, type ReportFormat } from '../report/formats';
import { parseShard, type Shard } from '../scale/shard';
import { SEVERITIES, type Severity } from '../../model/target';

/** Parsed flags as commander hands them to an action. */
export type Flags = Record<string, unknown>;

export const URL_HELP = 'GitLab URL (default: GITLAB_URL, then gitlab.url in the baseline)';
export const ALLOW_HTTP_HELP = 'accept a plain http:// GitLab URL on a non-loopback host (the token travels in clear)';
// The CLI's working files, under .posture/ in the current directory.
/** Where `check --since-last` keeps the previous snapshot. */
export const DEFAULT_STATE_DIR = '.posture';
/** Journals of revert and `watch --revert` (one file per run). */
export const DEFAULT_JOURNAL_DIR = join('.posture', 'journal');
/** watch's last processed event, for catch-up after a restart. */
export const DEFAULT_STATE_FILE = join('.posture', 'watch-state.json');

/** `--concurrency`, `--queue-limit`: commander names the flag in front of the message. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number >= 1.');
  return n;
}

/** `--only a.*,b.c --only d.*`: comma-separated and repeatable. */
export function ruleGlobs(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

/** A repeatable flag (`--rules DIR --rules DIR2`). */
export function repeatable(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

// ---- builders: each adds its flags to a command and returns it ----

/** `--baseline FILE`; `defaultFile` null: no default (the command decides what its absence means). */
export function baselineOption(cmd: Command, help = 'baseline file', defaultFile: string | null = 'baseline.yaml'): Command {
  return defaultFile === null ? cmd.option('--baseline <file>', help) : cmd.option('--baseline <file>', help, defaultFile);
}

/** `--url` and `--allow-http`, on every command that connects to GitLab. */
export function connectionOptions(cmd: Command, urlHelp = URL_HELP): Command {
  return cmd.option('--url <url>', urlHelp).option('--allow-http', ALLOW_HTTP_HELP);
}

/** `--format` (one of `formats`) and `--output`. */
export function reportOptions(
  cmd: Command,
  formats: readonly string[] = REPORT_FORMATS,
  opts: { formatHelp?: string; defaultFormat?: string; outputHelp?: string } = {},
): Command {
  const format = new Option('--format <format>', opts.formatHelp ?? 'report format (default: table on a terminal, else json)').choices(formats);
  return cmd
    .addOption(opts.defaultFormat ? format.default(opts.defaultFormat) : format)
    .option('--output <file>', opts.outputHelp ?? 'write the report to a file instead of stdout');
}

export function failOnOption(
  cmd: Command,
  levels: readonly string[] = SEVERITIES,
  help = 'lowest severity that fails the run (exit 1)',
  placeholder = 'severity',
): Command {
  return cmd.addOption(new Option(`--fail-on <${placeholder}>`, help).choices(levels).default('low'));
}

export function onlyOption(cmd: Command, help: string): Command {
  return cmd.option('--only <rule-glob>', help, ruleGlobs);
}

export function concurrencyOption(cmd: Command, help: string): Command {
  return cmd.option('--concurrency <n>', help, positiveInt);
}

export function verboseOption(cmd: Command, help = 'print retries and rate-limit waits to stderr; stack traces on internal errors'): Command {
  return cmd.option('--verbose', help);
}

export function progressOption(cmd: Command): Command {
  return cmd.option('--no-progress', 'no progress bar on stderr');
}

export function yesOption(cmd: Command): Command {
  return cmd.option('--yes', 'write without asking (needed without a terminal)');
}

export function journalOption(cmd: Command, help: string): Command {
  return cmd.option('--journal <dir>', help);
}

/** Extra Sigma rule directories (detect, watch). */
export function rulesDirOption(cmd: Command): Command {
  return cmd.option('--rules <dir>', 'directory of extra Sigma rules (.yml), added to the built-in ones; repeatable', repeatable);
}

/** The scale flags of check (issue 9): --shard, --since-last, --state-dir, --from-state, --full-every. */
export function scaleOptions(cmd: Command): Command {
  return cmd
    .option('--shard <i/n>', 'check only slice I of N of the targets (e.g. $CI_NODE_INDEX/$CI_NODE_TOTAL); combine with merge', shardArg)
    .option('--since-last', 're-read only targets with audit events since the previous snapshot (saved in --state-dir)')
    .option('--state-dir <dir>', `where --since-last keeps the previous snapshot (default ${DEFAULT_STATE_DIR})`)
    .option('--from-state <file>', 'start --since-last from this snapshot file instead of the state directory')
    .option('--full-every <duration>', 'with --since-last: a full pass when the last one is older (e.g. 24h, 7d; default 24h)', durationArg);
}

function shardArg(value: string): Shard {
  try {
    return parseShard(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function durationArg(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new InvalidArgumentError(`expected a duration like 24h, 90m, 7d or 2w, got "${value}".`);
  return ms;
}

// ---- readers: the parsed flags of those builders, with absent flags left out (exactOptionalPropertyTypes) ----

export function connectionOf(o: Flags): { url?: string; allowHttp?: boolean } {
  return { ...(o.url ? { url: o.url as string } : {}), ...(o.allowHttp ? { allowHttp: true } : {}) };
}

export function reportOf<F extends string = ReportFormat>(o: Flags): { format?: F; output?: string } {
  return { ...(o.format ? { format: o.format as F } : {}), ...(o.output ? { output: o.output as string } : {}) };
}

/** --only, --concurrency, --verbose. */
export function readOf(o: Flags): { only?: string[]; concurrency?: number; verbose?: boolean } {
  return {
    ...(o.only ? { only: o.only as string[] } : {}),
    ...(o.concurrency ? { concurrency: o.concurrency as number } : {}),
    ...(o.verbose ? { verbose: true } : {}),
  };
}

export function failOnOf(o: Flags): { failOn: Severity } {
  return { failOn: o.failOn as Severity };
}

export function scaleOf(o: Flags): { shard?: Shard; sinceLast?: boolean; stateDir?: string; fromState?: string; fullEveryMs?: number } {
  return {
    ...(o.shard ? { shard: o.shard as Shard } : {}),
    ...(o.sinceLast ? { sinceLast: true } : {}),
    ...(o.stateDir ? { stateDir: o.stateDir as string } : {}),
    ...(o.fromState ? { fromState: o.fromState as string, sinceLast: true } : {}),
    ...(o.fullEvery ? { fullEveryMs: o.fullEvery as number } : {}),
  };
}
