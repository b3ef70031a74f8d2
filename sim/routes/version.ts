// [Version API], [Metadata API], [License API] (docs/gitlab-behaviour.md, Tier detection and packaging): tier and edition detection.
import { errors, type Route } from '../kit';

export const routes: Route[] = [
  {
    method: 'GET',
    pattern: '/version',
    handler: (_req, { state }) => ({ status: 200, body: { version: state.version, revision: state.revision } }),
  },
  {
    method: 'GET',
    pattern: '/metadata',
    handler: (_req, { state }) => ({
      status: 200,
      body: {
        version: state.version,
        revision: state.revision,
        kas: { enabled: false, externalUrl: null, externalK8sProxyUrl: null, version: null },
        // `enterprise` is the EE build, not a licence (docs/gitlab-behaviour.md, Tier detection and packaging).
        enterprise: state.edition === 'ee',
      },
    }),
  },
  {
    method: 'GET',
    pattern: '/license',
    ee: true,
    handler: (_req, { state, user, now }) => {
      if (!user.is_admin) throw errors.forbidden();
      // An EE build without a licence presents nil: 200 with a JSON null body.
      if (state.tier === 'free') return { status: 200, body: null };
      const starts = new Date(now().getTime() - 180 * 86_400_000).toISOString().slice(0, 10);
      const expires = new Date(now().getTime() + 185 * 86_400_000).toISOString().slice(0, 10);
      return {
        status: 200,
        body: {
          id: 1,
          plan: state.tier,
          created_at: `${starts}T00:00:00.000Z`,
          starts_at: starts,
          expires_at: expires,
          historical_max: 12,
          maximum_user_count: 12,
          expired: false,
          overage: 0,
          user_limit: 50,
          active_users: state.users.filter((u) => u.state === 'active').length,
          licensee: { Name: 'Acme Security', Email: 'security@acme.example', Company: 'Acme' },
          add_ons: {},
        },
      };
    },
  },
];
