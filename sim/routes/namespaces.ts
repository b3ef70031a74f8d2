// [Namespaces API] `GET /namespaces/:id` (docs/gitlab-behaviour.md, Tier detection and packaging): `plan` tells a GitLab.com group's tier; on
// self-managed it reads `default` and the licence (`/license`) is what counts. EE shows `plan` to whoever may
// admin the namespace (ee/lib/ee/api/entities/namespace.rb `can_admin_namespace`), on a subgroup too, where it is
// the top-level group's (`actual_plan`: `root_ancestor.actual_plan`, ee/app/models/ee/namespace.rb).
import { canSeeGroup, errors, groupByRef, groupRole, Role, webUrl, type Route } from '../kit';
import { runtimeOf } from '../runtime';
import { tierOf } from '../entities';

export const routes: Route[] = [
  {
    method: 'GET',
    pattern: '/namespaces/:id',
    handler: (req, ctx) => {
      const { state, user } = ctx;
      const g = groupByRef(state, req.params.id);
      if (!g || !canSeeGroup(state, user, g)) throw errors.notFound('Namespace');
      const role = groupRole(state, user, g);
      const body: Record<string, unknown> = {
        id: g.id,
        name: g.name,
        path: g.path,
        kind: 'group',
        full_path: g.full_path,
        parent_id: g.parent_id,
        avatar_url: null,
        web_url: webUrl(ctx, 'group', g.full_path),
      };
      if (role >= Role.Owner) {
        body.members_count_with_descendants = g.members.length;
        body.root_repository_size = 0;
        body.projects_count = state.projects.filter((p) => p.namespace.id === g.id).length;
      }
      if (state.edition === 'ee' && role >= Role.Owner) {
        body.plan = runtimeOf(state).saas ? tierOf(state, g) : 'default';
        body.trial = false;
        body.trial_ends_on = null;
        body.billable_members_count = g.members.length;
      }
      return { status: 200, body };
    },
  },
];
