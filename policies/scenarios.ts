// Headings of docs/reference/responding-to-security-incidents.md (GitLab's "Responding to security
// incidents" guide) that rules name as the scenario they defend against. The catalog test checks every
// rule's `scenario` is one of these and that each is a real heading of the guide.

export const SCENARIOS = {
  credentialExposure: 'Credential exposure to public internet',
  compromisedAccount: 'Suspected compromised user account',
  ciIncidents: 'CI/CD-related security incidents',
  exposedJobToken: 'Exposed GitLab CI/CD job token',
  ciSecretsExposed: 'Secrets exposed through misconfigured GitLab CI/CD',
  compromisedInstance: 'Suspected compromised instance',
  /** The guide's own heading for drift in visibility, approvals, webhooks and protected branches. */
  misconfiguredSettings: 'Misconfigured project or group settings',
  /** Where the guide recommends Git abuse rate limits. */
  hardening: 'Hardening Recommendations',
} as const;

export const SCENARIO_HEADINGS: readonly string[] = Object.values(SCENARIOS);

/** GitLab docs anchor of a heading (`#suspected-compromised-user-account`), for links in reports. */
export function scenarioAnchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .trim()
    .replace(/ +/g, '-');
}
