export { renderInitBaseline, waiversFor, safeUrl, isoDay, addDays, INIT_WAIVER_REASON, INIT_WAIVER_DAYS } from './render';
export type { InitInput, InitWaiver } from './render';
