export { loadProfile, describe } from './load';
export { baselineSchema, PROFILE_NAMES } from './schema';
