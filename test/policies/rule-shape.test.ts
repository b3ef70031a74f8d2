// What a rule must declare. Everything about a rule sits on the rule (policies/rule.ts), so adding one touches its
// area file, its tests and the profiles only: the catalog, the docs, explain, watch, the provider and the CrossGuard
// pack all read it from there. This test lists the declarations and proves the catalog picks up every rule.
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../policies/catalog';
import { areaParams, AREAS, type Area } from '../../policies/params';
import type { Rule } from '../../policies/rule';
import { SCENARIO_HEADINGS } from '../../policies/scenarios';
import { SEVERITIES } from '../../model/target';
import { RESOURCE_TYPES } from '../../model/resources';
import * as twoFactor from '../../policies/two-factor';
import * as visibility from '../../policies/visibility';
import * as protectedBranches from '../../policies/protected-branches';
import * as mrApprovals from '../../policies/mr-approvals';
import * as webhooks from '../../policies/webhooks';
import * as gitAbuse from '../../policies/git-abuse';
import * as ci from '../../policies/ci';
import * as projects from '../../policies/projects';
import * as pushRules from '../../policies/push-rules';
import * as groups from '../../policies/groups';
import * as members from '../../policies/members';
import * as instance from '../../policies/instance';

const AREA_FILES: Record<string, Record<string, unknown>> = { twoFactor, visibility, protectedBranches, mrApprovals, webhooks, gitAbuse, ci, projects, pushRules, groups, members, instance };

/** The keys a rule object must carry, and the optional ones it may. */
const REQUIRED = ['id', 'area', 'title', 'description', 'severity', 'scope', 'minTier', 'scenario', 'needs', 'params', 'audit', 'evaluate', 'fix'];
const OPTIONAL = ['enrich', 'requiresAdmin', 'guards', 'onCreate'];
const OBJECT_MATCHES = ['entity', 'branch', 'hook', 'variable', 'approval-rule'];

const isRule = (v: unknown): v is Rule => typeof v === 'object' && v !== null && typeof (v as Rule).evaluate === 'function' && typeof (v as Rule).id === 'string';

describe('what a rule must declare', () => {
  it.each(CATALOG.map((r) => [r.id, r] as const))('%s', (id, rule) => {
    expect(Object.keys(rule).filter((k) => !REQUIRED.includes(k) && !OPTIONAL.includes(k)), 'unknown keys').toEqual([]);
    expect(REQUIRED.filter((k) => (rule as unknown as Record<string, unknown>)[k] === undefined), 'missing keys').toEqual([]);
    expect(id).toMatch(/^[a-z-]+\.[a-z-]+$/);
    expect(AREAS).toContain(rule.area);
    expect(SEVERITIES).toContain(rule.severity);
    expect(SCENARIO_HEADINGS).toContain(rule.scenario);
    // Parameters: keys of its area's settings, each once.
    const keys = Object.keys(areaParams[rule.area as Area].shape);
    for (const k of rule.params) expect(keys, `${id} param ${k}`).toContain(k);
    expect(new Set(rule.params).size).toBe(rule.params.length);
    // Audit source: events with a way to match them to the finding, or a reason no event exists.
    if ('unavailable' in rule.audit) expect(rule.audit.unavailable.length).toBeGreaterThan(20);
    else {
      expect(rule.audit.events.length).toBeGreaterThan(0);
      expect(OBJECT_MATCHES).toContain(rule.audit.match);
      for (const c of rule.audit.creations ?? []) expect(rule.audit.events).toContain(c);
    }
    // Provider guards: known resource types, at least one input field each, parameters from the inputs.
    for (const [type, guard] of Object.entries(rule.guards ?? {})) {
      expect(RESOURCE_TYPES as readonly string[]).toContain(type);
      expect(guard!.fields.length).toBeGreaterThan(0);
      expect(typeof guard!.declared).toBe('function');
    }
  });

  it('the catalog holds every rule an area file defines, each once (a rule missing from its `rules` list fails here)', () => {
    const defined = Object.values(AREA_FILES).flatMap((mod) => Object.values(mod).filter(isRule));
    const listed = Object.values(AREA_FILES).flatMap((mod) => mod.rules as readonly Rule[]);
    expect(new Set(defined)).toEqual(new Set(listed));
    expect(CATALOG).toEqual(listed);
    expect(new Set(CATALOG.map((r) => r.id)).size).toBe(CATALOG.length);
  });

  it('declares the parameters its evaluate reads: a rule that reads an undeclared key is caught by a recording proxy', () => {
    // masked-variables reads secret_patterns and require_protected; judge one variable and watch which keys it touches.
    const rule = ci.maskedVariables;
    const read = new Set<string>();
    const params = new Proxy(areaParams.ci.parse({}), { get: (t, k) => (read.add(String(k)), Reflect.get(t, k)) });
    rule.evaluate(
      { kind: 'project', target: { kind: 'project', path: 'a/b', id: 1 }, project: { path_with_namespace: 'a/b', id: 1 }, variables: [{ key: 'API_TOKEN', masked: false, protected: false, environment_scope: '*' }] } as never,
      params,
      { now: '2026-01-01T00:00:00Z', isAdmin: false },
    );
    expect([...read].filter((k) => !rule.params.includes(k as never))).toEqual([]);
    expect([...read].sort()).toEqual(['require_protected', 'secret_patterns']);
  });
});
