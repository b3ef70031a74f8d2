// Instance application settings (lib/api/settings.rb): administrators only.
import type { GitlabClient } from './client';
import type { GlApplicationSettings } from './types';

export function getApplicationSettings(client: GitlabClient): Promise<GlApplicationSettings> {
  return client.get<GlApplicationSettings>('/application/settings');
}
