export { compareBaselines, type ChangeKind, type GateChange, type GateResult } from './compare';
export { compareParam, DIRECTIONS, type Comparison, type Direction } from './directions';
export { renderGate, GATE_FORMATS, type GateFormat } from './report';
