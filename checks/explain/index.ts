export { explainFindings } from './explain';
export { type PreviousState } from './previous';
export { clientAuditReader, type AuditReader } from './read';
