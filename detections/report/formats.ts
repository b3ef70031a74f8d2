// detect's report formats, apart from the renderers: the CLI lists them in --help without loading a reporter.
export const DETECT_FORMATS = ['json', 'table', 'markdown', 'sarif'] as const;
export type DetectFormat = (typeof DETECT_FORMATS)[number];
