export { compareBaselines, type GateChange, type GateResult } from './compare';
export { renderGate, GATE_FORMATS, type GateFormat } from './report';
