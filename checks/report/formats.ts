// The output formats of check, gate and rules (detect's: detections/report/formats.ts), apart from their renderers: the CLI lists them in --help without loading
// any reporter (bin start-up time).
export const REPORT_FORMATS = ['table', 'json', 'sarif', 'junit', 'codequality', 'markdown', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const GATE_FORMATS = ['table', 'json', 'markdown'] as const;
export type GateFormat = (typeof GATE_FORMATS)[number];

export const RULES_FORMATS = ['markdown', 'json'] as const;
export type RulesFormat = (typeof RULES_FORMATS)[number];
