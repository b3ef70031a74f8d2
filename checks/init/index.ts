export { renderInitBaseline, waiversFor, safeUrl } from './render';
