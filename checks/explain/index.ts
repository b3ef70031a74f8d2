export { explainFindings, type ExplainOptions } from './explain';
export { explanationOf, findEvent, eventNameOf } from './match';
export { comparePrevious, type PreviousState } from './previous';
export { clientAuditReader, type AuditReader } from './read';
export { sourceOf, type AuditSource, type ObjectMatch, type Source } from './sources';
