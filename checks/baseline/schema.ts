// The baseline file and built-in profile schemas (docs/baseline.md, generated from them). Exported so the
// reference docs can be generated from them. Checks that need the clock or compare keys with each other
// (waiver expiry, duplicate or excluded targets) live in load.ts.
import { z } from 'zod';
import { TIERS } from '../../gitlab/types';
import { AREAS, areaParams, type Area } from '../../policies/params';
import { RULE_IDS, isRuleId } from '../../policies/rule-ids';
import { globProblem, isGlob, matchesRuleId } from '../../lib/globs';
import { closest } from './suggest';
import { PROFILE_NAMES } from '../../model/baseline';

export { PROFILE_NAMES };

/** `on`/`off` (YAML 1.2 reads them as strings) or `true`/`false`. */
export const ruleSwitch = z.union([z.boolean(), z.enum(['on', 'off'])]);

export function isOn(value: z.output<typeof ruleSwitch>): boolean {
  return value === true || value === 'on';
}

const pathGlob = z.string().superRefine((s, ctx) => {
  const problem = globProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: `a glob on full paths (${problem})` });
});

const fullPath = z.string().superRefine((s, ctx) => {
  const problem = globProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: `a full path like acme/web (${problem})` });
  else if (isGlob(s)) ctx.addIssue({ code: 'custom', message: 'a full path like acme/web, not a glob (put globs in targets.exclude)' });
});

/** A rule id, or a glob over rule ids that matches at least one (a glob matching nothing is a typo). */
const ruleRef = z.string().superRefine((s, ctx) => {
  if (isGlob(s)) {
    const problem = globProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: `a rule id or rule-id glob (${problem})` });
    else if (!RULE_IDS.some((id) => matchesRuleId(s, id))) ctx.addIssue({ code: 'custom', message: 'a rule-id glob that matches at least one rule (see `gitlab-posture rules`)' });
  } else if (!isRuleId(s)) {
    const near = closest(s, RULE_IDS);
    ctx.addIssue({ code: 'custom', message: near ? `a known rule id (did you mean "${near}"?)` : 'a known rule id (see `gitlab-posture rules`)' });
  }
});

/** YYYY-MM-DD and a real calendar day (2027-02-30 is not). */
const isoDate = z.string().superRefine((s, ctx) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const d = m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!)) : undefined;
  if (!m || !d || d.getUTCFullYear() !== +m[1]! || d.getUTCMonth() !== +m[2]! - 1 || d.getUTCDate() !== +m[3]!) {
    ctx.addIssue({ code: 'custom', message: 'a date YYYY-MM-DD' });
  }
});

const httpUrl = z.string().superRefine((s, ctx) => {
  let ok = false;
  try {
    const u = new URL(s);
    ok = (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '';
  } catch {
    ok = false;
  }
  if (!ok) ctx.addIssue({ code: 'custom', message: 'an http(s) URL like https://gitlab.example.com' });
});

/** Each area's params, every key optional: a baseline (or profile) overrides only what it names. */
export const settingsSchema = z
  .object(Object.fromEntries(AREAS.map((a) => [a, areaParams[a].partial().strict().optional()])) as unknown as Record<
    Area,
    z.ZodOptional<z.ZodType<Record<string, unknown>>>
  >)
  .strict();

export const rulesSchema = z
  .object(Object.fromEntries(RULE_IDS.map((id) => [id, ruleSwitch.optional()])) as Record<
    (typeof RULE_IDS)[number],
    z.ZodOptional<typeof ruleSwitch>
  >)
  .strict();

/** A finding's `object` (hook id, variable key) or `branch`: YAML may read a hook id as a number. */
const findingKey = (what: string) =>
  z.union([z.string(), z.number().int().nonnegative()]).transform((v) => String(v)).pipe(z.string().trim().min(1, `a non-empty ${what}`));

export const waiverSchema = z
  .object({
    rule: ruleRef,
    target: pathGlob,
    /** Only the finding with this `object` (hook id, variable key); absent: every object of the rule on the target. */
    object: findingKey('object (the finding\'s `object`: hook id, variable key)').optional(),
    /** Only the finding with this protected branch name or pattern (the finding's `branch`), compared exactly. */
    branch: findingKey('branch (the finding\'s `branch`: a protected branch name or pattern)').optional(),
    reason: z.string().trim().min(1),
    expires: isoDate,
  })
  .strict();

export const baselineSchema = z
  .object({
    gitlab: z.object({ url: httpUrl.optional(), tier: z.enum(TIERS as [string, ...string[]]).optional() }).strict().optional(),
    targets: z
      .object({
        groups: z.array(fullPath).default([]),
        projects: z.array(fullPath).default([]),
        exclude: z.array(pathGlob).default([]),
      })
      .strict(),
    profile: z.enum(PROFILE_NAMES).default('baseline'),
    settings: settingsSchema.optional(),
    rules: rulesSchema.optional(),
    waivers: z.array(waiverSchema).default([]),
  })
  .strict();

export const profileSchema = z
  .object({
    name: z.enum(PROFILE_NAMES),
    description: z.string().min(1),
    rules: rulesSchema.default({}),
    settings: settingsSchema.default({}),
  })
  .strict();

export type BaselineInput = z.output<typeof baselineSchema>;
export type ProfileInput = z.output<typeof profileSchema>;
