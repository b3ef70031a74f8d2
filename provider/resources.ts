// The dynamic resource classes (docs/pulumi.md, "Resources"). Each is created with module `gitlab`,
// so its type token is `pulumi-nodejs:dynamic/gitlab:<Type>` and CrossGuard policies can match it. Every resource
// gets the `version` input (PROVIDER_VERSION) so an upgrade re-writes its state with the current provider.
import * as pulumi from '@pulumi/pulumi';
import { providerFor } from './serializable';
import { PROVIDER_VERSION, RESOURCE_MODULE, type InputsOf, type ResourceType } from '../model/resources';

/** Each input may be an Output (e.g. a secret hook URL). */
export type Args<T> = { [K in keyof T]: pulumi.Input<T[K]> };

const providers = new Map<ResourceType, pulumi.dynamic.ResourceProvider>();
function provider(type: ResourceType): pulumi.dynamic.ResourceProvider {
  let p = providers.get(type);
  if (!p) providers.set(type, (p = providerFor(type)));
  return p;
}

/** Outputs that are not inputs must be named in props (as undefined) for Pulumi to expose them on the object. */
const OUTPUT_ONLY: Record<ResourceType, string[]> = {
  GroupSecurity: ['group_id', 'parent_id', 'ancestors'],
  ProjectSecurity: ['project_id', 'default_branch'],
  ProtectedBranch: ['project_id', 'default_branch', 'protected', 'protected_branch_id', 'push_access_levels', 'merge_access_levels', 'inherited'],
  ApprovalRule: ['project_id', 'default_branch', 'approval_rules', 'protected_branches'],
  Webhook: ['owner_id', 'exists', 'hook_id'],
  VariableProtection: ['owner_id', 'exists', 'hidden', 'variable_type'],
  PushRule: ['owner_id', 'exists', 'id'],
  DeployKey: ['owner_id', 'exists', 'title'],
  InstanceSettings: ['returned_keys', 'require_admin_approval_after_user_signup', 'domain_allowlist', 'throttle_unauthenticated_enabled'],
};

function props<T extends ResourceType>(type: T, args: Args<InputsOf[T]>): pulumi.Inputs {
  const outs = Object.fromEntries(OUTPUT_ONLY[type].map((k) => [k, undefined]));
  return { ...outs, version: PROVIDER_VERSION, ...(args as Record<string, unknown>) };
}

/** Outputs kept encrypted in state: a hook URL may embed a secret (chat webhooks). */
const SECRET_OUTPUTS: Partial<Record<ResourceType, string[]>> = { Webhook: ['url'] };

/** Every declared input is also an output, holding the live value read from GitLab (provider/live.ts outputsOf). */
export type OutputsFor<T extends ResourceType> = { readonly [K in keyof InputsOf[T]]-?: pulumi.Output<NonNullable<InputsOf[T][K]>> };

/**
 * The base class of resource type T: the constructor every resource shares, typed with T's outputs. Adopt-on-create
 * semantics (docs/pulumi.md): the resource owns only the declared fields of an existing object; removing it from
 * the program writes nothing to GitLab.
 */
function gitlabResource<T extends ResourceType>(type: T) {
  class Base extends pulumi.dynamic.Resource {
    constructor(name: string, args: Args<InputsOf[T]>, opts?: pulumi.CustomResourceOptions) {
      const secrets = SECRET_OUTPUTS[type];
      const o = secrets ? { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...secrets] } : opts;
      super(provider(type), name, props<T>(type, args), o, RESOURCE_MODULE, type);
    }
  }
  return Base as unknown as new (name: string, args: Args<InputsOf[T]>, opts?: pulumi.CustomResourceOptions) => Base & OutputsFor<T>;
}

// Below: the outputs that are not inputs (OUTPUT_ONLY), where a program may want them typed.

export class GroupSecurity extends gitlabResource('GroupSecurity') {
  declare readonly group_id: pulumi.Output<number>;
}

export class ProjectSecurity extends gitlabResource('ProjectSecurity') {
  declare readonly project_id: pulumi.Output<number>;
}

export class ProtectedBranch extends gitlabResource('ProtectedBranch') {
  declare readonly protected: pulumi.Output<boolean>;
}

export class ApprovalRule extends gitlabResource('ApprovalRule') {}

export class Webhook extends gitlabResource('Webhook') {
  declare readonly hook_id: pulumi.Output<number>;
}

export class VariableProtection extends gitlabResource('VariableProtection') {}

/** A project's or group's push rule checks (Premium); created when the owner has none. */
export class PushRule extends gitlabResource('PushRule') {
  declare readonly exists: pulumi.Output<boolean>;
}

/** Write access of one deploy key to one project, turned off in place; the key is never deleted. */
export class DeployKey extends gitlabResource('DeployKey') {
  declare readonly exists: pulumi.Output<boolean>;
}

/** The instance's application settings the instance.* rules own (administrator token). */
export class InstanceSettings extends gitlabResource('InstanceSettings') {}

export const RESOURCE_CLASSES = { GroupSecurity, ProjectSecurity, ProtectedBranch, ApprovalRule, Webhook, VariableProtection, PushRule, DeployKey, InstanceSettings } as const;
