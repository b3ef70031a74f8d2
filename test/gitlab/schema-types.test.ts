// The zod schemas (gitlab/schemas.ts) and the TypeScript types (gitlab/types.ts) describe the same GitLab entities:
// for every key a schema checks, the type must say exactly what the schema accepts (same optionality, same values,
// nested objects included), so code typed against gitlab/types.ts never trusts a key the schema lets through absent
// or null. Checked by the compiler (`npm run typecheck`, part of landing); the runtime test below only keeps the
// list of pairs complete.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as S from '../../gitlab/schemas';
import type * as T from '../../gitlab/types';
import { targetRefSchema } from '../../model/snapshot-schema';
import type { TargetRef } from '../../model/target';
import type { GlGroupAncestor } from '../../model/snapshot';
import { watchStateSchema, type WatchState } from '../../checks/watch/state';
import * as J from '../../checks/revert/journal';

/** Index signatures dropped (loose objects, GlHook's `*_events`, GlApplicationSettings' `[key: string]`), recursively. */
type Plain<V> = V extends readonly (infer E)[]
  ? Plain<E>[]
  : V extends object
    ? { [K in keyof V as string extends K ? never : number extends K ? never : `${string}_events` extends K ? never : K]: Plain<V[K]> }
    : V;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** `T` cut down to the keys the schema output `O` declares, at every level (the type may declare more than a schema checks). */
type Narrow<T, O> = T extends readonly (infer E)[]
  ? [NonNullable<O>] extends [readonly (infer OE)[]]
    ? Narrow<E, OE>[]
    : T
  : T extends object
    ? [NonNullable<O>] extends [object]
      ? { [K in keyof T as K extends keyof Plain<NonNullable<O>> ? K : never]: Narrow<T[K], NonNullable<O>[K & keyof NonNullable<O>]> }
      : T
    : T;
/** The keys a schema checks, as the schema outputs them and as the type declares them, compared deeply. */
type Agrees<Schema extends z.ZodObject, Type> = [
  Same<Plain<Pick<z.output<Schema>, keyof Schema['shape'] & keyof z.output<Schema>>>, Plain<Narrow<Pick<Type, keyof Schema['shape'] & keyof Type>, z.output<Schema>>>>,
  Same<Exclude<keyof Schema['shape'], keyof Type>, never>,
] extends [true, true]
  ? true
  : false;
const agrees = <A extends true>(): A => true as A;

// One line per schema; a `false` here is a compile error naming the pair that drifted.
agrees<Agrees<typeof S.groupSchema, T.GlGroup>>();
agrees<Agrees<typeof S.projectSchema, T.GlProject>>();
agrees<Agrees<typeof S.listedProjectSchema, T.GlProject>>();
agrees<Agrees<typeof S.protectedBranchSchema, T.GlProtectedBranch>>();
agrees<Agrees<typeof S.projectApprovalsSchema, T.GlProjectApprovals>>();
agrees<Agrees<typeof S.approvalRuleSchema, T.GlApprovalRule>>();
agrees<Agrees<typeof S.mrApprovalSettingSchema, T.GlMrApprovalSetting>>();
agrees<Agrees<typeof S.hookSchema, T.GlHook>>();
agrees<Agrees<typeof S.variableSchema, T.GlVariable>>();
agrees<Agrees<typeof S.jobTokenScopeSchema, T.GlJobTokenScope>>();
agrees<Agrees<Exclude<typeof S.pushRuleSchema, z.ZodNullable<never>> extends z.ZodNullable<infer I extends z.ZodObject> ? I : never, T.GlPushRule>>();
agrees<Agrees<typeof S.memberSchema, T.GlMember>>();
agrees<Agrees<typeof S.deployKeySchema, T.GlDeployKey>>();
agrees<Agrees<typeof S.adminUserSchema, T.GlAdminUser>>();
agrees<Agrees<typeof S.applicationSettingsSchema, T.GlApplicationSettings>>();
agrees<Agrees<typeof S.auditEventSchema, T.GlAuditEvent>>();
agrees<Agrees<typeof S.groupAncestorSchema, GlGroupAncestor>>();
agrees<Agrees<typeof targetRefSchema, TargetRef>>();
agrees<Agrees<typeof watchStateSchema, WatchState>>();
agrees<Agrees<typeof J.journalHeaderSchema, J.JournalHeader>>();
agrees<Agrees<typeof J.journalEndSchema, J.JournalEnd>>();
agrees<Agrees<typeof J.journalRecordSchema, J.JournalRecord>>();

// The check can fail: a type that trusts a key the schema lets through absent, or that the schema does not know.
// @ts-expect-error two_factor_grace_period optional in the type, required by the schema
agrees<Agrees<typeof S.groupSchema, Omit<T.GlGroup, 'two_factor_grace_period'> & { two_factor_grace_period?: number }>>();
// @ts-expect-error default_branch required in the type, optional in the schema (BasicProjectDetails `if: read_code`)
agrees<Agrees<typeof S.projectSchema, Omit<T.GlProject, 'default_branch'> & { default_branch: string | null }>>();
// @ts-expect-error a nested key: access_level not nullable in the type
agrees<Agrees<typeof S.protectedBranchSchema, Omit<T.GlProtectedBranch, 'push_access_levels'> & { push_access_levels: (Omit<T.GlAccessLevelEntry, 'access_level'> & { access_level: number })[] }>>();

describe('schema/type pairs (gitlab/schemas.ts vs gitlab/types.ts)', () => {
  it('every exported entity schema has its compile-time agreement line above', () => {
    const text = readFileSync(__filename, 'utf8');
    const schemas = Object.keys(S).filter((k) => k.endsWith('Schema'));
    expect(schemas.length).toBeGreaterThanOrEqual(15);
    expect(schemas.filter((k) => !text.includes(`S.${k}`))).toEqual([]);
  });
});
