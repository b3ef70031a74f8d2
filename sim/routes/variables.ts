// CI/CD variables (docs/gitlab-behaviour.md, CI/CD): project (Maintainer+) and group (Owner) CRUD by key.
// Hidden variables read with `value: null`; several scopes for one key need `filter[environment_scope]`.
// Audit phrases follow Ci::AuditVariableChangeService ("Changed variable protection from false to true").
import type { GlVariable } from '../../gitlab/types';
import { paginate } from '../pagination';
import { errors, parseBool, requireGroup, requireProject, Role, type AuditInput, type Route, type RouteRequest, type SimContext } from '../kit';
import type { SimState } from '../state';
import { hasParam, isPremium, nestedParam, optionalString, paramOf, requireStringParam } from './serialize-subresources';

interface Owner {
  state: SimState;
  kind: 'project' | 'group';
  variables: GlVariable[];
  entity: Pick<AuditInput, 'entity_type' | 'entity_id' | 'entity_path'>;
  /** Group environment scopes are Premium (docs/gitlab-behaviour.md, CI/CD); below it the param is dropped and `*` applies. */
  scopes: boolean;
}

function projectOwner(ctx: SimContext, req: RouteRequest): Owner {
  const p = requireProject(ctx, req.params.id!, Role.Maintainer);
  return { state: ctx.state, kind: 'project', variables: p.variables, scopes: true, entity: { entity_type: 'Project', entity_id: p.id, entity_path: p.path_with_namespace } };
}

function groupOwner(ctx: SimContext, req: RouteRequest): Owner {
  // `authorize! :admin_cicd_variables`: owners and admins (docs/gitlab-behaviour.md, CI/CD).
  const g = requireGroup(ctx, req.params.id!, Role.Owner);
  return { state: ctx.state, kind: 'group', variables: g.variables, scopes: isPremium(ctx.state, g), entity: { entity_type: 'Group', entity_id: g.id, entity_path: g.full_path } };
}

export function serializeVariable(v: GlVariable): GlVariable {
  return {
    variable_type: v.variable_type,
    key: v.key,
    // Hidden variables keep their value server-side only (Ci::VariableValue#evaluate).
    value: v.hidden ? null : (v.value ?? null),
    hidden: v.hidden ?? false,
    protected: v.protected,
    masked: v.masked,
    raw: v.raw,
    environment_scope: v.environment_scope,
    description: v.description ?? null,
  };
}

/** Lookup by key (+ optional scope filter): none -> 404 Variable, several -> 409 asking for the filter. */
function findVariable(req: RouteRequest, owner: Owner): GlVariable {
  const key = req.params.key!;
  const scope = nestedParam(req, 'filter', 'environment_scope');
  const matches = owner.variables.filter((v) => v.key === key && (scope === undefined || v.environment_scope === scope));
  if (matches.length === 0) throw errors.notFound('Variable');
  if (matches.length > 1) {
    throw errors.conflict("There are multiple variables with provided parameters. Please use 'filter[environment_scope]'");
  }
  return matches[0]!;
}

function validateKey(key: string): void {
  if (key.length > 255) throw errors.validation({ key: ['is too long (maximum is 255 characters)'] });
  if (!/^[A-Za-z0-9_]+$/.test(key)) throw errors.validation({ key: ["can contain only letters, digits and '_'."] });
}

/** Masked values: at least 8 characters, one line, Base64 alphabet plus `@:.~-` and a few more. */
function validateMasked(v: GlVariable): void {
  if (!v.masked || v.value == null) return;
  if (v.value.length < 8 || !/^[A-Za-z0-9+/=@:.~\-_]+$/.test(v.value)) throw errors.validation({ value: ['is invalid'] });
}

function checkDuplicate(owner: Owner, v: GlVariable, except?: GlVariable): void {
  if (owner.variables.some((x) => x !== except && x.key === v.key && x.environment_scope === v.environment_scope)) {
    throw errors.validation({ key: [`(${v.key}) has already been taken`] });
  }
}

function variableType(req: RouteRequest): GlVariable['variable_type'] | undefined {
  const t = optionalString(req, 'variable_type');
  if (t === undefined) return undefined;
  if (t !== 'env_var' && t !== 'file') throw errors.badParam('variable_type does not have a valid value');
  return t;
}

function boolParam(req: RouteRequest, key: string): boolean | undefined {
  return hasParam(req, key) ? parseBool(paramOf(req, key), key) : undefined;
}

function prefix(owner: Owner): { event: string; noun: string } {
  return owner.kind === 'project' ? { event: 'ci_variable', noun: 'ci variable' } : { event: 'ci_group_variable', noun: 'ci group variable' };
}

function audit(ctx: SimContext, owner: Owner, v: GlVariable, event: string, extra: Partial<AuditInput>): void {
  ctx.audit({ ...owner.entity, event_name: event, target_id: v.key, target_type: owner.kind === 'project' ? 'Ci::Variable' : 'Ci::GroupVariable', target_details: v.key, ...extra });
}

function createVariable(req: RouteRequest, ctx: SimContext, owner: Owner) {
  const key = requireStringParam(req, 'key');
  if (!hasParam(req, 'value')) throw errors.badParam('value is missing');
  validateKey(key);
  const hidden = boolParam(req, 'masked_and_hidden') ?? false;
  const v: GlVariable = {
    key,
    value: String(paramOf(req, 'value')),
    variable_type: variableType(req) ?? 'env_var',
    protected: boolParam(req, 'protected') ?? false,
    // masked_and_hidden implies masked (docs/gitlab-behaviour.md, CI/CD).
    masked: hidden || (boolParam(req, 'masked') ?? false),
    hidden,
    raw: boolParam(req, 'raw') ?? false,
    environment_scope: (owner.scopes ? optionalString(req, 'environment_scope') : undefined) ?? '*',
    description: optionalString(req, 'description') ?? null,
  };
  validateMasked(v);
  checkDuplicate(owner, v);
  owner.variables.push(v);
  const p = prefix(owner);
  audit(ctx, owner, v, `${p.event}_created`, { custom_message: `Added ${p.noun}` });
  return { status: 201, body: serializeVariable(v) };
}

function updateVariable(req: RouteRequest, ctx: SimContext, owner: Owner) {
  const v = findVariable(req, owner);
  const next: GlVariable = { ...v };
  if (hasParam(req, 'value')) next.value = String(paramOf(req, 'value'));
  next.variable_type = variableType(req) ?? v.variable_type;
  next.protected = boolParam(req, 'protected') ?? v.protected;
  next.masked = boolParam(req, 'masked') ?? v.masked;
  next.raw = boolParam(req, 'raw') ?? v.raw;
  if (owner.scopes && hasParam(req, 'environment_scope')) next.environment_scope = String(paramOf(req, 'environment_scope'));
  if (hasParam(req, 'description')) next.description = optionalString(req, 'description') ?? null;
  validateMasked(next);
  checkDuplicate(owner, next, v);

  const p = prefix(owner);
  const event = `${p.event}_updated`;
  const changes: [keyof GlVariable, string][] = [
    ['protected', 'variable protection'],
    ['masked', 'variable masking'],
    ['environment_scope', 'environment scope'],
  ];
  for (const [field, change] of changes) {
    if (next[field] !== v[field]) {
      audit(ctx, owner, next, event, { change, from: v[field], to: next[field], custom_message: `Changed ${change} from ${String(v[field])} to ${String(next[field])}` });
    }
  }
  // Value changes are audited only for masked variables, and never with the value.
  if (next.value !== v.value && next.masked) audit(ctx, owner, next, event, { custom_message: 'Changed value(hidden)' });
  Object.assign(v, next);
  return { status: 200, body: serializeVariable(v) };
}

function deleteVariable(req: RouteRequest, ctx: SimContext, owner: Owner) {
  const v = findVariable(req, owner);
  owner.variables.splice(owner.variables.indexOf(v), 1);
  const p = prefix(owner);
  audit(ctx, owner, v, `${p.event}_deleted`, { custom_message: `Removed ${p.noun}` });
  return { status: 204 };
}

function variableRoutes(base: string, ownerOf: (ctx: SimContext, req: RouteRequest) => Owner): Route[] {
  const r = (method: Route['method'], pattern: string, fn: (req: RouteRequest, ctx: SimContext, owner: Owner) => ReturnType<Route['handler']>): Route => ({
    method,
    pattern,
    handler: (req, ctx) => fn(req, ctx, ownerOf(ctx, req)),
  });
  return [
    r('GET', base, (req, _ctx, o) => paginate(req, o.variables.map(serializeVariable))),
    r('GET', `${base}/:key`, (req, _ctx, o) => ({ status: 200, body: serializeVariable(findVariable(req, o)) })),
    r('POST', base, createVariable),
    r('PUT', `${base}/:key`, updateVariable),
    r('DELETE', `${base}/:key`, deleteVariable),
  ];
}

export const routes: Route[] = [...variableRoutes('/projects/:id/variables', projectOwner), ...variableRoutes('/groups/:id/variables', groupOwner)];
