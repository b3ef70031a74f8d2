// What a loaded baseline is: the validated file with the profile merged in (docs/baseline.md).
import type { Tier } from '../gitlab/types';
import type { AllParams } from '../policies/params';
import type { RuleId } from '../policies/rule-ids';

/** The built-in profiles (policies/profiles/<name>.yaml). */
export const PROFILE_NAMES = ['baseline', 'hardened'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export interface Waiver {
  /** A rule id or a rule-id glob (`webhooks.*`). */
  rule: string;
  /** A full path or a path glob (`acme/docs-*`). */
  target: string;
  /** Only findings with this `object` (hook id, variable key); absent: all of the rule's findings on the target. */
  object?: string;
  /** Only findings on this protected branch name or pattern, compared exactly; absent: every branch. */
  branch?: string;
  reason: string;
  /** YYYY-MM-DD; the waiver applies until the start of that day (UTC). */
  expires: string;
  /** Expiry already past at load time (kept only with allowExpiredWaivers): reported, never applied. */
  expired: boolean;
}

export interface Baseline {
  file: string;
  gitlab: { url?: string; tier?: Tier };
  targets: { groups: string[]; projects: string[]; exclude: string[] };
  profile: ProfileName;
  /** Profile settings overridden per key by the baseline's `settings:`. */
  params: AllParams;
  /** Every rule id: on unless the profile or the baseline's `rules:` turns it off. */
  enabled: Record<RuleId, boolean>;
  waivers: Waiver[];
  /** The parsed YAML document as written (for `gate`, which compares two baselines). */
  raw: unknown;
}

export interface LoadOptions {
  /** The clock for waiver expiry (defaults to the current time). */
  now?: Date;
  /** Keep past-due waivers (marked expired) instead of rejecting the file. */
  allowExpiredWaivers?: boolean;
}
