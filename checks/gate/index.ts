export { compareBaselines, type GateChange, type GateResult } from './compare';
export { renderGate, type GateFormat } from './report';
