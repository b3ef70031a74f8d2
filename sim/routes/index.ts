// Every sim route, grouped by GitLab docs page (one file each).
import type { Route } from '../kit';
import { routes as applicationSettings } from './application-settings';
import { routes as approvals } from './approvals';
import { routes as auditEvents } from './audit-events';
import { routes as groups } from './groups';
import { routes as hooks } from './hooks';
import { routes as jobTokenScope } from './job-token-scope';
import { routes as namespaces } from './namespaces';
import { routes as projects } from './projects';
import { routes as protectedBranches } from './protected-branches';
import { routes as users } from './users';
import { routes as variables } from './variables';
import { routes as version } from './version';
import { routes as pushRules } from './push-rules';
import { routes as members } from './members';
import { routes as deployKeys } from './deploy-keys';

export const routes: Route[] = [
  ...version,
  ...namespaces,
  ...users,
  ...applicationSettings,
  ...groups,
  ...projects,
  ...auditEvents,
  ...protectedBranches,
  ...approvals,
  ...hooks,
  ...variables,
  ...jobTokenScope,
  ...pushRules,
  ...members,
  ...deployKeys,
];
