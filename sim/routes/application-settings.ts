// [Application settings API] `GET|PUT /application/settings` (admin; docs/gitlab-behaviour.md, Instance settings). Every accepted
// change is audited as `application_setting_updated` with the column in `details.change` (docs/gitlab-behaviour.md, Audit events).
import { errors, parseBool, parseIntParam, type Route, type SimContext } from '../kit';
import { atLeastTier } from '../entities';
import type { Visibility } from '../../gitlab/types';

const GIT_ABUSE_KEYS = [
  'max_number_of_repository_downloads',
  'max_number_of_repository_downloads_within_time_period',
  'git_rate_limit_users_allowlist',
  'git_rate_limit_users_alertlist',
  'auto_ban_user_on_excessive_projects_download',
];

const RANGES: Record<string, [number, number]> = {
  max_number_of_repository_downloads: [0, 10_000],
  max_number_of_repository_downloads_within_time_period: [0, 864_000],
  max_personal_access_token_lifetime: [1, 400],
  two_factor_grace_period: [0, Number.MAX_SAFE_INTEGER],
};

const VISIBILITIES: Visibility[] = ['private', 'internal', 'public'];

function requireAdmin(ctx: SimContext): void {
  if (!ctx.user.is_admin) throw errors.forbidden();
}

function visibleSettings(ctx: SimContext): Record<string, unknown> {
  const out: Record<string, unknown> = { ...ctx.state.application_settings };
  // Git abuse settings are Ultimate (docs/gitlab-behaviour.md, Instance settings); absent below.
  if (!atLeastTier(ctx.state, 'ultimate')) for (const k of GIT_ABUSE_KEYS) delete out[k];
  // EE-build attribute (ee/app/helpers/ee/application_settings_helper.rb visible_attributes): absent on CE.
  if (ctx.state.edition === 'ce') delete out.max_personal_access_token_lifetime;
  // The column throttle_unauthenticated_enabled is also exposed as throttle_unauthenticated_web_enabled.
  if ('throttle_unauthenticated_enabled' in out) out.throttle_unauthenticated_web_enabled = out.throttle_unauthenticated_enabled;
  return out;
}

function coerce(key: string, current: unknown, raw: unknown): unknown {
  // Days, or null for "no maximum" (EE).
  if (key === 'max_personal_access_token_lifetime') return raw === null || raw === '' ? null : parseIntParam(raw, key);
  if (typeof current === 'boolean') return parseBool(raw, key);
  if (typeof current === 'number') return parseIntParam(raw, key);
  if (Array.isArray(current) || current === null || key.endsWith('_list') || key.endsWith('_levels') || key.includes('allowlist') || key.includes('alertlist')) {
    if (raw === null || raw === '') return key === 'restricted_visibility_levels' ? null : [];
    const list = Array.isArray(raw) ? raw : String(raw).split(',').map((s) => s.trim()).filter(Boolean);
    return key.endsWith('alertlist') ? list.map((x) => parseIntParam(x, key)) : list.map(String);
  }
  if (current !== null && typeof current === 'object') return raw;
  return String(raw);
}

export const routes: Route[] = [
  {
    method: 'GET',
    pattern: '/application/settings',
    handler: (_req, ctx) => {
      requireAdmin(ctx);
      return { status: 200, body: visibleSettings(ctx) };
    },
  },
  {
    method: 'PUT',
    pattern: '/application/settings',
    handler: (req, ctx) => {
      requireAdmin(ctx);
      const settings = ctx.state.application_settings;
      const ultimate = atLeastTier(ctx.state, 'ultimate');
      // Grape: `given require_two_factor_authentication: ->(val) { val } do requires :two_factor_grace_period` (lib/api/settings.rb).
      if (req.body.require_two_factor_authentication !== undefined && parseBool(req.body.require_two_factor_authentication, 'require_two_factor_authentication') && req.body.two_factor_grace_period === undefined) {
        throw errors.badParam('two_factor_grace_period is missing');
      }
      const updates: Record<string, unknown> = {};
      const fieldErrors: Record<string, string[]> = {};
      for (const [rawKey, raw] of Object.entries(req.body)) {
        // lib/api/settings.rb maps the web name onto the column.
        const key = rawKey === 'throttle_unauthenticated_web_enabled' ? 'throttle_unauthenticated_enabled' : rawKey;
        if (key === 'id' || !(key in settings)) continue;
        if (key === 'max_personal_access_token_lifetime' && ctx.state.edition === 'ce') continue;
        if (key === 'email_confirmation_setting' && !['off', 'soft', 'hard'].includes(String(raw))) {
          throw errors.badParam('email_confirmation_setting does not have a valid value');
        }
        // Licence-gated request keys are dropped silently below their tier (docs/gitlab-behaviour.md, Tier detection and packaging).
        if (GIT_ABUSE_KEYS.includes(key) && !ultimate) continue;
        const value = coerce(key, settings[key], raw);
        const range = RANGES[key];
        if (range && typeof value === 'number') {
          if (value < range[0]) fieldErrors[key] = [`must be greater than or equal to ${range[0]}`];
          else if (value > range[1]) fieldErrors[key] = [`must be less than or equal to ${range[1]}`];
        }
        if ((key === 'default_project_visibility' || key === 'default_group_visibility') && !VISIBILITIES.includes(value as Visibility)) {
          throw errors.badParam(`${key} does not have a valid value`);
        }
        if ((key === 'git_rate_limit_users_allowlist' || key === 'git_rate_limit_users_alertlist') && Array.isArray(value) && value.length > 100) {
          fieldErrors[key] = ['must be less than or equal to 100 entries'];
        }
        updates[key] = value;
      }
      if (Object.keys(fieldErrors).length > 0) throw errors.validation(fieldErrors);
      for (const [key, value] of Object.entries(updates)) {
        const before = settings[key];
        if (JSON.stringify(before) === JSON.stringify(value)) continue;
        settings[key] = value;
        ctx.audit({
          entity_type: 'Gitlab::Audit::InstanceScope',
          entity_id: 1,
          entity_path: 'gitlab_instance',
          event_name: 'application_setting_updated',
          target_id: 1,
          target_type: 'ApplicationSetting',
          target_details: 'gitlab_instance',
          change: key,
          from: before,
          to: value,
        });
      }
      return { status: 200, body: visibleSettings(ctx) };
    },
  },
];
