export { loadBaseline, parseBaseline, loadProfile, describe } from './load';
export { baselineSchema, profileSchema, settingsSchema, rulesSchema, waiverSchema, PROFILE_NAMES } from './schema';
export { BaselineError, type BaselineIssue } from './errors';
export { selectTargets, type GroupLike, type ProjectLike } from '../../gitlab/targets';
export { isWaiverExpired, findWaiver } from './waivers';
export type { Baseline, Waiver, LoadOptions, ProfileName } from '../../model/baseline';
